/**
 * fast-check arbitraries for hostile client frames, as JSON *text* (so keys such as `__proto__`,
 * duplicate keys, nesting thousands deep and lone surrogates reach the decoder exactly as a peer
 * can send them). The frame fields come from the protocol's schemas, not from a list kept here.
 */
import fc from 'fast-check';
import * as schema from '../../src/protocol/schema.ts';
import { CLIENT_FRAME_TYPES, type ClientFrame } from '../../src/protocol/index.ts';

export type FrameType = ClientFrame['type'];

interface ObjectSchemaLike {
  readonly type: 'object';
  readonly entries: Record<string, unknown>;
}

/** The schema of each client frame type (`<type>Schema` in src/protocol/schema.ts). */
export function frameSchema(type: FrameType): ObjectSchemaLike {
  const found = (schema as Record<string, unknown>)[`${type}Schema`] as ObjectSchemaLike | undefined;
  if (found?.type !== 'object') throw new Error(`no object schema ${type}Schema in src/protocol/schema.ts`);
  return found;
}

/** The field names of a frame type, from its schema (always with `type` and `id`). */
export function frameFields(type: FrameType): string[] {
  return [...new Set(['type', 'id', ...Object.keys(frameSchema(type).entries)])];
}

/** Every field name of every frame type. */
export const ALL_FIELDS = [...new Set(CLIENT_FRAME_TYPES.flatMap(frameFields))].sort();

/**
 * A value each field accepts, as JSON text, so a frame can get past its early fields and the
 * decoder and handlers meet the hostile value in a later one. The property tests check that
 * every field of every schema has an entry here.
 */
export const PLAUSIBLE: Record<string, readonly string[]> = {
  type: [],
  id: ['"p-1"'],
  v: ['1'],
  nick: ['"ada"', '"Bob Smith"'],
  session: ['"sessionsessionsession01"'],
  room: ['"general"', '"prop"', '"general"', '"prop"', '"nowhere"'],
  title: ['"A title"', '""'],
  visibility: ['"public"', '"private"'],
  after: ['0', '3'],
  epoch: ['"e"', '""'],
  kind: ['"text"', '"text"', '"text"', '"image"', '"file"'],
  body: ['"hello"', '""'],
  file: ['"abc_DEF-123"'],
  reply: ['1'],
  before: ['1', '0'],
  limit: ['1', '20'],
  ref: ['1', '2'],
  emoji: ['"👍"'],
  on: ['true', 'false'],
  user: ['"u-1"'],
  role: ['"moderator"', '"member"'],
  seq: ['0', '2'],
  state: ['"active"', '"idle"'],
  users: ['["u-1"]', '["u-1","u-2"]'],
  q: ['"hello"', '"\\"quoted phrase\\""'],
  topic: ['"A topic"', '""'],
  name: ['"Ada Lovelace"', '""'],
};

const json = (x: unknown): string => JSON.stringify(x);
const MAX_SAFE = String(Number.MAX_SAFE_INTEGER);

/**
 * Values the schemas accept at their edges (longest, largest, oddest), so the handlers behind
 * the decoder meet them too.
 */
export const EDGY: Record<string, readonly string[]> = {
  id: [json('x'.repeat(64)), json('\u202e\ud83d\ude00'), json('__proto__'), json('constructor')],
  nick: [json('a'.repeat(32)), json('Zoë.-_ 9'), json('  ada  ')],
  session: [json('s'.repeat(128)), json('__proto__')],
  room: [json('a'.repeat(32)), json('general'), json('0'), json('a-_')],
  title: [json('t'.repeat(80)), json('\u202eevil\u0000\ud800'), json(' \n\t ')],
  after: ['0', MAX_SAFE, '1e3'],
  epoch: [json('e'.repeat(64)), json('__proto__')],
  body: [
    json('b'.repeat(4_000)),
    json('\ud83d\ude00'.repeat(1_000)),
    json('\ud800\u0000\u202e'),
    json('@everyone @fuzzer'),
  ],
  file: [json('f'.repeat(64)), json('_'), json('-')],
  reply: ['1', MAX_SAFE],
  before: ['1', MAX_SAFE],
  limit: ['1', '50', '200'],
  ref: ['1', MAX_SAFE, '3'],
  emoji: [json('e'.repeat(32)), json('\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67'), json('\ud800')],
  user: [json('u'.repeat(64)), json('__proto__'), json('constructor')],
  seq: ['0', MAX_SAFE, '1'],
  users: [
    json(Array.from({ length: 200 }, (_, i) => `u${i}`)),
    json(['__proto__', 'constructor']),
    json(Array(9).fill('x')),
  ],
  q: [json('q'.repeat(200)), json('"a b" c "'), json('* OR NEAR( ) ^ -x'), json('a '.repeat(60))],
  topic: [json('t'.repeat(250)), json('')],
  name: [json('😀'.repeat(64)), json('  Zoë \n\t 李  '), json('👩\u200d💻'), json(' ')],
};

/** Keys that have broken servers: prototype pollution, coercion hooks, thenables. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'toJSON',
  'toLocaleString',
  'hasOwnProperty',
  'then',
  'length',
  'Symbol(Symbol.toPrimitive)',
  '@@toPrimitive',
  '',
];

/** Numbers as JSON text: beyond the safe integers, beyond a double (parse to Infinity), tiny, negative zero. */
const NUMBER_TEXTS: readonly string[] = [
  '0',
  '-0',
  '1',
  '-1',
  '0.5',
  '1e400',
  '-1e400',
  '1e-400',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890123456789',
  '1.7976931348623157e308',
  '5e-324',
  '4294967296',
  '2147483648',
  '1E2',
  '1e+2',
];

const stringText = (s: string): string => JSON.stringify(s);

/** A JSON string whose text holds a raw lone surrogate (not escaped), as a sloppy peer would send. */
const rawSurrogateString = fc
  .tuple(fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 4 })) // printable ASCII
  .map(([cp, s]) => `"${s.replace(/["\\]/g, '')}${String.fromCharCode(cp)}"`);

/** Sizes of huge strings; the frame-size limit is 64 KiB and bodies stop at 4,000 characters. */
export const HUGE_LENGTHS = [0, 1, 32, 33, 200, 201, 4_000, 4_001, 16_384, 65_536, 200_000] as const;

/** Strings: empty, huge, lone surrogates (escaped and raw), control and bidi characters, emoji. */
export function stringTexts({ maxHuge = 200_000 } = {}): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 40 }).map(stringText),
    fc.string({ unit: 'binary', maxLength: 40 }).map(stringText),
    fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }).map(stringText),
    rawSurrogateString,
    fc
      .tuple(
        fc.constantFrom(...HUGE_LENGTHS.filter((n) => n <= maxHuge)),
        fc.constantFrom('x', 'é', '\ud83d\ude00', '\u200b', '\ud800', ' ', 'a"b\\'),
      )
      .map(([n, unit]) => stringText(unit.repeat(Math.ceil(n / unit.length)))),
    fc
      .constantFrom(...HOSTILE_KEYS, 'general', 'hello', 'ping', 'send', '\u202eevil', '<script>', '\u0000')
      .map(stringText),
  );
}

/** How deep a nested value goes: past any recursion limit a parser or validator might have. */
export const DEEP = { min: 1_000, max: 10_000 } as const;

/** The hooks that String(), `+`, template literals, JSON.stringify and `await` call on an object. */
export const COERCION_KEYS: readonly string[] = ['toString', 'valueOf', 'toJSON', 'then', '__proto__', 'constructor'];

/** A value nested `depth` deep around `inner`, as arrays, plain objects or objects with a hostile key. */
function nest(depth: number, shape: number, key: string, inner: string): string {
  if (shape === 0) return '['.repeat(depth) + inner + ']'.repeat(depth);
  const open = `{${JSON.stringify(key)}:`;
  return open.repeat(depth) + inner + '}'.repeat(depth);
}

export interface JsonOptions {
  /** Largest huge string (the server suite keeps frames under its 64 KiB frame limit). */
  readonly maxHuge?: number;
  /** Deepest nesting. */
  readonly maxDepth?: number;
}

/** Any JSON value as text: scalars, hostile strings and numbers, hostile-keyed objects, deep nesting. */
export function jsonText(opts: JsonOptions = {}): fc.Arbitrary<string> {
  const maxDepth = opts.maxDepth ?? DEEP.max;
  const scalar = fc.oneof(
    fc.constantFrom('null', 'true', 'false'),
    fc.constantFrom(...NUMBER_TEXTS),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    stringTexts(opts),
  );
  const key = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
    { weight: 1, arbitrary: fc.constantFrom(...ALL_FIELDS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  const { value } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    object: fc
      .array(fc.tuple(key, tie('value')), { maxLength: 4 })
      .map((kvs) => `{${kvs.map(([k, x]) => `${JSON.stringify(k)}:${x}`).join(',')}}`),
  }));
  const deep = fc
    .tuple(
      fc.integer({ min: Math.min(DEEP.min, maxDepth), max: maxDepth }),
      fc.integer({ min: 0, max: 1 }),
      fc.constantFrom(...HOSTILE_KEYS, 'a'),
      scalar,
    )
    .map(([depth, shape, k, inner]) => nest(depth, shape, k, inner));
  // An object whose coercion hooks are data (String(x) on it throws), in any order, maybe nested.
  const hostile = fc
    .tuple(fc.shuffledSubarray([...COERCION_KEYS], { minLength: 1 }), fc.array(value, { minLength: 6, maxLength: 6 }))
    .map(([keys, values]) => `{${keys.map((k, i) => `${JSON.stringify(k)}:${values[i] ?? 'null'}`).join(',')}}`);
  return fc.oneof({ weight: 5, arbitrary: value }, { weight: 2, arbitrary: hostile }, { weight: 1, arbitrary: deep });
}

export interface FrameOptions extends JsonOptions {
  /** When set, the `id` field is always this (so an answer can be matched to its frame). */
  readonly id?: string;
  /**
   * `any` (default): every field is as likely anything at all as a value it accepts. `valid`:
   * mostly values the schema accepts, at their edges too, so most frames reach their handler.
   */
  readonly bias?: 'any' | 'valid';
  /** More accepted values per field (JSON text), e.g. the ids of real users on a live server. */
  readonly known?: Readonly<Record<string, readonly string[]>>;
}

/** One field's value: left out (undefined), one it accepts, or anything at all. */
function fieldValue(field: string, opts: FrameOptions, optional = false): fc.Arbitrary<string | undefined> {
  const plausible = [...(PLAUSIBLE[field] ?? []), ...(opts.known?.[field] ?? [])];
  const edgy = EDGY[field] ?? [];
  const valid = opts.bias === 'valid';
  return fc.oneof(
    { weight: valid && optional ? 50 : 1, arbitrary: fc.constant(undefined) },
    ...(plausible.length > 0 ? [{ weight: valid ? 16 : 2, arbitrary: fc.constantFrom(...plausible) }] : []),
    ...(edgy.length > 0 ? [{ weight: valid ? 5 : 1, arbitrary: fc.constantFrom(...edgy) }] : []),
    { weight: valid ? 1 : 3, arbitrary: jsonText(opts) },
  );
}

/**
 * A frame of `type` as JSON text: every schema field left out, plausible or arbitrary; the type
 * mostly right (else arbitrary); sometimes extra hostile keys, before or after the real ones.
 */
export function frameText(type: FrameType, opts: FrameOptions = {}): fc.Arbitrary<string> {
  const fields = frameFields(type).filter((f) => f !== 'type' && f !== 'id');
  const { entries } = frameSchema(type);
  const optional = (f: string): boolean => (entries[f] as { type?: string } | undefined)?.type === 'optional';
  const typeValue = fc.oneof(
    { weight: opts.bias === 'valid' ? 12 : 4, arbitrary: fc.constant(JSON.stringify(type)) },
    { weight: 1, arbitrary: jsonText(opts) },
  );
  const idValue = opts.id === undefined ? fieldValue('id', opts) : fc.constant(JSON.stringify(opts.id));
  const extra = fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), jsonText(opts)), { maxLength: 2 });
  return fc
    .tuple(typeValue, idValue, fc.tuple(...fields.map((f) => fieldValue(f, opts, optional(f)))), extra, fc.boolean())
    .map(([t, id, values, extras, extrasFirst]) => {
      const entries: string[] = [`"type":${t}`];
      if (id !== undefined) entries.push(`"id":${id}`);
      fields.forEach((f, i) => {
        const value = values[i];
        if (value !== undefined) entries.push(`${JSON.stringify(f)}:${value}`);
      });
      const hostile = extras.map(([k, x]) => `${JSON.stringify(k)}:${x}`);
      return `{${(extrasFirst ? [...hostile, ...entries] : [...entries, ...hostile]).join(',')}}`;
    });
}
