/** Seeded generators of hostile frames for the fuzz suite. Every choice comes from one PRNG. */
import { CLIENT_FRAME_TYPES } from '../../src/protocol/index.ts';

export type Rng = () => number;
export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)] as T;

/** Strings that have broken parsers, renderers and normalisers before. */
export const UNICODE_EDGES: readonly string[] = [
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'a\ud83dz', // high surrogate without its pair, mid-string
  '\u202eevil\u202c', // RTL override
  '\u2067isolate\u2069',
  '\u200b\u200c\u200d\ufeff', // zero-width characters and BOM
  'e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301', // stacked combining marks
  'Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a', // zalgo
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66', // ZWJ family (4-byte code points)
  '\ud83c\udff3\ufe0f\u200d\ud83c\udf08',
  '\u0000\u0001\u001b[31m\u007f\u0085', // NUL, escape sequences, C1
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '\u{10ffff}\u{e0001}\u{fffe}',
  '﷽',
  'Ǆǅǆ ﬁ ẞ İ',
];

/** Prototype-pollution keys, as keys and as values. */
export const PROTO_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const ROOMS = ['general', 'fuzz', 'nowhere', '__proto__', 'constructor', '../etc', 'a'.repeat(40), ''];

/** A plausible, mostly valid client frame of a random type (ids are added by the caller). */
export function validish(rng: Rng): Record<string, unknown> {
  const type = pick(
    rng,
    CLIENT_FRAME_TYPES.filter((t) => t !== 'hello'),
  );
  const room = rng() < 0.7 ? pick(rng, ['general', 'fuzz']) : pick(rng, ROOMS);
  const body = rng() < 0.5 ? `fuzz ${int(rng, 1e6)}` : pick(rng, UNICODE_EDGES);
  switch (type) {
    case 'create':
      return { type, room: `fz-${int(rng, 50)}`, title: body };
    case 'rooms':
      return { type };
    case 'join': {
      // Also rooms made by `create`; the fuzzers never leave general and fuzz (see leave).
      const target = rng() < 0.3 ? `fz-${int(rng, 50)}` : room;
      return rng() < 0.5 ? { type, room: target } : { type, room: target, after: int(rng, 100), epoch: 'forged' };
    }
    case 'leave':
      return { type, room: rng() < 0.8 ? `fz-${int(rng, 50)}` : pick(rng, ROOMS.slice(2)) };
    case 'send':
      return { type, room, kind: 'text', body };
    case 'edit':
      return { type, room, ref: 1 + int(rng, 60), body };
    case 'delete':
      return { type, room, ref: 1 + int(rng, 60) };
    case 'react':
      return { type, room, ref: 1 + int(rng, 60), emoji: pick(rng, UNICODE_EDGES), on: rng() < 0.5 };
    case 'history':
      return { type, room, after: int(rng, 60), limit: 1 + int(rng, 200) };
    case 'typing':
      return { type, room, on: rng() < 0.5 };
    case 'ping':
      return { type };
    case 'read':
      return { type, room, seq: int(rng, 100) };
    case 'sync':
      return rng() < 0.5 ? { type } : { type, after: int(rng, 100) };
    case 'unread':
      return rng() < 0.5 ? { type } : { type, room };
    default:
      return { type };
  }
}

/** A value of a random JSON type (for wrong-type mutations). */
export function randomValue(rng: Rng, depth = 0): unknown {
  switch (int(rng, depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return pick(rng, [0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, 2 ** 53]);
    case 3:
      return pick(rng, UNICODE_EDGES);
    case 4:
      return 'x'.repeat(int(rng, 300));
    case 5:
      return pick(rng, PROTO_KEYS);
    case 6:
      return [randomValue(rng, depth + 1), randomValue(rng, depth + 1)];
    default:
      return { [pick(rng, PROTO_KEYS)]: randomValue(rng, depth + 1), k: randomValue(rng, depth + 1) };
  }
}

/** Replaces or adds one field (never `id` or `type`) with a value of a random type. */
export function mutate(rng: Rng, frame: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(frame).filter((k) => k !== 'id' && k !== 'type');
  const key = keys.length > 0 && rng() < 0.7 ? pick(rng, keys) : pick(rng, [...PROTO_KEYS, 'sender', 'seq', 'cid']);
  return { ...frame, [key]: randomValue(rng) };
}

/** Serialises an object with an own `__proto__` key, which JSON.stringify of a literal cannot express. */
export function withProtoKey(json: string, rng: Rng): string {
  const inject = `"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}},`;
  return rng() < 0.5 ? json.replace('{', `{${inject}`) : json.replace(/}$/, `,${inject.slice(0, -1)}}`);
}

/** Printable garbage: never valid JSON (it starts with a character no JSON value starts with). */
export function garbageText(rng: Rng): string {
  let s = pick(rng, ['}', ']', ':', ',', 'x', '\u00e9', '\ud83d\ude00', "'"]);
  const n = int(rng, 200);
  for (let i = 0; i < n; i++) s += String.fromCodePoint(32 + int(rng, rng() < 0.9 ? 95 : 0x2000));
  return s;
}

export function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(rng, 256);
  return b;
}
