/**
 * One node's metrics (docs/operations.md, "Metrics"): plain counts on the hot path (a Map update,
 * no label hashing, never once per recipient) read into prom-client metrics of the node's own
 * registry only when /metrics is scraped, so several nodes in one process keep theirs apart. The
 * two histograms observe once per commit and once per event. Gauges read the node's connection
 * set at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  CLIENT_FRAME_TYPES,
  CLOSE,
  ERROR_CODES,
  type ClientFrameType,
  type RemovalKind,
  type ServerFrame,
  type ServerFrameType,
} from '../../protocol/index.ts';
import { WRITE_TYPES } from '../limits/user-limits.ts';
import type { AppendResult } from '../store/store.ts';
import { Counts, frameType } from './counts.ts';

/** Every server frame type, so each series exists from the start (a missing one fails to compile). */
const SERVER_FRAME_TYPES: Record<ServerFrameType, 0> = {
  welcome: 0,
  blocks: 0,
  event: 0,
  ack: 0,
  room: 0,
  rooms: 0,
  joined: 0,
  left: 0,
  history: 0,
  presence: 0,
  typing: 0,
  status: 0,
  error: 0,
  removed: 0,
  user: 0,
  synced: 0,
  receipts: 0,
  unread: 0,
  results: 0,
  members: 0,
  profile: 0,
  pong: 0,
};

const CLOSE_NAMES = new Map<number, string>(Object.entries(CLOSE).map(([name, code]) => [code, name]));

/** Seconds: commits take milliseconds (one fsync per group commit); fan-out microseconds to milliseconds. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Commit times of events this node appended and has not delivered yet: bounded, oldest dropped first. */
const MAX_MARKS = 4096;

/** What the node's connection set offers the gauges (gateway Connections have `ws`). */
export type Watched = ReadonlySet<object>;

export interface MetricsSettings {
  /** The node's id (`parley_node_info{node}`). */
  readonly node: string;
  /** /metrics is served: also collect Node's process metrics (event-loop lag, heap, RSS, GC). */
  readonly exposed: boolean;
}

export class NodeMetrics {
  /** This node's registry (never prom-client's global one). */
  readonly registry = new Registry();
  readonly #framesIn = new Counts([...CLIENT_FRAME_TYPES, 'binary', 'invalid']);
  readonly #framesOut = new Counts(Object.keys(SERVER_FRAME_TYPES));
  readonly #errors = new Counts(ERROR_CODES);
  readonly #closes = new Counts(CLOSE_NAMES.values());
  readonly #evictions = new Counts(['slow_consumer', 'kick', 'ban']);
  readonly #refusals = new Counts(['frames', 'writes']);
  readonly #deliveries = new Counts(['']);
  readonly #commit: Histogram;
  readonly #fanout: Histogram;
  readonly #marks = new Map<string, number>();

  constructor(settings: MetricsSettings, connections: Watched) {
    const registers = [this.registry];
    const info = new Gauge({
      name: 'parley_node_info',
      help: "This node's id (--node-id) as a label; the value is always 1",
      labelNames: ['node'],
      registers,
    });
    info.set({ node: settings.node }, 1);
    const open: Gauge = new Gauge({
      name: 'parley_connections',
      help: 'Open WebSocket connections on this node',
      registers,
      collect: () => open.set(connections.size),
    });
    const queued: Gauge = new Gauge({
      name: 'parley_outbound_queued_bytes',
      help: "Bytes queued for sending over all of this node's sockets (sum of ws.bufferedAmount)",
      registers,
      collect: () => queued.set(queuedBytes(connections)),
    });
    counter(
      'parley_frames_in_total',
      'Frames received, by type (binary: refused; invalid: did not decode)',
      'type',
      this.#framesIn,
    );
    counter(
      'parley_frames_out_total',
      'Frames sent, by type (events and signals: once per local subscriber)',
      'type',
      this.#framesOut,
    );
    counter('parley_errors_total', 'Error frames sent, by code', 'code', this.#errors);
    counter('parley_closes_total', 'Connections this node closed, by close code name', 'code', this.#closes);
    counter(
      'parley_evictions_total',
      'Sockets evicted: slow consumers closed with 4001, and removals from a room (kick, ban)',
      'reason',
      this.#evictions,
    );
    counter(
      'parley_rate_limited_total',
      'Requests refused by a rate limit, by limit (writes: a write frame; frames: any other; search; connect-ip: a WebSocket upgrade)',
      'limit',
      this.#refusals,
    );
    counter(
      'parley_deliveries_total',
      'Committed events handed to local subscribers (events × subscribers)',
      undefined,
      this.#deliveries,
    );
    this.#commit = new Histogram({
      name: 'parley_commit_seconds',
      help: 'Time of store.append, group commit included, for every write',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#fanout = new Histogram({
      name: 'parley_fanout_seconds',
      help: 'From the commit of an event until it is written to every local subscriber, on the node that committed it',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    if (settings.exposed) collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });

    function counter(name: string, help: string, label: string | undefined, counts: Counts): void {
      const metric: Counter = new Counter({
        name,
        help,
        labelNames: label === undefined ? [] : [label],
        registers,
        collect() {
          metric.reset();
          for (const [key, n] of counts) metric.inc(label === undefined ? {} : { [label]: key }, n);
        },
      });
    }
  }

  /** A frame read from a socket: its decoded type, `binary`, or undefined when it did not decode. */
  frameIn(type: ClientFrameType | 'binary' | undefined): void {
    this.#framesIn.add(type ?? 'invalid');
  }

  /** A frame a connection sends (`send`): its type, and an error's code. */
  sent(frame: ServerFrame): void {
    this.#framesOut.add(frame.type);
    if (frame.type === 'error') this.#errors.add(frame.code);
  }

  /** A connection this node closes, with its close code; 4001 is an eviction too. */
  closed(code: number): void {
    this.#closes.add(CLOSE_NAMES.get(code) ?? String(code));
    if (code === CLOSE.slow_consumer) this.#evictions.add('slow_consumer');
  }

  /** A socket removed from a room by a kick or a ban. */
  evicted(reason: RemovalKind): void {
    this.#evictions.add(reason);
  }

  /** A frame refused by a rate limit (its type when it decoded). */
  refused(type: ClientFrameType | undefined): void {
    this.#refusals.add(type !== undefined && WRITE_TYPES.has(type) ? 'writes' : 'frames');
  }

  /** A store.append that began at `started` (performance.now()) has answered. */
  committed(started: number, result: AppendResult): void {
    const now = performance.now();
    this.#commit.observe((now - started) / 1000);
    if (result.status !== 'appended') return;
    const { room, seq } = result.event;
    this.#marks.set(`${room}\n${seq}`, now);
    if (this.#marks.size > MAX_MARKS) this.#marks.delete(this.#marks.keys().next().value as string);
  }

  /** The hub wrote one event of `channel` to its `n` local subscribers: once per event. */
  delivered(channel: string, seq: number, payload: string, n: number): void {
    this.#deliveries.add('', n);
    this.#framesOut.add(frameType(payload), n);
    if (this.#marks.size === 0) return;
    const key = `${channel}\n${seq}`;
    const at = this.#marks.get(key);
    if (at === undefined) return;
    this.#marks.delete(key);
    this.#fanout.observe((performance.now() - at) / 1000);
  }

  /** A stored entry replayed to one connection by a join or sync (core/feed.ts). */
  replayed(payload: string): void {
    this.#framesOut.add(frameType(payload));
  }

  /** A request refused by a limit other than the frame buckets: `search`, `connect-ip`. */
  limited(limit: string): void {
    this.#refusals.add(limit);
  }

  /** The hub wrote one signal (presence, typing, receipts) to `n` local subscribers. */
  signalled(payload: string, n: number): void {
    this.#framesOut.add(frameType(payload), n);
  }
}

/** Sum of ws.bufferedAmount over the node's connections (anything without a socket counts 0). */
function queuedBytes(connections: Watched): number {
  let bytes = 0;
  for (const conn of connections) bytes += (conn as { ws?: { bufferedAmount?: number } }).ws?.bufferedAmount ?? 0;
  return bytes;
}
