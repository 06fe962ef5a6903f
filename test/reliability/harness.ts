/**
 * Shared pieces of the fault-injection suite: SDK members that record what they deliver and
 * what was acknowledged, a pipelined send pump, the server's log over REST, and the checks
 * every scenario ends with (exactly once, in order, equal to the log; every ack in the log).
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { onTestFailed } from 'vitest';
import WebSocket from 'ws';
import {
  createClient,
  type ClientError,
  type ClientEvents,
  type ClientOptions,
  type ParleyClient,
  type RoomEvent,
  type SendResult,
  type WebSocketConstructor,
} from '../../src/client/index.ts';
import type { JoinedFrame } from '../../src/protocol/index.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

export { seededRandom, waitUntil, withDeadline };

/**
 * The scenario's seed: fixed in the test, overridable with PARLEY_SEED to replay or explore.
 * Printed when the test fails, with the command that replays it.
 */
export function scenarioSeed(file: string, fixed: number): number {
  const env = process.env['PARLEY_SEED'];
  const seed = env === undefined || env === '' ? fixed : Number(env);
  onTestFailed(() => {
    console.log(`[reliability] ${file} FAILED with seed ${seed}; replay: PARLEY_SEED=${seed} npx vitest run ${file}`);
  });
  return seed;
}

/** A seeded random integer in [min, max]. */
export function randInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** A seeded Fisher–Yates shuffle (a copy). */
export function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface SentRecord {
  readonly room: string;
  readonly body: string;
  result?: SendResult;
  /** The sender's user id when the ack came (it changes only if the server lost its database). */
  userId?: string;
}

/** An SDK client plus everything it delivered and every ack it got. */
export interface Member {
  readonly nick: string;
  readonly client: ParleyClient;
  readonly rooms: string[];
  /** Events delivered through the SDK 'event' event, per room, in delivery order. */
  readonly delivered: Map<string, RoomEvent[]>;
  /** Per room, the seq the member's first join started from: it must deliver exactly (from, head]. */
  readonly from: Map<string, number>;
  /** Per room, `from` of the latest joined frame (the new join point after a reset). */
  readonly lastJoinedFrom: Map<string, number>;
  /** Per room, what was delivered before each reset, and from where. */
  readonly beforeReset: Map<string, { from: number; delivered: RoomEvent[] }[]>;
  readonly sent: SentRecord[];
  readonly states: ClientEvents['state'][];
  readonly errors: ClientError[];
  readonly resets: string[];
  /** Welcomes after the first: connections that came back. */
  resumed: number;
}

export const FAST_BACKOFF = { minMs: 50, maxMs: 1000 };

const JOINED_PREFIX = Buffer.from('{"type":"joined"');

/**
 * A `ws` socket class that notes the join point of each room: the `from` of the first
 * `joined` frame for a room the SDK has no seq for yet (its listener runs before the SDK's).
 */
function joinSniffer(m: () => Member): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on('message', (data: Buffer) => {
        if (!data.subarray(0, JOINED_PREFIX.length).equals(JOINED_PREFIX)) return;
        const frame = JSON.parse(data.toString('utf8')) as JoinedFrame;
        const member = m();
        const room = frame.room.name;
        if (!member.from.has(room) && member.client.lastSeq(room) === undefined) member.from.set(room, frame.from);
        member.lastJoinedFrom.set(room, frame.from);
      });
    }
  };
}

export function makeMember(url: string, nick: string, rooms: string[], options: Partial<ClientOptions> = {}): Member {
  // eslint-disable-next-line prefer-const -- assigned after the client that the sniffer reads
  let m: Member;
  const client = createClient({
    url,
    nick,
    WebSocket: joinSniffer(() => m),
    backoff: FAST_BACKOFF,
    requestTimeoutMs: 5_000,
    ...options,
  });
  m = {
    nick,
    client,
    rooms,
    delivered: new Map(),
    from: new Map(),
    lastJoinedFrom: new Map(),
    beforeReset: new Map(),
    sent: [],
    states: [],
    errors: [],
    resets: [],
    resumed: -1,
  };
  for (const room of rooms) m.delivered.set(room, []);
  client.on('event', (e) => {
    let list = m.delivered.get(e.room);
    if (!list) m.delivered.set(e.room, (list = []));
    list.push(e);
  });
  client.on('state', (s) => m.states.push(s));
  client.on('error', (e) => m.errors.push(e));
  client.on('reset', ({ room }) => {
    // The room's log was replaced: what came before is kept apart, delivery starts over.
    m.resets.push(room);
    const archive = m.beforeReset.get(room) ?? [];
    archive.push({ from: m.from.get(room) ?? 0, delivered: m.delivered.get(room) ?? [] });
    m.beforeReset.set(room, archive);
    m.delivered.set(room, []);
    m.from.set(room, m.lastJoinedFrom.get(room) ?? 0);
  });
  client.on('welcome', () => m.resumed++);
  return m;
}

/** Joins a member to its rooms and waits for it; the join point is noted as it happens. */
export async function joinRooms(m: Member, timeoutMs = 15_000): Promise<void> {
  await withDeadline(Promise.all(m.rooms.map((room) => m.client.join(room))), timeoutMs, `${m.nick} joins`);
  for (const room of m.rooms) {
    if (!m.from.has(room)) throw new Error(`${m.nick}: no join point noted for ${room}`);
  }
}

/**
 * Joins every member to each of its rooms, one join at a time while nothing else is written,
 * so each member's join point (`from`) is exactly the room head its join saw.
 */
export async function joinAll(members: readonly Member[]): Promise<void> {
  for (const m of members) {
    for (const room of m.rooms) {
      await withDeadline(m.client.join(room), 10_000, `${m.nick} joins ${room}`);
      // With nothing else written meanwhile, the head the join saw is also the SDK's lastSeq.
      const seen = m.client.lastSeq(room) ?? 0;
      if (!m.from.has(room)) m.from.set(room, seen);
      else if (m.from.get(room) !== seen)
        throw new Error(`${m.nick} ${room}: joined from ${m.from.get(room)}, lastSeq ${seen}`);
    }
  }
}

/** Connections the member lost or failed to open (each one is followed by a reconnect attempt). */
export function drops(m: Member): number {
  return m.states.filter((s) => s.state === 'reconnecting').length;
}

/**
 * Totals over members: reconnects (connections that came back, i.e. welcomes after the first)
 * and drops (connections lost, plus reconnect attempts that failed).
 */
export function connectionStats(members: readonly Member[]): { reconnects: number; drops: number } {
  return {
    reconnects: members.reduce((n, m) => n + Math.max(0, m.resumed), 0),
    drops: members.reduce((n, m) => n + drops(m), 0),
  };
}

/** How the dropped connections ended, e.g. {1006: 12, 4000: 3}. */
export function closeCodes(members: readonly Member[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of members) {
    for (const s of m.states) {
      if (s.state !== 'reconnecting') continue;
      const key = String(s.code ?? 'none');
      out[key] = (out[key] ?? 0) + 1;
    }
  }
  return out;
}

export interface PumpOptions {
  /** At most this many sends unacknowledged at a time. */
  window: number;
  /** Pacing (load shape, not synchronisation): the pause before each next send, in ms. */
  gapMs?: () => number;
  onAck?: () => void;
}

/**
 * Sends `plan` in order, pipelined: it does not wait for an ack before the next send, only
 * when `window` sends are unacknowledged. Resolves when every send is acknowledged; rejects
 * on the first send that fails.
 */
export async function pump(
  m: Member,
  plan: Iterable<{ room: string; body: string }>,
  opts: PumpOptions,
): Promise<void> {
  let inflight = 0;
  let freed: (() => void) | undefined;
  let failed: Error | undefined;
  const all: Promise<void>[] = [];
  for (const { room, body } of plan) {
    while (inflight >= opts.window && !failed) await new Promise<void>((resolve) => (freed = resolve));
    if (failed) break;
    const record: SentRecord = { room, body };
    m.sent.push(record);
    inflight++;
    all.push(
      m.client
        .send(room, body)
        .then(
          (result) => {
            record.result = result;
            record.userId = m.client.user?.id;
            opts.onAck?.();
          },
          (err: unknown) => {
            failed ??= new Error(`${m.nick}: send to ${room} failed: ${String(err)}`);
          },
        )
        .finally(() => {
          inflight--;
          freed?.();
          freed = undefined;
        }),
    );
    const gap = opts.gapMs?.() ?? 0;
    if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
  }
  await Promise.all(all);
  if (failed) throw failed;
}

interface HistoryResponse {
  events: RoomEvent[];
  more: boolean;
}

/** The room's whole log as the server has it, over REST, in pages of 200. */
export async function fetchLog(httpUrl: string, room: string): Promise<RoomEvent[]> {
  const out: RoomEvent[] = [];
  for (let after = 0; ;) {
    const res = await fetch(`${httpUrl}/api/rooms/${room}/history?after=${after}&limit=200`);
    if (!res.ok) throw new Error(`history of ${room} after ${after}: HTTP ${res.status}`);
    const page = (await res.json()) as HistoryResponse;
    out.push(...page.events);
    const last = page.events.at(-1);
    if (!page.more || !last) return out;
    after = last.seq;
  }
}

/** Each room's head (newest seq), from the room list. */
export async function fetchHeads(httpUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${httpUrl}/api/rooms`);
  if (!res.ok) throw new Error(`room list: HTTP ${res.status}`);
  const { rooms } = (await res.json()) as { rooms: { name: string; head: number }[] };
  return new Map(rooms.map((r) => [r.name, r.head]));
}

export async function fetchLogs(httpUrl: string, rooms: readonly string[]): Promise<Map<string, RoomEvent[]>> {
  const logs = new Map<string, RoomEvent[]>();
  for (const room of rooms) logs.set(room, await fetchLog(httpUrl, room));
  return logs;
}

/** What makes two copies of an event the same event. */
export function eventKey(e: RoomEvent): string {
  return JSON.stringify([e.seq, e.id, e.cid ?? null, e.body, e.sender.id, e.kind, e.ref ?? null]);
}

const MAX_PROBLEMS = 20;

/** Collects problem descriptions; a scenario passes when there are none. */
export class Problems {
  readonly list: string[] = [];
  #dropped = 0;

  add(problem: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
    else this.#dropped++;
  }

  get all(): string[] {
    return this.#dropped === 0 ? this.list : [...this.list, `…and ${this.#dropped} more`];
  }
}

/**
 * The log itself: seqs 1..head with no gap or duplicate, each event id unique, membership
 * events alternating join / leave per user (a re-join after a reconnect is not a new member),
 * and every client write preceded by its writer's join.
 */
export function checkLog(problems: Problems, room: string, log: readonly RoomEvent[]): void {
  const ids = new Set<string>();
  const member = new Map<string, boolean>();
  log.forEach((e, i) => {
    if (e.seq !== i + 1) problems.add(`log ${room}: position ${i} holds seq ${e.seq}`);
    if (e.room !== room) problems.add(`log ${room}: seq ${e.seq} says room ${e.room}`);
    if (ids.has(e.id)) problems.add(`log ${room}: event id ${e.id} twice`);
    ids.add(e.id);
    const kind: string = e.kind;
    // Writes come from members only, so the log must show the writer's join before them.
    if (e.cid !== undefined && !member.get(e.sender.id)) {
      problems.add(`log ${room}: seq ${e.seq} ${kind} by ${e.sender.nick}, who is no member by the log`);
    }
    if (kind === 'join' || kind === 'leave') {
      const joining = kind === 'join';
      if ((member.get(e.sender.id) ?? false) === joining) {
        problems.add(
          `log ${room}: seq ${e.seq} ${kind} of ${e.sender.nick}, who already ${kind === 'join' ? 'was a member' : 'had left'}`,
        );
      }
      member.set(e.sender.id, joining);
    }
  });
}

/**
 * One receiver's delivered sequence for one room must be exactly the log after `from`:
 * strictly increasing, no duplicate, no gap, and the same (seq, id, cid, body, sender).
 */
export function checkDelivered(
  problems: Problems,
  who: string,
  room: string,
  delivered: readonly RoomEvent[] | readonly string[],
  log: readonly RoomEvent[],
  from = 0,
): void {
  const keys = delivered.map((e) => (typeof e === 'string' ? e : eventKey(e)));
  const seqs = keys.map((k) => (JSON.parse(k) as [number])[0]);
  for (let i = 1; i < seqs.length; i++) {
    if ((seqs[i] as number) <= (seqs[i - 1] as number)) {
      problems.add(`${who} ${room}: seq ${seqs[i]} delivered after ${seqs[i - 1]} (duplicate or reordered)`);
      break;
    }
  }
  const expected = log.slice(from).map(eventKey);
  if (keys.length !== expected.length) {
    problems.add(
      `${who} ${room}: delivered ${keys.length} events (seq ${seqs[0]}..${seqs.at(-1)}), ` +
        `log has ${expected.length} after ${from} (head ${log.length})`,
    );
  }
  const n = Math.min(keys.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (keys[i] !== expected[i]) {
      problems.add(`${who} ${room}: delivery #${i} is ${keys[i]}, log has ${expected[i]}`);
      break;
    }
  }
}

/**
 * Every acknowledged send is in the log exactly once, at the acknowledged seq, with its cid,
 * body and sender; and (when `complete`) the log holds nothing but these sends.
 */
export function checkAcks(
  problems: Problems,
  members: readonly Member[],
  logs: ReadonlyMap<string, readonly RoomEvent[]>,
  complete = true,
): number {
  const expectedCids = new Map<string, Set<string>>();
  let acked = 0;
  for (const m of members) {
    for (const s of m.sent) {
      const r = s.result;
      if (!r) {
        problems.add(`${m.nick}: send to ${s.room} (${s.body}) never acknowledged`);
        continue;
      }
      acked++;
      const log = logs.get(s.room) ?? [];
      const ev = log[r.seq - 1];
      if (r.room !== s.room) problems.add(`${m.nick}: ack for ${s.room} names room ${r.room}`);
      if (!ev || ev.seq !== r.seq) {
        problems.add(`${m.nick}: ack ${r.id} says ${s.room} seq ${r.seq}, not in the log (head ${log.length})`);
        continue;
      }
      if (ev.cid !== r.id || ev.body !== s.body || ev.sender.id !== s.userId) {
        problems.add(`${m.nick}: ack ${r.id} → ${s.room} seq ${r.seq}, log has ${eventKey(ev)} (want body ${s.body})`);
      }
      let set = expectedCids.get(s.room);
      if (!set) expectedCids.set(s.room, (set = new Set()));
      if (set.has(r.id)) problems.add(`${m.nick}: id ${r.id} acknowledged twice as different sends`);
      set.add(r.id);
    }
  }
  for (const [room, log] of logs) {
    const want = expectedCids.get(room) ?? new Set<string>();
    const seen = new Set<string>();
    for (const e of log) {
      // Events without a client id (membership, system) are the server's own, not sends.
      if (e.cid === undefined && e.kind !== 'text') continue;
      if (e.cid === undefined || !want.has(e.cid)) {
        if (complete) problems.add(`log ${room}: seq ${e.seq} ${e.kind} (cid ${e.cid}) is no acknowledged send`);
        continue;
      }
      if (seen.has(e.cid)) problems.add(`log ${room}: cid ${e.cid} stored twice (again at seq ${e.seq})`);
      seen.add(e.cid);
    }
  }
  return acked;
}

/** Waits until every member has delivered up to the head of each of its rooms. */
export async function caughtUp(
  members: readonly Member[],
  heads: ReadonlyMap<string, number>,
  timeoutMs: number,
): Promise<void> {
  await waitUntil(
    () => members.every((m) => m.rooms.every((room) => (m.client.lastSeq(room) ?? -1) >= (heads.get(room) ?? 0))),
    {
      timeoutMs,
      intervalMs: 20,
      what: 'every member to deliver up to the head of its rooms',
    },
  ).catch((err: unknown) => {
    const behind = members.flatMap((m) =>
      m.rooms
        .filter((room) => (m.client.lastSeq(room) ?? -1) < (heads.get(room) ?? 0))
        .map((room) => `${m.nick}/${room} at ${m.client.lastSeq(room)} of ${heads.get(room)} (${m.client.state})`),
    );
    throw new Error(`${String(err)}; behind: ${behind.slice(0, 10).join(', ')}`);
  });
}

/**
 * One line per scenario, for docs/reliability.md: clients, rooms, messages, faults,
 * reconnects and duration first, then what is particular to the scenario.
 */
export function summary(
  scenario: string,
  fields: {
    clients: number;
    rooms: number;
    messages: number;
    faults: Record<string, number>;
    reconnects: number;
    duration: string;
    seed: number;
  } & Record<string, unknown>,
): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
  console.log(`[reliability] ${scenario}: ${parts.join(' ')}`);
}

export function seconds(startedAt: number): string {
  return ((performance.now() - startedAt) / 1000).toFixed(1) + 's';
}

/**
 * A TCP gate in front of the server, on 127.0.0.1: while shut, it cuts every connection and
 * refuses new ones (accepts and closes them at once), so a client is "away" for as long as the
 * test wants while its reconnect attempts keep failing, as on a dead network.
 */
export class Gate {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #open = true;
  /** Connection attempts refused while shut. */
  refused = 0;
  port = 0;

  private constructor(targetPort: number) {
    this.#server = createServer((client) => {
      if (!this.#open) {
        this.refused++;
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.#sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
    });
  }

  static async start(targetPort: number): Promise<Gate> {
    const gate = new Gate(targetPort);
    await new Promise<void>((resolve) => gate.#server.listen(0, '127.0.0.1', resolve));
    gate.port = (gate.#server.address() as AddressInfo).port;
    return gate;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  shut(): void {
    this.#open = false;
    for (const s of this.#sockets) s.destroy();
  }

  open(): void {
    this.#open = true;
  }

  async close(): Promise<void> {
    this.shut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
