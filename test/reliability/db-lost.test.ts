/**
 * Scenario (f), the limit of the guarantees: the server restarts without its database file.
 * Rooms come back with a new epoch, so resuming clients are told `reset` (once) instead of
 * silently mixing two logs. Sessions went with the file too, so each client is a new guest:
 * a send still unacknowledged from before is either stored once in the new log or refused to
 * the app (user_changed: the SDK never writes as another user), never stored twice or dropped
 * silently. What was acknowledged before is gone with the file: that is not promised.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientError, SendResult } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import {
  caughtUp,
  checkAcks,
  checkDelivered,
  checkLog,
  connectionStats,
  fetchHeads,
  fetchLogs,
  joinAll,
  makeMember,
  type Member,
  Problems,
  pump,
  scenarioSeed,
  seconds,
  summary,
  waitUntil,
  withDeadline,
} from './harness.ts';

const FILE = 'test/reliability/db-lost.test.ts';
const SEED = 0x5eed_f006;
const ROOM = 'lost';
const BEFORE = 40;
const WHILE_DOWN = 10;
const AFTER = 20;

interface Queued {
  readonly m: Member;
  readonly body: string;
  settled?: Promise<void>;
  result?: SendResult;
  error?: ClientError;
}

let server: TestServer;
const members: Member[] = [];

beforeAll(async () => {
  server = await startServer({ args: ['--shutdown-spread-ms', '200', '--default-rooms', ROOM] });
});

afterAll(async () => {
  for (const m of members) m.client.close();
  await server?.dispose();
});

describe('the database file is lost', () => {
  it(`clients are told reset once; unacknowledged sends are stored once or refused, never twice (seed ${SEED})`, async () => {
    const seed = scenarioSeed(FILE, SEED);
    const startedAt = performance.now();
    for (let i = 0; i < 3; i++) members.push(makeMember(server.wsUrl, `lost${i}`, [ROOM]));
    await joinAll(members);
    const plan = (m: Member, from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ room: ROOM, body: `${m.nick} #${from + i}` }));

    await Promise.all(members.map((m) => pump(m, plan(m, 0, BEFORE), { window: 8 })));
    const oldLogs = await fetchLogs(server.url, [ROOM]);
    await caughtUp(members, new Map([[ROOM, oldLogs.get(ROOM)?.length ?? 0]]), 10_000);
    const oldEpoch = members[0]?.client.lastSeq(ROOM) !== undefined ? await epochOf(server.url) : undefined;
    const oldUsers = members.map((m) => m.client.user?.id);

    await server.stop();
    for (const f of readdirSync(server.dataDir)) if (f.startsWith('parley.db')) rmSync(join(server.dataDir, f));
    await waitUntil(() => members.every((m) => m.client.state !== 'connected'), { what: 'clients to notice' });
    const sentBefore = members.map((m) => m.sent.length);
    // Sends made while the server is down wait in the outbox, unacknowledged.
    const queued = members.flatMap((m) =>
      plan(m, BEFORE, WHILE_DOWN).map(({ room, body }) => {
        const q: Queued = { m, body };
        q.settled = m.client.send(room, body).then(
          (result) => void (q.result = result),
          (err: unknown) => void (q.error = err as ClientError),
        );
        return q;
      }),
    );
    await server.restart();
    await withDeadline(Promise.all(queued.map((q) => q.settled)), 20_000, 'the queued sends to settle');
    await Promise.all(members.map((m) => pump(m, plan(m, BEFORE + WHILE_DOWN, AFTER), { window: 8 })));

    const newLogs = await fetchLogs(server.url, [ROOM]);
    await caughtUp(members, new Map([[ROOM, newLogs.get(ROOM)?.length ?? 0]]), 10_000);

    const problems = new Problems();
    checkLog(problems, ROOM, oldLogs.get(ROOM) ?? []);
    checkLog(problems, ROOM, newLogs.get(ROOM) ?? []);
    for (const m of members) {
      expect(m.resets, `${m.nick} resets`).toEqual([ROOM]);
      const [old] = m.beforeReset.get(ROOM) ?? [];
      checkDelivered(problems, `${m.nick} (old log)`, ROOM, old?.delivered ?? [], oldLogs.get(ROOM) ?? [], old?.from);
      checkDelivered(
        problems,
        `${m.nick} (new log)`,
        ROOM,
        m.delivered.get(ROOM) ?? [],
        newLogs.get(ROOM) ?? [],
        m.from.get(ROOM),
      );
    }
    // Acks from before the loss match the old log; the rest (queued + later) the new one, once each.
    const split = (part: 'old' | 'new') =>
      members.map((m, i) => ({
        ...m,
        sent: part === 'old' ? m.sent.slice(0, sentBefore[i]) : m.sent.slice(sentBefore[i]),
      }));
    const oldAcks = checkAcks(problems, split('old'), oldLogs, false);
    const newAcks = checkAcks(problems, split('new'), newLogs, false);
    // Each queued send: acknowledged and in the new log once, or refused and not in it at all.
    const newLog = newLogs.get(ROOM) ?? [];
    let queuedStored = 0;
    let queuedRefused = 0;
    for (const q of queued) {
      const copies = newLog.filter((e) => e.body === q.body);
      if (q.result) {
        queuedStored++;
        const ev = newLog[q.result.seq - 1];
        if (copies.length !== 1 || ev?.cid !== q.result.id || ev.body !== q.body) {
          problems.add(`${q.m.nick}: queued ${q.body} acked at ${q.result.seq}, stored ${copies.length}x`);
        }
      } else {
        queuedRefused++;
        if (q.error?.code !== 'user_changed') problems.add(`${q.m.nick}: queued ${q.body} failed: ${q.error?.code}`);
        if (copies.length > 0) problems.add(`${q.m.nick}: queued ${q.body} refused, yet stored ${copies.length}x`);
      }
    }
    // Nothing in the new log that nobody sent.
    const known = new Set([...queued.map((q) => q.body), ...members.flatMap((m) => m.sent.map((x) => x.body))]);
    for (const e of newLog) if (e.kind === 'text' && !known.has(e.body)) problems.add(`new log: unknown ${e.body}`);
    expect(problems.all).toEqual([]);
    expect(oldAcks).toBe(3 * BEFORE);
    expect(newAcks).toBe(3 * AFTER);
    // All or none: the policy is per client, not per send.
    expect([0, queued.length]).toContain(queuedStored);
    // The sessions went with the file: the same nicknames are new guest users now.
    expect(members.map((m) => m.client.user?.id)).not.toEqual(oldUsers);
    expect(await epochOf(server.url)).not.toBe(oldEpoch);
    expect((await fetchHeads(server.url)).get(ROOM)).toBe(newLogs.get(ROOM)?.length);

    summary('f database lost', {
      clients: members.length,
      rooms: 1,
      messages: oldAcks + newAcks,
      faults: { dbLost: 1 },
      ...connectionStats(members),
      duration: seconds(startedAt),
      messagesBefore: oldAcks,
      messagesAfter: newAcks,
      queuedWhileDown: queued.length,
      queuedStored,
      queuedRefused,
      resets: members.reduce((n, m) => n + m.resets.length, 0),
      seed,
    });
  }, 60_000);
});

async function epochOf(httpUrl: string): Promise<string | undefined> {
  const res = await fetch(`${httpUrl}/api/rooms`);
  const { rooms } = (await res.json()) as { rooms: { name: string; epoch: string }[] };
  return rooms.find((r) => r.name === ROOM)?.epoch;
}
