/** Typing signals are forwarded, throttled per user and room and never stored. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TYPING_THROTTLE_MS, TYPING_TTL_MS, type TypingFrame } from '../../src/protocol/index.ts';
import type { Limiters } from '../../src/server/limits/limiter.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { TYPING_BURST, TypingThrottle } from '../../src/server/limits/typing-throttle.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/wait.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.dispose();
});

describe('typing', () => {
  it('reaches the others in the room once per throttle window, is never echoed and never stored', async () => {
    const a = await RawClient.connect(server.wsUrl, 'typist');
    const b = await RawClient.connect(server.wsUrl, 'watcher');
    const outside = await RawClient.connect(server.wsUrl, 'outside');
    await a.request('joined', { type: 'join', id: 'j', room: 'general' });
    const head = (await b.request('joined', { type: 'join', id: 'j', room: 'general' })).room.head;

    for (let i = 0; i < 5; i++) a.sendJson({ type: 'typing', room: 'general', on: true });
    a.sendJson({ type: 'typing', room: 'general', on: false });
    // Not in the room: ignored without an error.
    outside.sendJson({ type: 'typing', room: 'general', on: true });
    await a.request('pong', { type: 'ping', id: 'sync' });
    const off = await b.next('typing', (t) => !t.on);
    expect(off.user).toEqual(a.welcome.user);
    await b.request('pong', { type: 'ping', id: 'sync' });
    const typing = b.frames.filter((f) => f.type === 'typing');
    expect(typing.map((t) => t.type === 'typing' && [t.user.nick, t.on])).toEqual([
      ['typist', true],
      ['typist', false],
    ]);
    expect(a.frames.some((f) => f.type === 'typing')).toBe(false);
    expect(outside.frames.some((f) => f.type === 'error')).toBe(false);
    const page = await b.request('history', { type: 'history', id: 'h', room: 'general', after: head });
    expect(page.events).toEqual([]);
    for (const c of [a, b, outside]) c.close();
  });

  it('holds one user to the documented rate across two connections, however on and off alternate', async () => {
    const first = await RawClient.connect(server.wsUrl, 'flapper');
    const second = await RawClient.connect(server.wsUrl, 'flapper', first.welcome.session);
    expect(second.welcome.user).toEqual(first.welcome.user);
    const watcher = await RawClient.connect(server.wsUrl, 'flap-watcher');
    await first.request('room', { type: 'create', id: 'c', room: 'flap' });
    for (const c of [first, second, watcher]) await c.request('joined', { type: 'join', id: 'j', room: 'flap' });

    // Alternate on / off from both connections for 2.5 s, paced by round trips (no sleeps).
    const start = Date.now();
    let sent = 0;
    while (Date.now() - start < 2_500) {
      for (const c of [first, second, first, second])
        c.sendJson({ type: 'typing', room: 'flap', on: sent++ % 2 === 0 });
      await Promise.all([first, second].map((c) => c.request('pong', { type: 'ping', id: `p${sent}` })));
    }
    second.sendJson({ type: 'typing', room: 'flap', on: false });
    sent++;
    const seen = (): TypingFrame[] => watcher.frames.filter((f): f is TypingFrame => f.type === 'typing');
    // The last change is held until a token is back, then forwarded: the watcher ends on `off`.
    await waitUntil(() => seen().at(-1)?.on === false, { timeoutMs: 2 * TYPING_THROTTLE_MS + 2_000, what: 'off' });
    const elapsedMs = Date.now() - start;
    await watcher.request('pong', { type: 'ping', id: 'sync' });

    const typing = seen();
    expect(sent).toBeGreaterThan(90);
    expect(typing.every((t) => t.user.id === first.welcome.user.id && t.room === 'flap')).toBe(true);
    // Every forwarded signal, on or off, takes a token: a burst, then one per TYPING_THROTTLE_MS.
    expect(typing.length).toBeGreaterThanOrEqual(3);
    expect(typing.length).toBeLessThanOrEqual(TYPING_BURST + Math.ceil(elapsedMs / TYPING_THROTTLE_MS));
    // An `off` goes out only after an `on` (an `on` may repeat: a renewal, a second or more later).
    expect(typing.every((t, i) => t.on || typing[i - 1]?.on === true)).toBe(true);
    for (const c of [first, second, watcher]) c.close();
  });
});

describe('TypingThrottle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forwards a burst then one signal per interval, ends on the last state asked for, and forgets idle users', () => {
    vi.useFakeTimers();
    const throttle = new TypingThrottle();
    const out: boolean[] = [];
    const send = (on: boolean): void => {
      out.push(on);
    };
    // 3 s of a change every 20 ms, alternating.
    for (let i = 0; i < 150; i++) {
      throttle.signal('u1', 'r', i % 2 === 0, send);
      vi.advanceTimersByTime(20);
    }
    expect(out.length).toBeLessThanOrEqual(TYPING_BURST + 3);
    expect(out.length).toBeGreaterThanOrEqual(3);
    vi.advanceTimersByTime(TYPING_THROTTLE_MS);
    expect(out.at(-1)).toBe(false);
    // Other users and rooms have budgets of their own.
    throttle.signal('u2', 'r', true, send);
    throttle.signal('u1', 'other', true, send);
    expect(out.slice(-2)).toEqual([true, true]);
    expect(throttle.size).toBe(3);
    vi.advanceTimersByTime(TYPING_TTL_MS + TYPING_THROTTLE_MS);
    expect(throttle.size).toBe(0);
  });

  it('forwards a renewal of on at most once per interval, and no off that nobody saw an on for', () => {
    vi.useFakeTimers();
    const throttle = new TypingThrottle();
    const out: boolean[] = [];
    const send = (on: boolean): void => {
      out.push(on);
    };
    throttle.signal('u', 'r', false, send);
    expect(out).toEqual([]);
    for (let i = 0; i < 30; i++) {
      throttle.signal('u', 'r', true, send);
      vi.advanceTimersByTime(100);
    }
    expect(out).toEqual([true, true, true]);
  });

  it('holds one user to one rate on two nodes sharing a Limiters engine', () => {
    vi.useFakeTimers();
    const shared = new MemoryLimiters();
    const [east, west] = [new TypingThrottle(shared), new TypingThrottle(shared)];
    const out: boolean[] = [];
    const send = (on: boolean): void => {
      out.push(on);
    };
    // 3 s of alternating changes, each node asked every 20 ms: alone, each would forward its own budget.
    for (let i = 0; i < 150; i++) {
      east.signal('u1', 'r', i % 2 === 0, send);
      west.signal('u1', 'r', i % 2 === 1, send);
      vi.advanceTimersByTime(20);
    }
    expect(out.length).toBeLessThanOrEqual(TYPING_BURST + 3);
    expect(out.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps the rate and ends on the last state asked for with an engine that answers later', async () => {
    vi.useFakeTimers();
    const inner = new MemoryLimiters();
    const later: Limiters = {
      bucket(name, perSec, burst) {
        const limiter = inner.bucket(name, perSec, burst);
        return {
          take: (key, cost) => Promise.resolve(limiter.take(key, cost)),
          peek: (key, cost) => Promise.resolve(limiter.peek(key, cost)),
          reset: (key) => Promise.resolve(limiter.reset(key)),
        };
      },
      close: () => inner.close(),
    };
    const throttle = new TypingThrottle(later);
    const out: boolean[] = [];
    const send = (on: boolean): void => {
      out.push(on);
    };
    for (let i = 0; i < 150; i++) {
      throttle.signal('u1', 'r', i % 2 === 0, send);
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(out.length).toBeLessThanOrEqual(TYPING_BURST + 3);
    expect(out.length).toBeGreaterThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(TYPING_THROTTLE_MS);
    expect(out.at(-1)).toBe(false);
    await vi.advanceTimersByTimeAsync(TYPING_TTL_MS + TYPING_THROTTLE_MS);
    expect(throttle.size).toBe(0);
  });
});
