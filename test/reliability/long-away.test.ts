/**
 * Scenario (d): a client is away (its network refuses every reconnect) while 5,000 events are
 * written to its room, and it makes sends of its own meanwhile. When the network is back it
 * resumes from its last seq: every missed event arrives once, in order, and its queued sends
 * are stored exactly once. There is no replay window: the log is the source of truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import {
  caughtUp,
  checkAcks,
  checkDelivered,
  checkLog,
  connectionStats,
  fetchHeads,
  fetchLogs,
  Gate,
  joinAll,
  makeMember,
  type Member,
  Problems,
  pump,
  scenarioSeed,
  seconds,
  seededRandom,
  summary,
  waitUntil,
  withDeadline,
} from './harness.ts';

const FILE = 'test/reliability/long-away.test.ts';
const SEED = 0x5eed_d004;
const ROOM = 'away';
const BEFORE = 100;
const WHILE_AWAY = 5_000;
const OWN_WHILE_AWAY = 20;
/** Written while the traveller replays, so replay and live events meet at its join. */
const DURING_REPLAY = 500;

let server: TestServer;
let gate: Gate | undefined;
const members: Member[] = [];

beforeAll(async () => {
  server = await startServer({ args: ['--default-rooms', ROOM] });
});

afterAll(async () => {
  for (const m of members) m.client.close();
  await gate?.close();
  await server?.dispose();
});

describe('a client away for thousands of events', () => {
  it(`resumes with all 5,000 missed events once, in order, and its queued sends once (seed ${SEED})`, async () => {
    const seed = scenarioSeed(FILE, SEED);
    const random = seededRandom(seed);
    const startedAt = performance.now();
    gate = await Gate.start(server.port);

    const away = makeMember(gate.wsUrl, 'traveller', [ROOM]);
    const writer = makeMember(server.wsUrl, 'writer', [ROOM]);
    members.push(away, writer);
    await joinAll(members);
    const text = (who: string, n: number): string => `${who} #${n} ${'.'.repeat(Math.floor(random() * 60))}`;
    const plan = (who: string, from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ room: ROOM, body: text(who, from + i) }));

    await pump(writer, plan('writer', 0, BEFORE), { window: 32 });
    const headBefore = (await fetchHeads(server.url)).get(ROOM) ?? 0;
    await caughtUp([away], new Map([[ROOM, headBefore]]), 10_000);

    // Gone: the link drops and every reconnect attempt is refused.
    gate.shut();
    await waitUntil(() => away.client.state === 'reconnecting', { what: 'the traveller to notice' });
    const lastSeqAway = away.client.lastSeq(ROOM);
    const ownSends = pump(away, plan('traveller', 0, OWN_WHILE_AWAY), { window: OWN_WHILE_AWAY });
    await withDeadline(pump(writer, plan('writer', BEFORE, WHILE_AWAY), { window: 64 }), 60_000, '5,000 sends');
    // Away the whole time: nothing new was delivered, and it kept trying.
    expect(away.client.lastSeq(ROOM)).toBe(lastSeqAway);
    expect(away.sent.every((s) => s.result === undefined)).toBe(true);
    await waitUntil(() => gate && gate.refused >= 2, { what: 'refused reconnect attempts' });

    const headAtReturn = (await fetchHeads(server.url)).get(ROOM) ?? 0;
    const backAt = performance.now();
    gate.open();
    const during = pump(writer, plan('writer', BEFORE + WHILE_AWAY, DURING_REPLAY), { window: 16 });
    await withDeadline(Promise.all([ownSends, during]), 30_000, 'the sends during the catch-up');
    const logs = await fetchLogs(server.url, [ROOM]);
    const head = logs.get(ROOM)?.length ?? 0;
    await caughtUp(members, new Map([[ROOM, head]]), 30_000);
    const catchUpMs = performance.now() - backAt;

    const problems = new Problems();
    checkLog(problems, ROOM, logs.get(ROOM) ?? []);
    for (const m of members) {
      checkDelivered(problems, m.nick, ROOM, m.delivered.get(ROOM) ?? [], logs.get(ROOM) ?? [], m.from.get(ROOM));
    }
    const acked = checkAcks(problems, members, logs);
    expect(problems.all).toEqual([]);
    expect(acked).toBe(BEFORE + WHILE_AWAY + DURING_REPLAY + OWN_WHILE_AWAY);
    expect(away.resets).toEqual([]);
    // It resumed after its last seq: it missed at least the 5,000 written meanwhile.
    const missed = headAtReturn - (lastSeqAway ?? 0);
    expect(missed).toBeGreaterThanOrEqual(WHILE_AWAY);

    summary('d long away', {
      clients: members.length,
      rooms: 1,
      messages: acked,
      faults: { away: 1, refusedReconnects: gate.refused },
      ...connectionStats(members),
      duration: seconds(startedAt),
      missedWhileAway: missed,
      writtenDuringCatchUp: DURING_REPLAY,
      catchUpMs: Math.round(catchUpMs),
      seed,
    });
  }, 90_000);
});
