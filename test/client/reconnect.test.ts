/** Reconnects against a real server that stops and restarts on the same port and database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendResult } from '../../src/client/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, next, range, roomName, seqs, waitUntil } from './helpers.ts';

let server: TestServer;

beforeEach(async () => {
  // A short shutdown spread: clients are told to come back within 100 ms.
  server = await startServer({ process: true, args: ['--shutdown-spread-ms', '100'] });
});

afterEach(async () => {
  await server?.dispose();
});

/** Every cid at most once, and the log contiguous from 1: what a fresh reader sees. */
async function storedLog(
  room: string,
): Promise<{ seq: number; cid: string | undefined; body: string; kind: string }[]> {
  const reader = makeClient(server.wsUrl, `reader${Math.floor(Math.random() * 1e6)}`);
  await reader.join(room);
  const out: { seq: number; cid: string | undefined; body: string; kind: string }[] = [];
  for (let after = 0; ;) {
    const page = await reader.history(room, { after, limit: 200 });
    out.push(...page.events.map((e) => ({ seq: e.seq, cid: e.cid, body: e.body, kind: e.kind })));
    if (!page.more || page.events.length === 0) break;
    after = page.events.at(-1)?.seq ?? after;
  }
  reader.close();
  return out;
}

describe('reconnect', () => {
  it('a send made while disconnected is delivered after reconnect, exactly once', async () => {
    const c = makeClient(server.wsUrl, 'frank');
    const name = roomName();
    await c.createRoom(name);
    const base = (await c.join(name)).head; // the join is logged
    await c.send(name, 'before');

    await server.stop();
    await inState(c, 'reconnecting');
    const queued = [c.send(name, 'while down 1'), c.send(name, 'while down 2')];
    expect(c.state).not.toBe('connected');
    await server.restart();

    const acks = await Promise.all(queued);
    expect(acks.map((a) => a.seq)).toEqual([base + 2, base + 3]);
    await waitUntil(() => c.seen.room(name).length === 3, { what: 'echoes' });
    expect(c.seen.room(name).map((e) => e.body)).toEqual(['before', 'while down 1', 'while down 2']);
    const log = (await storedLog(name)).filter((e) => e.kind === 'text');
    expect(log.map((e) => e.body)).toEqual(['before', 'while down 1', 'while down 2']);
    // The reconnect went through the states with an attempt number and a delay.
    const reconnecting = c.seen.states.find((s) => s.state === 'reconnecting');
    expect(reconnecting).toMatchObject({ prev: 'connected', attempt: 1, code: 1001 });
    expect(typeof reconnecting?.delayMs).toBe('number');
  });

  for (const kill of [false, true]) {
    it(`resumes with no gap or duplicate and acks in-flight sends once (restart, kill=${kill})`, async () => {
      const a = makeClient(server.wsUrl, 'gina');
      const b = makeClient(server.wsUrl, 'hank');
      const name = roomName();
      await a.createRoom(name);
      await Promise.all([a.join(name), b.join(name)]);
      await inState(b, 'connected');
      const userA = a.user;

      // A stream of sends that straddles the restart.
      const sends: Promise<SendResult>[] = [];
      for (const i of range(1, 30)) sends.push(a.send(name, `m${i}`));
      const restarted = server.restart({ kill });
      for (const i of range(31, 60)) sends.push(a.send(name, `m${i}`));
      await restarted;
      for (const i of range(61, 70)) sends.push(b.send(name, `n${i}`));

      const acks = await Promise.all(sends);
      expect(new Set(acks.map((x) => x.seq)).size).toBe(70);
      expect(new Set(acks.map((x) => x.id)).size).toBe(70);

      const all = await storedLog(name);
      expect(seqs(all as never)).toEqual(range(1, all.length)); // no gaps (join events included)
      const log = all.filter((e) => e.kind === 'text');
      expect(log.length).toBe(70);
      expect(new Set(log.map((e) => e.cid)).size).toBe(70); // nothing stored twice
      const aBodies = log.map((e) => e.body).filter((x) => x.startsWith('m'));
      expect(aBodies).toEqual(range(1, 60).map((i) => `m${i}`)); // resent in original order

      for (const c of [a, b]) {
        const texts = () => c.seen.room(name).filter((e) => e.kind === 'text');
        await waitUntil(() => texts().length >= 70, { what: `${c.user?.nick} sees 70 messages` });
        expect(texts().length).toBe(70);
        const got = seqs(c.seen.room(name));
        expect(got).toEqual(range(got[0] ?? 0, (got[0] ?? 0) + got.length - 1)); // contiguous, once each
      }
      expect(a.user).toEqual(userA); // same session, same user
      expect(a.seen.welcomes.length).toBeGreaterThanOrEqual(2);
      expect(a.seen.resets).toEqual([]);
      // Every ack matches the stored event with its cid.
      const byCid = new Map(log.map((e) => [e.cid, e.seq]));
      for (const ack of acks) expect(byCid.get(ack.id)).toBe(ack.seq);
    });
  }

  it('replays what was sent while it was away', async () => {
    // A huge backoff: it comes back only when connect() says so.
    const a = makeClient(server.wsUrl, 'ivy', { backoff: { minMs: 60_000, maxMs: 60_000 } });
    const name = roomName();
    await a.createRoom(name);
    const base = (await a.join(name)).head; // the join is logged
    await a.send(name, 'first');
    await waitUntil(() => a.lastSeq(name) === base + 1, { what: 'first echo' });

    await server.restart();
    await inState(a, 'reconnecting');
    const raw = await RawClient.connect(server.wsUrl, 'jack');
    await raw.request('joined', { type: 'join', id: 'j1', room: name });
    for (const i of range(1, 5))
      await raw.request('ack', { type: 'send', id: `s${i}`, room: name, kind: 'text', body: `away${i}` });
    raw.close();

    a.connect(); // skip the backoff wait
    // jack's join event, then his five messages.
    await waitUntil(() => a.lastSeq(name) === base + 7, { what: 'replay' });
    const texts = a.seen.room(name).filter((e) => e.kind === 'text');
    expect(texts.map((e) => e.body)).toEqual(['first', 'away1', 'away2', 'away3', 'away4', 'away5']);
    expect(seqs(a.seen.room(name))).toEqual(range(base + 1, base + 7));
  });

  it('keeps the same user id across a restart when it resends its session', async () => {
    const a = makeClient(server.wsUrl, 'kim');
    await inState(a, 'connected');
    const first = a.user;
    await server.restart({ kill: true });
    await next(a, 'welcome');
    expect(a.user?.id).toBe(first?.id);
  });
});
