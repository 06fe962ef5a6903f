/**
 * Scenario (c): a client stops reading its socket while the room is flooded. The server's
 * outbound queue for it overflows and the server evicts it (close 4001 slow_consumer) instead
 * of buffering without bound; the others are served on time meanwhile. When the client reads
 * again it reconnects, resumes from its last seq and ends with the complete log, once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type TestServer } from '../support/server.ts';
import {
  caughtUp,
  closeCodes,
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
  seededRandom,
  summary,
  waitUntil,
  withDeadline,
} from './harness.ts';

const FILE = 'test/reliability/slow-consumer.test.ts';
const SEED = 0x5eed_c003;
const MAX_QUEUED = 65_536;
const FLOOD = 'flood';
const CALM = 'calm';
/** Sends per writer after the eviction, so the evicted client has something to catch up on. */
const AFTER_EVICTION = 100;
/** Upper bound of flood sends per writer: the eviction must come well before. */
const FLOOD_CAP = 3_000;

let server: TestServer;
const members: Member[] = [];

beforeAll(async () => {
  server = await startServer({
    args: ['--max-queued-bytes', String(MAX_QUEUED), '--default-rooms', `${FLOOD},${CALM}`],
  });
});

afterAll(async () => {
  for (const m of members) m.client.close();
  await server?.dispose();
});

/** The `ws` sockets the slow client opened, so the test can stop reading the current one. */
const slowSockets: WebSocket[] = [];
// Uncompressed: the test needs the replay to fill the kernel's buffers, which deflated frames would not.
class TappedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url, { perMessageDeflate: false });
    slowSockets.push(this);
  }
}

describe('slow consumer', () => {
  it(`is evicted with 4001, others stay served, and it resumes to the complete log (seed ${SEED})`, async () => {
    const seed = scenarioSeed(FILE, SEED);
    const random = seededRandom(seed);
    const startedAt = performance.now();

    const slow = makeMember(server.wsUrl, 'slow', [FLOOD], { WebSocket: TappedWebSocket });
    const writers = [0, 1, 2].map((i) => makeMember(server.wsUrl, `writer${i}`, [FLOOD]));
    // A normal member of the flooded room that also talks in a quiet room: it must stay served.
    const probe = makeMember(server.wsUrl, 'probe', [FLOOD, CALM]);
    members.push(slow, ...writers, probe);
    await joinAll(members);

    let dropSeq: number | undefined;
    slow.client.on('state', (s) => {
      if (s.state === 'reconnecting') dropSeq ??= slow.client.lastSeq(FLOOD);
    });
    // Stop reading: bytes pile up in the kernel, then in the server's queue for this socket.
    const socket = slowSockets.at(-1);
    if (!socket) throw new Error('the slow client has no socket');
    socket.pause();

    let evicted = false;
    let floodSent = 0;
    let floodBytes = 0;
    const body = (who: string, n: number): string => `${who} #${n} ${'~'.repeat(1_500 + Math.floor(random() * 500))}`;
    function* flood(who: string): Generator<{ room: string; body: string }> {
      let n = 0;
      while (!evicted && n < FLOOD_CAP) {
        const text = body(who, n++);
        floodSent++;
        floodBytes += text.length;
        yield { room: FLOOD, body: text };
      }
      for (let k = 0; k < AFTER_EVICTION; k++) yield { room: FLOOD, body: body(who, n++) };
    }
    const writing = Promise.all(writers.map((w) => pump(w, flood(w.nick), { window: 16 })));

    // Meanwhile the probe round-trips a send in the quiet room, one at a time.
    const latencies: number[] = [];
    let probing = true;
    const probing$ = (async () => {
      for (let n = 0; probing; n++) {
        const t0 = performance.now();
        await pump(probe, [{ room: CALM, body: `probe #${n}` }], { window: 1 });
        latencies.push(performance.now() - t0);
        const health = await fetch(`${server.url}/healthz`);
        if (!health.ok) throw new Error(`healthz answered ${health.status}`);
      }
    })();

    await waitUntil(() => server.output().includes('slow consumer closed'), {
      timeoutMs: 30_000,
      what: 'the server to evict the slow consumer',
    });
    evicted = true;
    const floodAtEviction = floodSent;
    const floodKiBAtEviction = Math.round(floodBytes / 1024);
    const headAtEviction = (await fetchHeads(server.url)).get(FLOOD) ?? 0;
    // Read again: what was buffered arrives, then the close, then the client resumes.
    socket.resume();

    await withDeadline(writing, 30_000, 'the writers to finish');
    probing = false;
    await withDeadline(probing$, 10_000, 'the probe to finish');

    const logs = await fetchLogs(server.url, [FLOOD, CALM]);
    const heads = new Map([...logs].map(([room, log]) => [room, log.length]));
    await caughtUp(members, heads, 20_000);

    const problems = new Problems();
    for (const [room, log] of logs) checkLog(problems, room, log);
    for (const m of members) {
      for (const room of m.rooms) {
        checkDelivered(problems, m.nick, room, m.delivered.get(room) ?? [], logs.get(room) ?? [], m.from.get(room));
      }
    }
    const acked = checkAcks(problems, members, logs);
    expect(problems.all).toEqual([]);

    // The slow client lost its connection (evicted) and came back; nobody else did.
    expect(slow.resumed).toBeGreaterThanOrEqual(1);
    for (const m of [...writers, probe]) expect(m.resumed, `${m.nick} reconnected`).toBe(0);
    const slowCodes = slow.states.filter((s) => s.state === 'reconnecting').map((s) => s.code);
    // 4001 when the close frame got through; 1006 if the server cut the socket after its grace.
    expect(slowCodes[0] === 4001 || slowCodes[0] === 1006, `slow client closed with ${slowCodes[0]}`).toBe(true);
    const maxLatency = Math.max(...latencies);
    expect(latencies.length).toBeGreaterThan(3);
    expect(maxLatency).toBeLessThan(2_000);

    summary('c slow consumer', {
      clients: members.length,
      rooms: 2,
      messages: acked,
      faults: { paused: 1, evicted4001: slowCodes.filter((c) => c === 4001).length },
      ...connectionStats(members),
      duration: seconds(startedAt),
      floodBeforeEviction: floodAtEviction,
      floodKiBBeforeEviction: floodKiBAtEviction,
      headAtEviction,
      slowLastSeqAtDrop: dropSeq,
      slowCloseCodes: slowCodes,
      probeRoundTrips: latencies.length,
      probeMaxMs: Math.round(maxLatency),
      probeMedianMs: Math.round([...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)] ?? 0),
      seed,
    });
  }, 90_000);
});

/**
 * Issue 10 finding 3: the same promise when the client stops reading in the middle of a replay.
 * The replay waits for a drain that never comes; at the drain deadline the server closes the
 * socket (4001, which the client cannot read) and resets it 2 s later. Reading again, the client
 * resumes from its last seq and ends with the complete log, once, in order.
 */
describe('slow consumer stalled in a replay', () => {
  const BACKLOG = 'backlog';
  /** Written while the client is away: ≈ 10 MB, more than the kernel and the queue take. */
  const AWAY_EVENTS = 5_000;
  let replayServer: TestServer;
  const replayMembers: Member[] = [];

  beforeAll(async () => {
    replayServer = await startServer({
      // A replay page (200 × ≈ 2 KB) fits under half the queue, so the replay waits, never overflows.
      args: ['--max-queued-bytes', String(1024 * 1024), '--drain-timeout-ms', '1000', '--default-rooms', BACKLOG],
    });
  });

  afterAll(async () => {
    for (const m of replayMembers) m.client.close();
    await replayServer?.dispose();
  });

  it('is closed at the drain deadline and resumes to the complete log', async () => {
    const startedAt = performance.now();
    /** While set, connection attempts go to a closed port and fail, as on a dead network. */
    let away = false;
    /** The next socket stops reading right after its welcome, so its replay stalls. */
    let stallNext = false;
    const sockets: WebSocket[] = [];
    class ControlledWebSocket extends WebSocket {
      constructor(url: string) {
        super(away ? 'ws://127.0.0.1:1/ws' : url, { perMessageDeflate: false });
        sockets.push(this);
        if (stallNext) {
          stallNext = false;
          this.once('message', () => this.pause());
        }
      }
    }
    const stalled = makeMember(replayServer.wsUrl, 'stalled', [BACKLOG], { WebSocket: ControlledWebSocket });
    const writer = makeMember(replayServer.wsUrl, 'writer', [BACKLOG]);
    replayMembers.push(stalled, writer);
    await joinAll(replayMembers);
    const plan = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ room: BACKLOG, body: `w #${from + i} ${'~'.repeat(2_000)}` }));

    await pump(writer, plan(0, 50), { window: 16 });
    await caughtUp([stalled], await fetchHeads(replayServer.url), 10_000);
    away = true;
    sockets.at(-1)?.terminate();
    await waitUntil(() => stalled.client.state !== 'connected', { what: 'the client to notice it is away' });
    await withDeadline(pump(writer, plan(50, AWAY_EVENTS), { window: 64 }), 60_000, 'the backlog');

    stallNext = true;
    away = false;
    await waitUntil(() => replayServer.output().includes('drain deadline passed'), {
      timeoutMs: 20_000,
      what: 'the replay to hit the drain deadline',
    });
    const stalledAtSeq = stalled.client.lastSeq(BACKLOG);
    // Read again: whatever the kernel still holds, then the reset, then a resume.
    sockets.at(-1)?.resume();

    const logs = await fetchLogs(replayServer.url, [BACKLOG]);
    await caughtUp(replayMembers, new Map([[BACKLOG, logs.get(BACKLOG)?.length ?? 0]]), 30_000);
    const problems = new Problems();
    checkLog(problems, BACKLOG, logs.get(BACKLOG) ?? []);
    for (const m of replayMembers) {
      checkDelivered(
        problems,
        m.nick,
        BACKLOG,
        m.delivered.get(BACKLOG) ?? [],
        logs.get(BACKLOG) ?? [],
        m.from.get(BACKLOG),
      );
    }
    const acked = checkAcks(problems, replayMembers, logs);
    expect(problems.all).toEqual([]);
    expect(stalled.resets).toEqual([]);
    expect(writer.resumed).toBe(0);
    // Back once into the stalled replay, and once more after the server ended it.
    expect(stalled.resumed).toBeGreaterThanOrEqual(2);

    summary('c2 slow consumer stalled in a replay', {
      clients: replayMembers.length,
      rooms: 1,
      messages: acked,
      faults: { away: 1, stalledReplay: 1 },
      ...connectionStats(replayMembers),
      duration: seconds(startedAt),
      stalledAtSeq,
      closeCodes: closeCodes([stalled]),
      seed: 0,
    });
  }, 90_000);
});
