/**
 * In-process nodes for the fan-out tests: node contexts on shared engines (no socket, no HTTP),
 * connections that record exactly what the hub hands them, and a broker wrapper that loses and
 * reorders publishes on a seeded schedule.
 */
import { join } from 'node:path';
import type { ServerFrame } from '../../src/protocol/index.ts';
import type { Broker, BrokerHandler, BrokerMessage } from '../../src/server/broker/broker.ts';
import { createNodeContext, type NodeContext } from '../../src/server/core/node-context.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { createLogger } from '../../src/server/log.ts';
import { resolveOptions, type ServerOptions } from '../../src/server/options.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import type { Store } from '../../src/server/store/store.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { of, TestPort } from '../support/test-port.ts';

/** A connection without a socket that also checks the hub never delivers twice. */
export class Port extends TestPort {
  /**
   * Live deliveries the hub made at or below what this connection had already sent, past the
   * head its join (or sync) replayed up to: must stay empty. (At or below that head they are
   * expected: the replay read them from the store before the hub's copy came.)
   */
  readonly duplicates: { channel: string; seq: number }[] = [];
  /** Channel → the head its join or sync replayed up to. */
  readonly #replayed = new Map<string, number>();

  override send(frame: ServerFrame): void {
    if (frame.type === 'joined') this.#replayed.set(frame.room.name, frame.room.head);
    if (frame.type === 'synced' && this.user) this.#replayed.set(`user:${this.user.id}`, frame.head);
    super.send(frame);
  }
  protected override skipped(channel: string, seq: number): void {
    if (seq > (this.#replayed.get(channel) ?? 0)) this.duplicates.push({ channel, seq });
  }
}

export { of };

/** Says hello, joins `rooms` and (with `sync`) follows the user's own log. */
export async function connect(node: NodeContext, nick: string, rooms: readonly string[], sync = false): Promise<Port> {
  const port = new Port(node.ctx);
  await port.request({ type: 'hello', v: 1, nick }, of('welcome'));
  for (const room of rooms) await port.request({ type: 'join', id: `j-${room}`, room }, of('joined', `j-${room}`));
  if (sync) await port.request({ type: 'sync', id: 's' }, of('synced', 's'));
  return port;
}

/** Node contexts on one store and the given brokers (one per node), with in-memory presence and limits. */
export async function startNodes(
  store: Store,
  dataDir: string,
  brokers: readonly Broker[],
  overrides: Partial<ServerOptions> = {},
): Promise<NodeContext[]> {
  const options = resolveOptions([], {}, { dataDir, webDir: null, logLevel: 'warn', ...overrides });
  const presence = new MemoryPresence();
  const limits = new MemoryLimiters();
  const files = new DiskStorage(join(dataDir, 'files'));
  const nodes: NodeContext[] = [];
  for (const broker of brokers) {
    const node = createNodeContext(
      options,
      createLogger('warn'),
      { store, broker, presence, limits, files },
      new Set(),
    );
    await node.start();
    nodes.push(node);
  }
  return nodes;
}

/**
 * Wraps a node's broker: of the log events it publishes (seq > 0) every `dropEvery`-th is lost
 * and, of the rest, a `reorder` share is held back and published after the next one (or on the
 * next turn of the event loop), as Redis pub/sub and two nodes' connections may do. Signals
 * pass untouched. `only` limits the chaos to some channels.
 */
export class ChaosBroker implements Broker {
  readonly #inner: Broker;
  readonly #random: () => number;
  readonly #dropEvery: number;
  readonly #reorder: number;
  readonly #only: ((channel: string) => boolean) | undefined;
  #count = 0;
  #late: BrokerMessage | undefined;
  /** What was lost, by channel. */
  readonly lost: BrokerMessage[] = [];
  reordered = 0;
  /** Off: everything passes (to let a test end on a clean state). */
  enabled = true;
  /** Loses the next log event published, whatever the schedule says. */
  dropNext = false;

  constructor(
    inner: Broker,
    o: { seed: number; dropEvery: number; reorder: number; only?: (channel: string) => boolean },
  ) {
    this.#inner = inner;
    this.#random = seededRandom(o.seed);
    this.#dropEvery = o.dropEvery;
    this.#reorder = o.reorder;
    this.#only = o.only;
  }

  async publish(message: BrokerMessage): Promise<void> {
    if (!this.enabled || message.seq === 0 || (this.#only && !this.#only(message.channel))) {
      return this.#inner.publish(message);
    }
    if (++this.#count % this.#dropEvery === 0 || this.dropNext) {
      this.dropNext = false;
      this.lost.push(message);
      return;
    }
    const late = this.#late;
    if (!late && this.#random() < this.#reorder) {
      // Held back: goes out after the next publish, or on the next turn when none comes.
      this.#late = message;
      setImmediate(() => {
        if (this.#late === message) {
          this.#late = undefined;
          void this.#inner.publish(message);
        }
      });
      return;
    }
    await this.#inner.publish(message);
    if (late) {
      this.#late = undefined;
      this.reordered++;
      await this.#inner.publish(late);
    }
  }
  subscribe(channel: string): Promise<void> {
    return this.#inner.subscribe(channel);
  }
  unsubscribe(channel: string): Promise<void> {
    return this.#inner.unsubscribe(channel);
  }
  onMessage(handler: BrokerHandler): void {
    this.#inner.onMessage(handler);
  }
  onReconnect(handler: () => void): void {
    this.#inner.onReconnect?.(handler);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}
