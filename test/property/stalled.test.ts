/**
 * Property: a peer that stops reading while it sends (issue 10, finding 3) costs the server a
 * bounded amount and ends in bounded time, whatever it sends and however it reads. Each run is
 * one peer on a real server (a child process) with small limits: a 512 KiB outbound queue, a
 * 200 ms drain deadline, a 400 ms heartbeat. The peer sends bursts of frames (joins that replay a
 * 9 MB room or a small one from any `after`, with the right epoch, a wrong one or none; history
 * requests, sends, pings, searches, typing; and garbage: any frame of any type with hostile
 * values, non-JSON text, binary frames, invalid UTF-8, frames over the limit) with pauses
 * between them, while it reads nothing, reads for a while and stops, or reads in short windows;
 * it answers pings or never does. The invariants:
 * - the process stays up: `/healthz` answers after every run;
 * - a peer that stops reading (or never answers pings) is ended by the server (close and cut, or
 *   heartbeat) within a bound derived from the flags after its last burst;
 * - every frame gets its documented answer: a peer that reads and answers pings gets exactly the
 *   documented reply or a documented error to each frame, or is closed as a slow consumer (4001)
 *   or, when its pong came later than one beat, cut by the heartbeat (the server's log says so);
 *   whatever any peer receives is never `internal`;
 * - the server's memory stays bounded: its anonymous RSS, sampled throughout, stays within a bound
 *   of the figure after a warm-up, and within a smaller one once the runs are over;
 * - other users' traffic keeps flowing: a canary sends in its room and must get the ack and see
 *   the event, round after round, each within 5 s, during and after every run.
 *
 * Seeded (test/property/config.ts); the runs stop at the first failure. Rerun with
 *   PARLEY_PROPERTY_SEED=<seed> npx vitest run test/property/stalled.test.ts
 * and run longer with PARLEY_PROPERTY_SEED=<any> PARLEY_PROPERTY_RUNS=<n>.
 */
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLIENT_FRAME_TYPES, ERROR_CODES, LIMITS, type ServerFrame } from '../../src/protocol/index.ts';
import { openSqlite } from '../../src/server/store/sqlite/sqlite-store.ts';
import { seedBigRoom } from '../support/history-seed.ts';
import { Canary } from '../support/canary.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';
import { frameText } from './arbitraries.ts';
import { LONG_RUN, propertyParams } from './config.ts';

/** Longer than the drain deadline, so a stalled replay is often ended by the deadline before the heartbeat. */
const HEARTBEAT_MS = 400;
const DRAIN_TIMEOUT_MS = 200;
/**
 * A replay page of the big room's large blocks (≈ 420 KB) fits in this, but not on top of more
 * than about 90 KB still queued (so a stalled replay ends by the drain deadline or by the queue
 * filling); a history page of 200 large events is one 420 KB frame.
 */
const MAX_QUEUED = 512 * 1024;
/** The server's grace for a close handshake before it cuts the socket (connection.ts). */
const CLOSE_GRACE_MS = 2_000;
/** Headroom for a loaded machine (timers late, the event loop busy with a replay). */
const SLACK_MS = 4_000;
/**
 * After its last burst, a peer that does not read is ended within this: the frames it sent are
 * handled (one may wait for a drain, at most DRAIN_TIMEOUT_MS, then close with 4001), a close
 * the peer cannot read is cut CLOSE_GRACE_MS later, and once the server reads again the
 * heartbeat ends a peer that sends no pong within three beats (the first may spare it for a pong
 * left unread while reading was paused).
 */
const END_BOUND_MS = DRAIN_TIMEOUT_MS + CLOSE_GRACE_MS + 3 * HEARTBEAT_MS + SLACK_MS;
/** The canary's send → ack → event, each step. */
const ROUND_DEADLINE_MS = 5_000;
/**
 * The server's anonymous RSS, over the whole property, may exceed the figure after the warm-up
 * by at most this (one stalled peer at a time: the kernel holds most of a stalled replay, the
 * queue at most 512 KiB; a replay page is ≈ 420 KB of JSON). A connection's replay kept after it
 * ended (9 MB each) would pass it within a few runs.
 */
const PEAK_BOUND_MB = 64;
/** …and once every run is over, at most this above it. */
const END_BOUND_MB = 40;

const BIG = 'big';
/** 8,000 events in blocks of 200: ≈ 2 KB bodies in even blocks, ≈ 60 B in odd ones (≈ 9 MB in all). */
const BIG_EVENTS = 8_000;
const HIST = 'hist';
const HIST_EVENTS = 300;
const ROOMS = [BIG, HIST, 'general', 'nowhere'] as const;
type Room = (typeof ROOMS)[number];

const DOCUMENTED = new Set<string>(ERROR_CODES);
/** Codes that mean the server failed, never an answer to a client's frame. */
const NEVER = new Set(['internal', 'unavailable']);

// ---------------------------------------------------------------------------------------------
// The peer's behaviour: what it sends, in which bursts, and how it reads.

type Op =
  | {
      op: 'join';
      room: Room;
      after: 'none' | 'zero' | 'mid' | 'head' | 'past';
      at: number;
      epoch: 'real' | 'wrong' | 'none';
    }
  | { op: 'history'; room: Room; before: number | undefined; after: number | undefined; limit: number | undefined }
  | { op: 'send'; room: Room; size: number }
  | { op: 'ping' }
  | { op: 'search'; q: string; room: Room | undefined }
  | { op: 'typing'; room: Room; on: boolean }
  | { op: 'garbage'; text: string }
  | { op: 'binary'; size: number }
  | { op: 'badUtf8' }
  | { op: 'tooBig' };

type Reading =
  /** Never reads a byte, not even the welcome. */
  | { mode: 'never' }
  /** Reads normally for `ms`, then never again. */
  | { mode: 'stops'; ms: number }
  /** Reads `onMs`, stops `offMs`, again and again while it sends; then reads normally. */
  | { mode: 'slow'; onMs: number; offMs: number };

interface Behaviour {
  readonly reading: Reading;
  /** Answers pings (ws's autoPong); false: never, though it keeps sending. */
  readonly pong: boolean;
  readonly bursts: readonly { readonly ops: readonly Op[]; readonly pauseMs: number }[];
  /** A frame the WebSocket layer refuses, sent after the last burst (it ends the connection). */
  readonly last?: Op | undefined;
}

const room = fc.constantFrom<Room>(...ROOMS);
const seqish = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: BIG_EVENTS + 500 }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('join' as const),
      room: fc.constantFrom<Room>(BIG, BIG, HIST, 'general', 'nowhere'),
      after: fc.constantFrom('none', 'zero', 'mid', 'mid', 'head', 'past'),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      epoch: fc.constantFrom('real', 'real', 'real', 'wrong', 'none'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('history' as const),
      room,
      before: fc.option(seqish, { nil: undefined }),
      after: fc.option(seqish, { nil: undefined }),
      limit: fc.option(fc.integer({ min: 1, max: LIMITS.historyMaxLimit }), { nil: undefined }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('send' as const),
      room,
      size: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(LIMITS.maxBodyChars)),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ op: 'ping' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('search' as const),
      q: fc.constantFrom('message', 'message 12', '"message 1"', 'hello', 'zzz', '00'),
      room: fc.option(room, { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('typing' as const), room, on: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: fc
      .oneof(
        fc.constantFrom(...CLIENT_FRAME_TYPES).chain((t) => frameText(t, { maxHuge: 16_384 })),
        fc.string({ maxLength: 60 }),
      )
      // Within the frame limit: a frame over it is `last`'s job (it ends the connection).
      .filter((text) => Buffer.byteLength(text, 'utf8') <= LIMITS.maxFrameBytes)
      .map((text) => ({ op: 'garbage' as const, text })),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('binary' as const), size: fc.integer({ min: 0, max: 2_000 }) }) },
);

const behaviourArb: fc.Arbitrary<Behaviour> = fc.record({
  reading: fc.oneof(
    fc.constant({ mode: 'never' as const }),
    fc.record({ mode: fc.constant('stops' as const), ms: fc.integer({ min: 0, max: 300 }) }),
    fc.record({
      mode: fc.constant('slow' as const),
      onMs: fc.integer({ min: 1, max: 20 }),
      offMs: fc.integer({ min: 10, max: 100 }),
    }),
  ),
  pong: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  bursts: fc.array(
    fc.record({
      ops: fc.array(opArb, { minLength: 1, maxLength: 40 }),
      pauseMs: fc.integer({ min: 0, max: 120 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  // Sometimes a frame the WebSocket layer refuses (1007, 1009) ends the last burst.
  last: fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant({ op: 'badUtf8' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'tooBig' as const }) },
  ),
});

/** What the server must answer a tracked frame with on success (besides an `error`); null: nothing. */
const REPLY: Record<'join' | 'history' | 'send' | 'ping' | 'search' | 'typing', string | null> = {
  join: 'joined',
  history: 'history',
  send: 'ack',
  ping: 'pong',
  search: 'results',
  typing: null,
};

interface Rooms {
  readonly [room: string]: { epoch: string; head: number };
}

let frameSeq = 0;

/** The bytes of one op, and the reply its id must get (undefined: none tracked). */
function encode(op: Op, rooms: Rooms): { data: string | Buffer; binary?: boolean; id?: string; reply?: string | null } {
  const id = `@s${++frameSeq}`;
  const known = rooms[op.op === 'join' || op.op === 'history' || op.op === 'send' ? op.room : BIG];
  switch (op.op) {
    case 'join': {
      const head = known?.head ?? 0;
      const after = {
        none: undefined,
        zero: 0,
        mid: Math.floor(op.at * head),
        head,
        past: head + 1_000,
      }[op.after];
      const epoch = { real: known?.epoch, wrong: 'not-the-epoch', none: undefined }[op.epoch];
      return { data: JSON.stringify({ type: 'join', id, room: op.room, after, epoch }), id, reply: REPLY.join };
    }
    case 'history': {
      const { before, after, limit } = op;
      return {
        data: JSON.stringify({ type: 'history', id, room: op.room, before, after, limit }),
        id,
        reply: REPLY.history,
      };
    }
    case 'send':
      return {
        data: JSON.stringify({ type: 'send', id, room: op.room, kind: 'text', body: 'y'.repeat(op.size) }),
        id,
        reply: REPLY.send,
      };
    case 'ping':
      return { data: JSON.stringify({ type: 'ping', id }), id, reply: REPLY.ping };
    case 'search':
      return { data: JSON.stringify({ type: 'search', id, q: op.q, room: op.room }), id, reply: REPLY.search };
    case 'typing':
      return { data: JSON.stringify({ type: 'typing', room: op.room, on: op.on }) };
    case 'garbage':
      return { data: op.text };
    case 'binary':
      return { data: Buffer.alloc(op.size, 0x7b), binary: true };
    case 'badUtf8':
      return { data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false };
    case 'tooBig':
      return { data: 'x'.repeat(LIMITS.maxFrameBytes + 1) };
  }
}

// ---------------------------------------------------------------------------------------------
// The server, the canary, memory.

let server: TestServer;
let rooms: Rooms = {};

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const ESTABLISHED = '01';

/**
 * The kernel's state of our end of the TCP connection from `localPort` to the server (a hex
 * state of /proc/net/tcp: 01 established, 08 the server's FIN came); undefined once it has none
 * (a reset came). Read without reading the socket, so a peer that does not read still knows.
 */
async function tcpState(localPort: number): Promise<string | undefined> {
  const hex = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');
  const local = `0100007F:${hex(localPort)}`;
  const remote = `0100007F:${hex(server.port)}`;
  for (const line of (await readFile('/proc/net/tcp', 'utf8')).split('\n')) {
    const [, l, r, st] = line.trim().split(/\s+/);
    if (l === local && r === remote) return st;
  }
  return undefined;
}

async function health(): Promise<{ connections: number }> {
  const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status, '/healthz').toBe(200);
  return (await res.json()) as { connections: number };
}

let canary: Canary;
/** Server connections besides the peer's (the canary's writer and reader). */
let baseline = 0;
let peakMb = 0;
let sampler: NodeJS.Timeout | undefined;

// ---------------------------------------------------------------------------------------------
// One peer.

/** How a run ended, for the tally printed at the end. */
const endings = new Map<string, number>();
const tally = (what: string): void => void endings.set(what, (endings.get(what) ?? 0) + 1);

let worstEndMs = 0;

const count = (text: string, needle: string): number => text.split(needle).length - 1;

/** Plays one behaviour and checks the invariants of one run. */
async function play(b: Behaviour, nick: string): Promise<void> {
  const logBefore = server.output();
  const ws = new WebSocket(server.wsUrl, { autoPong: b.pong });
  const received: ServerFrame[] = [];
  let closed: { code: number; at: number } | undefined;
  const closedP = new Promise<void>((resolve) =>
    ws.once('close', (code) => {
      closed = { code, at: performance.now() };
      resolve();
    }),
  );
  ws.on('error', () => undefined); // writes after a reset fail; the close says it all
  ws.on('message', (data, isBinary) => {
    if (!isBinary) received.push(JSON.parse(String(data)) as ServerFrame);
  });
  await withDeadline(new Promise((r, j) => ws.once('open', r).once('error', j)), 5_000, 'the peer to connect');
  const localPort = (ws as unknown as { _socket: Socket })._socket.localPort ?? 0;

  // Reading, as the behaviour says. `stopReading` ends any reading schedule for good.
  const timers: NodeJS.Timeout[] = [];
  let reading = true;
  const setReading = (on: boolean): void => {
    reading = on;
    if (on) ws.resume();
    else ws.pause();
  };
  const r = b.reading;
  if (r.mode === 'never') setReading(false);
  if (r.mode === 'stops') timers.push(setTimeout(() => setReading(false), r.ms));
  let slow = r.mode === 'slow';
  if (r.mode === 'slow') {
    const toggle = (): void => {
      if (!slow) return;
      setReading(!reading);
      timers.push(setTimeout(toggle, reading ? r.onMs : r.offMs));
    };
    toggle();
  }

  // Sending: hello first (never waiting for the welcome), then the bursts with their pauses.
  const tracked = new Map<string, { reply: string | null; text: string }>();
  const send = (data: string | Buffer, binary = false): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary });
  };
  send(JSON.stringify({ type: 'hello', v: 1, nick }));
  for (const [i, burst] of b.bursts.entries()) {
    const ops = i === b.bursts.length - 1 && b.last !== undefined ? [...burst.ops, b.last] : burst.ops;
    for (const op of ops) {
      const e = encode(op, rooms);
      if (e.id !== undefined && e.reply !== undefined) tracked.set(e.id, { reply: e.reply, text: String(e.data) });
      send(e.data, e.binary ?? false);
    }
    // A pause in the peer's behaviour (an input, not a synchronisation).
    if (burst.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, burst.pauseMs));
  }
  const lastBurstAt = performance.now();
  for (const t of timers) clearTimeout(t);
  slow = false;
  // A reader that stops has stopped by now; a slow reader reads normally from here on.
  if (r.mode === 'stops') setReading(false);
  if (r.mode === 'slow') setReading(true);

  const mustEnd = r.mode !== 'slow' || !b.pong;
  const show = (): string => JSON.stringify({ ...b, received: received.length, closed }).slice(0, 2_000);
  try {
    if (mustEnd) {
      // The server ends it within the bound: the peer's kernel got its FIN or reset (the peer
      // itself does not read, so it would not notice).
      await waitUntil(async () => (await tcpState(localPort)) !== ESTABLISHED, {
        timeoutMs: END_BOUND_MS,
        intervalMs: 25,
        what: `the server to end a peer that does not read (${show()})`,
      });
      const endedAfter = performance.now() - lastBurstAt;
      worstEndMs = Math.max(worstEndMs, endedAfter);
      // …and the peer sees it end once it looks (reads what reached it, then the close or reset).
      setReading(true);
      await withDeadline(closedP, 5_000, 'the peer to see its socket end');
      expect(endedAfter).toBeLessThan(END_BOUND_MS);
    } else {
      // A peer that reads (slowly) and answers pings: every frame answered, or closed as slow.
      const fin = `@fin${frameSeq}`;
      send(JSON.stringify({ type: 'ping', id: fin }));
      await waitUntil(() => closed !== undefined || received.some((f) => f.type === 'pong' && f.id === fin), {
        timeoutMs: 15_000,
        what: `the final pong or a close (${show()})`,
      });
      // The server's ping waits behind everything queued before it, so a reader slow enough
      // can answer it later than one beat: the heartbeat then ends it, as documented.
      // Its log line comes through the child's stdout, so it may trail the close by a moment.
      const heartbeatEnded = async (): Promise<boolean> =>
        waitUntil(() => count(server.output().slice(logBefore.length), 'heartbeat missed') > 0, {
          timeoutMs: 2_000,
          what: 'the heartbeat log line',
        }).then(
          () => true,
          () => false,
        );
      if (closed !== undefined) {
        // 4001: a slow consumer; 1009 / 1007: it sent a frame over the limit, or invalid UTF-8;
        // 1006: cut by the heartbeat (the log says so, nothing else may cut it).
        const allowed =
          closed.code === 1006 && (await heartbeatEnded()) ? [4001, 1009, 1007, 1006] : [4001, 1009, 1007];
        expect(allowed, `close code for ${show()}`).toContain(closed.code);
      } else {
        const problems: string[] = [];
        for (const [id, { reply, text }] of tracked) {
          const got = received.filter((f) => 'id' in f && f.id === id);
          const ok = got.filter((f) => f.type === 'error' || f.type === reply);
          if (reply !== null && (got.length !== 1 || ok.length !== 1)) {
            problems.push(`${got.map((f) => f.type).join(',') || 'no answer'} for ${text.slice(0, 200)}`);
          }
          if (reply === null && got.some((f) => f.type !== 'error')) problems.push(`a reply to ${text.slice(0, 200)}`);
        }
        expect(problems, show()).toEqual([]);
      }
      tally(
        closed === undefined
          ? 'open: every frame answered'
          : `closed ${closed.code}${closed.code === 1006 ? ' (heartbeat)' : ''} while reading`,
      );
    }
    // Whatever reached any peer: documented error codes only, never a failure of the server.
    const bad = received.filter((f) => f.type === 'error' && (!DOCUMENTED.has(f.code) || NEVER.has(f.code)));
    expect(bad, show()).toEqual([]);
    if (closed !== undefined) expect([4001, 1009, 1007, 1006, 1005], show()).toContain(closed.code);
  } finally {
    for (const t of timers) clearTimeout(t);
    ws.terminate();
  }
  if (mustEnd) {
    const log = server.output().slice(logBefore.length);
    const how = count(log, 'drain deadline passed')
      ? 'drain deadline (4001)'
      : count(log, 'slow consumer closed')
        ? 'queue full (4001)'
        : closed?.code === 1009 || closed?.code === 1007
          ? `protocol close ${closed.code}`
          : 'heartbeat';
    tally(`ended by ${how}`);
  }
  // Gone on the server too before the next run, so each run starts alone.
  await waitUntil(async () => (await health()).connections <= baseline, {
    timeoutMs: END_BOUND_MS,
    intervalMs: 25,
    what: 'the peer to be gone after the run',
  });
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-stalled-prop-'));
  await seedBigRoom(dataDir, { room: BIG, count: BIG_EVENTS, end: Date.now(), span: 3_600_000 });
  const db = openSqlite(join(dataDir, 'parley.db'));
  db.prepare(
    `UPDATE events SET body = body || ' ' || hex(zeroblob(CASE WHEN (seq / 200) % 2 = 0 THEN 1000 ELSE 30 END)),
       id = 'big-' || seq
     WHERE room = ?`,
  ).run(BIG);
  db.close();
  // The seed's event ids are "seed-<seq>": the big room's are renamed above, so they do not collide.
  await seedBigRoom(dataDir, { room: HIST, count: HIST_EVENTS, end: Date.now(), span: 3_600_000 });
  server = await startServer({
    // A real process: its memory is read from /proc/<pid>, and it must stay alive.
    process: true,
    dataDir,
    args: [
      // Info: how each peer was ended is read from the log ('heartbeat missed', 'drain deadline').
      '--log-level',
      'info',
      '--max-queued-bytes',
      String(MAX_QUEUED),
      '--drain-timeout-ms',
      String(DRAIN_TIMEOUT_MS),
      '--heartbeat-ms',
      String(HEARTBEAT_MS),
      '--default-rooms',
      'general,canary',
      '--conn-searches-per-sec',
      '100000',
      '--conn-searches-burst',
      '100000',
    ],
  });
  // The rooms' epochs and heads, as a client learns them.
  const scout = await RawClient.connect(server.wsUrl, 'scout');
  const found: Record<string, { epoch: string; head: number }> = {};
  for (const name of [BIG, HIST, 'general']) {
    const { room } = await scout.request('joined', { type: 'join', id: `j-${name}`, room: name });
    found[name] = { epoch: room.epoch, head: room.head };
  }
  rooms = found;
  scout.close();
  await withDeadline(scout.closed, 5_000, 'the scout to close');

  const writer = await RawClient.connect(server.wsUrl, 'canary-writer');
  const reader = await RawClient.connect(server.wsUrl, 'canary-reader');
  for (const c of [writer, reader]) await c.request('joined', { type: 'join', id: 'j', room: 'canary' });
  canary = new Canary(writer, reader, { deadlineMs: ROUND_DEADLINE_MS, paceMs: 20 });
  baseline = 2;
  await waitUntil(async () => (await health()).connections === baseline, { what: 'only the canary connected' });
}, 60_000);

afterAll(async () => {
  if (sampler) clearInterval(sampler);
  await canary?.stop();
  canary?.writer.close();
  canary?.reader.close();
  await server?.dispose();
});

describe('a peer that stops reading while it sends', () => {
  // Found by this property: the heartbeat ended such a peer with a plain close, whose FIN waited
  // behind the megabytes the peer had not read; the peer never learnt, and the server's kernel
  // kept the orphaned socket and its send buffer (zero-window probes answered) indefinitely.
  it('regression: a peer that never reads a replay is cut with a reset within the bound, not left a FIN it never sees', async () => {
    const ws = new WebSocket(server.wsUrl);
    ws.on('error', () => undefined);
    await withDeadline(new Promise((r, j) => ws.once('open', r).once('error', j)), 5_000, 'the peer to connect');
    const localPort = (ws as unknown as { _socket: Socket })._socket.localPort ?? 0;
    try {
      ws.pause();
      ws.send(JSON.stringify({ type: 'hello', v: 1, nick: 'regression' }));
      ws.send(JSON.stringify({ type: 'join', id: 'j', room: BIG, after: 0, epoch: rooms[BIG]?.epoch }));
      await waitUntil(async () => (await tcpState(localPort)) !== ESTABLISHED, {
        timeoutMs: END_BOUND_MS,
        intervalMs: 25,
        what: 'the server to end a peer that never reads',
      });
    } finally {
      ws.terminate();
    }
    await waitUntil(async () => (await health()).connections <= baseline, { what: 'the peer to be gone' });
  });

  it(
    'leaves the process up, gets its documented answers or is ended in bounded time, keeps memory bounded and others served',
    async () => {
      const pid = server.pid();
      // Warm-up: one peer that never reads a whole replay, one that reads it all, so the
      // figures below measure what the runs add, not the server's first replay.
      await play(
        {
          reading: { mode: 'never' },
          pong: true,
          bursts: [{ ops: [{ op: 'join', room: BIG, after: 'zero', at: 0, epoch: 'real' }], pauseMs: 0 }],
        },
        'warmup-1',
      );
      await play(
        {
          reading: { mode: 'slow', onMs: 20, offMs: 10 },
          pong: true,
          bursts: [{ ops: [{ op: 'join', room: BIG, after: 'zero', at: 0, epoch: 'real' }], pauseMs: 0 }],
        },
        'warmup-2',
      );
      endings.clear();
      worstEndMs = 0;
      const startMb = await rssMb(pid);
      peakMb = startMb;
      sampler = setInterval(() => {
        rssMb(pid).then(
          (mb) => (peakMb = Math.max(peakMb, mb)),
          () => undefined,
        );
      }, 50);

      const t0 = performance.now();
      let runs = 0;
      try {
        await fc.assert(
          fc.asyncProperty(behaviourArb, async (b) => {
            runs++;
            const roundsBefore = canary.rounds;
            await play(b, `stalled${runs}`);
            // The process is up (play asked /healthz) and the canary kept going, during and after.
            expect(() => process.kill(pid, 0), 'the server process is alive').not.toThrow();
            expect(canary.failure, 'the canary').toBeUndefined();
            await waitUntil(() => canary.failure ?? canary.rounds > roundsBefore + 1, {
              timeoutMs: 2 * ROUND_DEADLINE_MS,
              what: 'a canary round after the run',
            });
            expect(canary.failure, 'the canary').toBeUndefined();
          }),
          propertyParams<[Behaviour]>(20, { live: true }),
        );
      } catch (err) {
        console.error(`server output (tail):\n${server.output().slice(-3_000)}`);
        throw err;
      } finally {
        clearInterval(sampler);
        sampler = undefined;
      }
      const endMb = await rssMb(pid);
      console.log(
        `stalled peers: ${runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
          `${JSON.stringify(Object.fromEntries([...endings].sort()))}; server RSS after warm-up ` +
          `${startMb.toFixed(0)} MB, peak ${peakMb.toFixed(0)} MB (+${(peakMb - startMb).toFixed(1)}), ` +
          `after the runs ${endMb.toFixed(0)} MB (+${(endMb - startMb).toFixed(1)}); ` +
          `slowest end ${Math.round(worstEndMs)} ms after the last burst (bound ${END_BOUND_MS}); ` +
          `canary ${canary.rounds} rounds, worst ${Math.round(canary.worstMs)} ms`,
      );
      expect(peakMb - startMb, 'peak RSS growth (MB)').toBeLessThan(PEAK_BOUND_MB);
      expect(endMb - startMb, 'RSS growth after the runs (MB)').toBeLessThan(END_BOUND_MB);
      await health();
    },
    LONG_RUN ? 1_800_000 : 90_000,
  );
});
