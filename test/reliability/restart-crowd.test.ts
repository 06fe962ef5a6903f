/**
 * Scenario (e): a graceful restart (SIGTERM, then start on the same port and database) with
 * 1,000 connected clients: raw sockets for the crowd, a few SDK clients sending throughout.
 * Nothing acknowledged is lost or stored twice, and every client that resumes receives the
 * complete sequence of its room from the server: each seq once, in order, equal to the log.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import {
  caughtUp,
  checkAcks,
  checkDelivered,
  checkLog,
  closeCodes,
  connectionStats,
  fetchLogs,
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
import { RawMember } from './raw-member.ts';

const FILE = 'test/reliability/restart-crowd.test.ts';
const SEED = 0x5eed_e005;
const WANTED = 1_000;
const ROOMS = ['crowd-0', 'crowd-1', 'crowd-2', 'crowd-3'];
const SENDERS = 3;
const PER_SENDER = 150;
const BATCH = 100;

/** The soft limit on open files of this process (the server child inherits it). */
function openFileLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

let server: TestServer;
const members: Member[] = [];
const crowd: RawMember[] = [];

beforeAll(async () => {
  server = await startServer({
    // A real process: the crowd's sockets and the server's each take an event loop and fds of their own.
    process: true,
    args: ['--shutdown-spread-ms', '1500', '--default-rooms', ROOMS.join(',')],
  });
});

afterAll(async () => {
  for (const c of crowd) c.stop();
  for (const m of members) m.client.close();
  await server?.dispose();
});

describe('graceful restart under a crowd', () => {
  it(`1,000 clients ride out a SIGTERM restart with nothing lost or duplicated (seed ${SEED})`, async () => {
    const seed = scenarioSeed(FILE, SEED);
    const random = seededRandom(seed);
    const startedAt = performance.now();
    // One socket per client here and one in the server, plus headroom for everything else.
    const limit = openFileLimit();
    const bulk = Math.min(WANTED, Math.floor((limit - 200) / 1.1));
    if (bulk < WANTED) console.log(`[reliability] e: ulimit -n is ${limit}; running ${bulk} clients, not ${WANTED}`);
    const fdsBefore = openFds();

    for (let i = 0; i < SENDERS; i++) members.push(makeMember(server.wsUrl, `sender${i}`, [...ROOMS]));
    await joinAll(members);
    for (let i = 0; i < bulk; i++) {
      crowd.push(new RawMember(server.wsUrl, `crowd${i}`, ROOMS[i % ROOMS.length] as string, seededRandom(seed + i)));
    }
    // Connect in batches: a thousand SYNs at once would overflow the listen backlog.
    for (let i = 0; i < crowd.length; i += BATCH) {
      const batch = crowd.slice(i, i + BATCH);
      for (const c of batch) c.start();
      await withDeadline(Promise.all(batch.map((c) => c.joined)), 20_000, `clients ${i}..${i + BATCH} joined`);
    }
    const connectedAt = performance.now();
    const peakFds = openFds();

    const total = SENDERS * PER_SENDER;
    let acked = 0;
    const sending = Promise.all(
      members.map((m) =>
        pump(
          m,
          Array.from({ length: PER_SENDER }, (_, n) => ({
            room: ROOMS[Math.floor(random() * ROOMS.length)] as string,
            body: `${m.nick} #${n}`,
          })),
          { window: 8, gapMs: () => random() * 20, onAck: () => acked++ },
        ),
      ),
    );
    await waitUntil(() => acked >= 0.4 * total, { timeoutMs: 20_000, what: '40% acknowledged' });
    const restartAt = performance.now();
    await server.restart();
    const restartMs = performance.now() - restartAt;
    await waitUntil(() => crowd.every((c) => c.welcomes >= 2 && c.connected), {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: 'every crowd client to reconnect',
    });
    const reconnectedMs = performance.now() - restartAt;
    await withDeadline(sending, 60_000, 'every send acknowledged');

    const logs = await fetchLogs(server.url, ROOMS);
    const heads = new Map([...logs].map(([room, log]) => [room, log.length]));
    await caughtUp(members, heads, 20_000);
    await waitUntil(() => crowd.every((c) => (c.lastSeq ?? -1) >= (heads.get(c.room) ?? 0)), {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: 'every crowd client to reach the head of its room',
    });

    const problems = new Problems();
    for (const [room, log] of logs) checkLog(problems, room, log);
    for (const m of members) {
      for (const room of m.rooms) {
        checkDelivered(problems, m.nick, room, m.delivered.get(room) ?? [], logs.get(room) ?? [], m.from.get(room));
      }
    }
    for (const c of crowd) {
      for (const a of c.anomalies) problems.add(a);
      checkDelivered(problems, c.nick, c.room, c.keys, logs.get(c.room) ?? [], c.from);
    }
    const ackCount = checkAcks(problems, members, logs);
    expect(problems.all).toEqual([]);
    expect(ackCount).toBe(total);
    for (const m of members) expect(m.resumed, `${m.nick} came back`).toBeGreaterThanOrEqual(1);

    const crowdCodes: Record<string, number> = {};
    for (const c of crowd) for (const code of c.closes) crowdCodes[code] = (crowdCodes[code] ?? 0) + 1;
    const sdk = connectionStats(members);
    summary('e graceful restart', {
      clients: crowd.length + members.length,
      rooms: ROOMS.length,
      messages: ackCount,
      faults: { sigterm: 1 },
      reconnects: crowd.reduce((n, c) => n + c.welcomes - 1, 0) + sdk.reconnects,
      duration: seconds(startedAt),
      rawClients: crowd.length,
      sdkClients: members.length,
      crowdDeliveries: crowd.reduce((n, c) => n + c.keys.length, 0),
      crowdCloseCodes: crowdCodes,
      sdkCloseCodes: closeCodes(members),
      duplicateAcks: members.reduce((n, m) => n + m.sent.filter((s) => s.result?.duplicate).length, 0),
      connectAllMs: Math.round(connectedAt - startedAt),
      restartMs: Math.round(restartMs),
      allBackMs: Math.round(reconnectedMs),
      fds: `${fdsBefore}→${peakFds} of ${limit}`,
      seed,
    });
  }, 150_000);
});
