/**
 * Scenario (b): the server process is killed with SIGKILL mid-stream, several times, and
 * restarted on the same database while clients keep sending. Nothing acknowledged is lost,
 * nothing is stored or delivered twice, and every member resumes each room in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import {
  caughtUp,
  checkAcks,
  checkDelivered,
  checkLog,
  closeCodes,
  fetchLogs,
  joinAll,
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
import { RawMember } from './raw-member.ts';

const FILE = 'test/reliability/kill.test.ts';
const SEED = 0x5eed_b002;
const CLIENTS = 10;
const ROOMS = ['kill-0', 'kill-1'];
const PER_CLIENT = 150;
/** Kill when this share of all sends has been acknowledged. */
const KILL_AT = [0.3, 0.6, 0.85];
/** Raw clients that join all at once, into the first room, as the first kill lands. */
const CROWD = 100;
const CROWD_ROOM = 'kill-0';

let server: TestServer;
const members: Member[] = [];
const crowd: RawMember[] = [];

beforeAll(async () => {
  server = await startServer({ process: true, args: ['--heartbeat-ms', '1000', '--default-rooms', ROOMS.join(',')] });
});

afterAll(async () => {
  for (const c of crowd) c.stop();
  for (const m of members) m.client.close();
  await server?.dispose();
});

describe('delivery across SIGKILL restarts', () => {
  it(`10 clients keep sending and 100 join while the server is killed 4 times (seed ${SEED})`, async () => {
    const seed = scenarioSeed(FILE, SEED);
    const random = seededRandom(seed);
    const startedAt = performance.now();

    for (let i = 0; i < CLIENTS; i++) {
      const rooms = shuffle(random, ROOMS).slice(0, randInt(random, 1, ROOMS.length));
      members.push(makeMember(server.wsUrl, `kill${i}`, rooms, { heartbeatSlackMs: 500 }));
    }
    await joinAll(members);
    for (let i = 0; i < CROWD; i++) {
      crowd.push(new RawMember(server.wsUrl, `joiner${i}`, CROWD_ROOM, seededRandom(seed + i)));
    }

    const total = CLIENTS * PER_CLIENT;
    let acked = 0;
    const plans = members.map((m) =>
      Array.from({ length: PER_CLIENT }, (_, n) => ({
        room: m.rooms[Math.floor(random() * m.rooms.length)] as string,
        body: `${m.nick} #${n}`,
      })),
    );
    const sending = Promise.all(
      members.map((m, i) => pump(m, plans[i] ?? [], { window: 16, gapMs: () => random() * 30, onAck: () => acked++ })),
    );
    // The first kill lands in the middle of a burst of joins: a join is a membership change
    // plus a log event, and the two must survive (or vanish) together.
    let crowdJoins = 0;
    const firstKill = new Promise<void>((resolve, reject) => {
      for (const c of crowd) {
        c.onFirstJoin = () => {
          // Killed from the frame that completes the 30th join: more are in flight right then.
          if (++crowdJoins === CROWD * 0.3) server.restart({ kill: true }).then(resolve, reject);
        };
      }
    });
    for (const c of crowd) c.start();
    await withDeadline(firstKill, 20_000, 'the first kill, mid-burst');
    let kills = 1;
    // The others are triggered by progress, not by time, and only once every client is back:
    // each lands while all of them are connected with sends in flight.
    // "Back" means resumed since the last kill: right after a restart a client may not have seen
    // its socket drop yet and still say `connected`.
    const everyoneBack = () =>
      members.every((m) => m.client.state === 'connected' && m.resumed >= kills) && crowd.every((c) => c.joinedNow);
    for (const share of KILL_AT) {
      await waitUntil(() => acked >= share * total && everyoneBack(), {
        timeoutMs: 20_000,
        what: `${share * 100}% acknowledged, everyone connected`,
      });
      await server.restart({ kill: true });
      kills++;
    }
    await withDeadline(sending, 60_000, 'every send acknowledged');

    const logs = await fetchLogs(server.url, ROOMS);
    const heads = new Map([...logs].map(([room, log]) => [room, log.length]));
    await caughtUp(members, heads, 20_000);
    await waitUntil(() => crowd.every((c) => (c.lastSeq ?? -1) >= (heads.get(CROWD_ROOM) ?? 0)), {
      timeoutMs: 20_000,
      what: 'the crowd to reach the head',
    });

    const problems = new Problems();
    for (const [room, log] of logs) checkLog(problems, room, log);
    for (const m of members) {
      for (const room of m.rooms) {
        checkDelivered(problems, m.nick, room, m.delivered.get(room) ?? [], logs.get(room) ?? [], m.from.get(room));
      }
      if (m.resets.length > 0) problems.add(`${m.nick}: unexpected reset of ${m.resets.join(',')}`);
    }
    const crowdLog = logs.get(CROWD_ROOM) ?? [];
    for (const c of crowd) {
      for (const a of c.anomalies) problems.add(a);
      checkDelivered(problems, c.nick, CROWD_ROOM, c.keys, crowdLog, c.from);
      const joins = crowdLog.filter((e) => (e.kind as string) === 'join' && e.sender.id === c.userId).length;
      if (joins !== 1) problems.add(`${c.nick} is a member with ${joins} join events in the log`);
    }
    const ackCount = checkAcks(problems, members, logs);
    expect(problems.all).toEqual([]);
    expect(ackCount).toBe(total);
    // Every member lives through every kill: it comes back at least once per kill (one that had
    // everything before the last kill may still be reconnecting when it is caught up).
    await waitUntil(() => members.every((m) => m.resumed >= kills), {
      timeoutMs: 20_000,
      what: 'every member to come back after the last kill',
    });

    summary('b sigkill', {
      clients: CLIENTS + CROWD,
      rooms: ROOMS.length,
      messages: ackCount,
      faults: { sigkill: kills },
      reconnects: connectionStats(members).reconnects + crowd.reduce((n, c) => n + c.welcomes - 1, 0),
      drops: connectionStats(members).drops,
      duration: seconds(startedAt),
      sdkClients: CLIENTS,
      joinBurst: `${CROWD} raw clients, first kill after ${CROWD * 0.3} joins were answered`,
      closeCodes: closeCodes(members),
      duplicateAcks: members.reduce((n, m) => n + m.sent.filter((s) => s.result?.duplicate).length, 0),
      seed,
    });
  }, 120_000);
});
