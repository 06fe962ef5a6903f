/**
 * Scenario (a): 20 SDK clients in 3 rooms send 200 messages each, pipelined, through a
 * seeded chaos proxy that cuts, stalls and half-opens their connections every few hundred
 * ms. Every member still delivers each of its rooms exactly once, in order, equal to the log,
 * and every acknowledged send is in the log exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosProxy } from '../support/chaos-proxy.ts';
import { startServer, type TestServer } from '../support/server.ts';
import {
  caughtUp,
  checkAcks,
  checkDelivered,
  checkLog,
  closeCodes,
  fetchLogs,
  joinAll,
  joinRooms,
  makeMember,
  type Member,
  Problems,
  pump,
  randInt,
  connectionStats,
  scenarioSeed,
  seconds,
  seededRandom,
  shuffle,
  summary,
  waitUntil,
  withDeadline,
} from './harness.ts';

const FILE = 'test/reliability/chaos.test.ts';
const SEED = 0x5eed_a001;
const CLIENTS = 20;
const ROOMS = ['chaos-0', 'chaos-1', 'chaos-2'];
const PER_CLIENT = 200;
const WINDOW = 32;
/** Members that join in the middle of the traffic. */
const LATE = 5;

let server: TestServer;
let proxy: ChaosProxy | undefined;
const members: Member[] = [];

beforeAll(async () => {
  // Short heartbeats both ways so half-open links are noticed within about a second.
  server = await startServer({ args: ['--heartbeat-ms', '500', '--default-rooms', ROOMS.join(',')] });
});

afterAll(async () => {
  for (const m of members) m.client.close();
  await proxy?.close();
  await server?.dispose();
});

describe('delivery under connection chaos', () => {
  it(`20 clients (5 joining late), 3 rooms, 4000 pipelined sends through cuts, stalls and half-opens (seed ${SEED})`, async () => {
    const seed = scenarioSeed(FILE, SEED);
    const random = seededRandom(seed ^ 0x9e3779b9);
    const startedAt = performance.now();
    proxy = await ChaosProxy.start(server.port, seed);

    for (let i = 0; i < CLIENTS; i++) {
      const rooms = shuffle(random, ROOMS).slice(0, randInt(random, 1, ROOMS.length));
      members.push(makeMember(proxy.wsUrl, `chaos${i}`, rooms, { heartbeatSlackMs: 250 }));
    }
    // Most members join before the traffic; the late ones join in the middle of it, under chaos.
    const early = members.slice(0, CLIENTS - LATE);
    const late = members.slice(CLIENTS - LATE);
    await joinAll(early);

    proxy.startChaos({ everyMs: [100, 300], faults: ['cut', 'cut', 'cut', 'stall', 'halfopen'], stallMs: 400 });
    const plan = (m: Member) =>
      Array.from({ length: PER_CLIENT }, (_, n) => ({
        room: m.rooms[Math.floor(random() * m.rooms.length)] as string,
        body: `${m.nick} #${n} ${'x'.repeat(randInt(random, 0, 40))}`,
      }));
    let acked = 0;
    // About 25 sends a second per client, so the 200 spread over the seconds of chaos.
    const send = (m: Member) => pump(m, plan(m), { window: WINDOW, gapMs: () => random() * 80, onAck: () => acked++ });
    const sending = early.map(send);
    await waitUntil(() => acked >= early.length * PER_CLIENT * 0.25, { timeoutMs: 30_000, what: '25% acknowledged' });
    sending.push(
      ...late.map(async (m) => {
        await joinRooms(m);
        await send(m);
      }),
    );
    await withDeadline(Promise.all(sending), 60_000, 'every send acknowledged');
    proxy.stopChaos();
    const faults = { ...proxy.injected };

    const logs = await fetchLogs(server.url, ROOMS);
    const heads = new Map([...logs].map(([room, log]) => [room, log.length]));
    await caughtUp(members, heads, 20_000);

    const problems = new Problems();
    for (const [room, log] of logs) checkLog(problems, room, log);
    for (const m of members) {
      for (const room of m.rooms)
        checkDelivered(problems, m.nick, room, m.delivered.get(room) ?? [], logs.get(room) ?? [], m.from.get(room));
      if (m.resets.length > 0) problems.add(`${m.nick}: unexpected reset of ${m.resets.join(',')}`);
    }
    const ackCount = checkAcks(problems, members, logs);
    expect(problems.all).toEqual([]);
    expect(ackCount).toBe(CLIENTS * PER_CLIENT);
    expect(faults.cut + faults.stall + faults.halfopen).toBeGreaterThan(10);

    summary('a chaos', {
      clients: CLIENTS,
      rooms: ROOMS.length,
      messages: ackCount,
      faults,
      ...connectionStats(members),
      duration: seconds(startedAt),
      lateJoiners: LATE,
      deliveries: members.reduce((n, m) => n + [...m.delivered.values()].reduce((k, l) => k + l.length, 0), 0),
      closeCodes: closeCodes(members),
      duplicateAcks: members.reduce((n, m) => n + m.sent.filter((s) => s.result?.duplicate).length, 0),
      seed,
    });
  }, 120_000);
});
