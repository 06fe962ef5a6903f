/**
 * A Limiters engine that answers later (as a networked one, e.g. Redis, will): the same limits
 * hold, with the same answers, and a connection's frames still run in the order they came, even
 * when a later question is answered sooner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckFrame, ErrorFrame, ServerFrame } from '../../src/protocol/index.ts';
import { createParleyServer, type ParleyServer } from '../../src/server/index.ts';
import type { Limiter, Limiters } from '../../src/server/limits/limiter.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { statusOf, tryUpgrade } from '../security/upgrade.ts';
import { RawClient } from '../support/raw-client.ts';
import { waitUntil } from '../support/wait.ts';

/** The memory engine behind a delay; each answer comes sooner than the one before (down to 1 ms). */
class LaterLimiters implements Limiters {
  readonly #inner = new MemoryLimiters();
  #asked = 0;
  asks = 0;

  bucket(name: string, perSec: number, burst: number): Limiter {
    const inner = this.#inner.bucket(name, perSec, burst);
    const later = <T>(answer: () => T): Promise<T> => {
      this.asks++;
      const delay = Math.max(1, 30 - 3 * this.#asked++);
      return new Promise((resolve) => setTimeout(() => resolve(answer()), delay));
    };
    return {
      take: (key, cost) => later(() => inner.take(key, cost)),
      peek: (key, cost) => later(() => inner.peek(key, cost)),
      reset: (key) => later(() => inner.reset(key)),
    };
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'parley-async-limiter-'));
const limits = new LaterLimiters();
let server: ParleyServer;
let url = '';

beforeAll(async () => {
  server = createParleyServer({
    options: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      webDir: null,
      logLevel: 'warn',
      // No refill: the counts below hold at any speed.
      userWritesPerSec: 0,
      userWritesBurst: 4,
      ipConnectsPerSec: 0,
      ipConnectsBurst: 4,
      rateStrikes: 100,
      trustProxy: 1,
    },
    limits,
  });
  url = `ws://127.0.0.1:${await server.listen()}/ws`;
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a limiter engine that answers later', () => {
  it('keeps the user’s write budget and the frames’ order: writes, then a leave, run as sent', async () => {
    const c = await RawClient.connect(url, 'later');
    await c.request('joined', { type: 'join', id: 'j', room: 'general' });
    const asked = limits.asks;
    // Six writes for a budget of four, a read between them and a leave at the end: had the leave
    // (no engine question) overtaken the writes, they would fail not_member.
    for (let i = 0; i < 3; i++) c.sendJson({ type: 'send', id: `s${i}`, room: 'general', kind: 'text', body: `m${i}` });
    c.sendJson({ type: 'ping', id: 'p' });
    for (let i = 3; i < 6; i++) c.sendJson({ type: 'send', id: `s${i}`, room: 'general', kind: 'text', body: `m${i}` });
    c.sendJson({ type: 'leave', id: 'l', room: 'general' });
    const isAnswer = (f: ServerFrame): f is AckFrame | ErrorFrame =>
      (f.type === 'ack' || f.type === 'error') && f.id?.startsWith('s') === true;
    const answers = await waitUntil(() => {
      const got = c.frames.filter(isAnswer);
      return got.length >= 6 && c.frames.some((f) => f.type === 'left') ? got : undefined;
    });
    expect(limits.asks - asked).toBe(6);
    const acked = answers.filter((f): f is AckFrame => f.type === 'ack').sort((x, y) => x.seq - y.seq);
    expect(acked.map((a) => a.id)).toEqual(['s0', 's1', 's2', 's3']);
    const refused = answers.filter((f): f is ErrorFrame => f.type === 'error');
    expect(refused.map((e) => [e.id, e.code])).toEqual([
      ['s4', 'rate_limited'],
      ['s5', 'rate_limited'],
    ]);
    for (const e of refused) expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(c.frames.some((f) => f.type === 'pong')).toBe(true);

    // Stored in the order sent.
    const reader = await RawClient.connect(url, 'reader');
    await reader.request('joined', { type: 'join', id: 'j', room: 'general' });
    const head = acked.at(-1)?.seq ?? 0;
    const page = await reader.request('history', { type: 'history', id: 'h', room: 'general', after: head - 4 });
    // The four messages, then the leave: nothing overtook them.
    expect(page.events.slice(0, 5).map((e) => (e.kind === 'text' ? e.body : e.kind))).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'leave',
    ]);
    c.close();
    reader.close();
  });

  it('keeps the connect budget per address: 429 once it is spent', async () => {
    const from = { 'X-Forwarded-For': '198.51.100.7' };
    for (let i = 0; i < 4; i++) expect(statusOf(await tryUpgrade(url, from))).toBe(101);
    const refused = await tryUpgrade(url, from);
    expect(statusOf(refused)).toBe(429);
    expect('body' in refused && refused.body).toContain('rate_limited');
  });
});
