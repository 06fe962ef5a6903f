/**
 * Handlers driven through the ConnectionPort, with no socket and no HTTP server: the node's
 * context on real engines (a SQLite file, the in-memory bus and presence), frames in, frames out.
 * Two contexts on one bus and store are two nodes: a send on one reaches a member on the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ERRORS,
  type ClientFrame,
  type ErrorCode,
  type RemovedFrame,
  type ServerFrame,
  type UserRef,
} from '../../src/protocol/index.ts';
import type { AccessClaims } from '../../src/server/auth/tokens.ts';
import type { ConnectionPort, FeedCursor, RoomCursor } from '../../src/server/core/connection-port.ts';
import type { ServerContext } from '../../src/server/core/context.ts';
import { createNodeContext, type NodeContext } from '../../src/server/core/node-context.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import type { PreparedFrame } from '../../src/server/gateway/wire.ts';
import { dispatch } from '../../src/server/handlers/index.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { createLogger } from '../../src/server/log.ts';
import { resolveOptions } from '../../src/server/options.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { waitUntil } from '../support/wait.ts';

/** A connection without a socket: what the server writes lands in `frames`. */
class TestPort implements ConnectionPort {
  static #next = 1;
  readonly id = `test-${TestPort.#next++}`;
  readonly ip = '127.0.0.1';
  user: UserRef | undefined;
  account: AccessClaims | undefined;
  readonly rooms = new Map<string, RoomCursor>();
  readonly feeds = new Map<string, FeedCursor>();
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | undefined;

  constructor(readonly ctx: ServerContext) {}

  get closing(): boolean {
    return this.closed !== undefined;
  }
  send(frame: ServerFrame): void {
    this.frames.push(frame);
  }
  sendPrepared(prepared: PreparedFrame): void {
    this.frames.push(JSON.parse(prepared.data.toString('utf8')) as ServerFrame);
  }
  sendEphemeral(prepared: PreparedFrame): void {
    this.sendPrepared(prepared);
  }
  deliverEvent(room: string, seq: number, prepared: PreparedFrame): void {
    const cursor = this.rooms.get(room) ?? this.feeds.get(room);
    if (!cursor) return;
    if (cursor.pending) cursor.pending.push({ seq, prepared });
    else if (seq > cursor.lastSent) {
      cursor.lastSent = seq;
      this.sendPrepared(prepared);
    }
  }
  evict(room: string, reason: RemovedFrame['reason'], by: UserRef): void {
    if (this.rooms.delete(room)) this.send({ type: 'removed', room, reason, by });
  }
  error(code: ErrorCode, id?: string, message: string = ERRORS[code].message): void {
    const frame: ServerFrame = { type: 'error', code, message, retryable: ERRORS[code].retryable };
    this.send(id === undefined ? frame : { ...frame, id });
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  track(work: Promise<void>): void {
    void work;
  }
  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }
  cut(): void {
    this.close(1006, 'cut');
  }
  claimUserSlot(userId: string): boolean {
    return this.ctx.userLimits.attach(userId, this);
  }

  /** Dispatches one frame and waits until a frame matching `match` was written. */
  async request<F extends ServerFrame>(frame: ClientFrame, match: (f: ServerFrame) => f is F): Promise<F> {
    const from = this.frames.length;
    await dispatch(this, frame);
    return waitUntil(() => this.frames.slice(from).find(match), { timeoutMs: 5_000, what: `answer to ${frame.type}` });
  }
}

const of =
  <T extends ServerFrame['type']>(type: T, id?: string) =>
  (f: ServerFrame): f is Extract<ServerFrame, { type: T }> =>
    f.type === type && (id === undefined || ('id' in f && f.id === id));

const dataDir = mkdtempSync(join(tmpdir(), 'parley-port-'));
const store = new SqliteStore(dataDir);
const bus = new MemoryBus();
const presence = new MemoryPresence();
const limits = new MemoryLimiters();
const nodes: NodeContext[] = [];

beforeAll(async () => {
  const options = resolveOptions([], {}, { dataDir, webDir: null, logLevel: 'warn' });
  for (let i = 0; i < 2; i++) {
    const connections = new Set<TestPort>();
    const engines = { store, broker: bus.broker(), presence, limits, files: new DiskStorage(join(dataDir, 'files')) };
    const node = createNodeContext(options, createLogger('warn'), engines, connections);
    await node.start();
    nodes.push(node);
  }
  await store.createRoom('lobby', 'lobby');
});

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function member(node: NodeContext, nick: string): Promise<TestPort> {
  const port = new TestPort(node.ctx);
  await port.request({ type: 'hello', v: 1, nick }, of('welcome'));
  await port.request({ type: 'join', id: `j-${nick}`, room: 'lobby' }, of('joined'));
  return port;
}

describe('handlers through the connection port (no socket)', () => {
  it('answers a frame before hello with not_ready, and nothing else happens', async () => {
    const port = new TestPort(nodes[0]!.ctx);
    await dispatch(port, { type: 'join', id: 'early', room: 'lobby' });
    expect(port.frames).toEqual([expect.objectContaining({ type: 'error', code: 'not_ready', id: 'early' })]);
    expect(port.rooms.size).toBe(0);
  });

  it('acks a send once it is stored and delivers it once, in order, to members on both nodes', async () => {
    const ann = await member(nodes[0]!, 'ann');
    const bob = await member(nodes[1]!, 'bob');
    for (let i = 1; i <= 5; i++) {
      const ack = await ann.request(
        { type: 'send', id: `m${i}`, room: 'lobby', kind: 'text', body: `hello ${i}` },
        of('ack', `m${i}`),
      );
      expect(ack.seq).toBeGreaterThan(0);
    }
    const bodies = (port: TestPort): string[] =>
      port.frames.flatMap((f) => (f.type === 'event' && f.kind === 'text' ? [f.body] : []));
    const expected = [1, 2, 3, 4, 5].map((i) => `hello ${i}`);
    await waitUntil(() => bodies(bob).length >= 5, { what: 'five messages on the other node' });
    expect(bodies(bob)).toEqual(expected);
    expect(bodies(ann)).toEqual(expected);
    const stored = await store.history('lobby', { after: 0, limit: 1000 });
    expect(stored.events.flatMap((e) => (e.kind === 'text' ? [e.body] : []))).toEqual(expected);
  });

  it('refuses a send to a room the port has not joined, with not_member', async () => {
    const port = new TestPort(nodes[1]!.ctx);
    await port.request({ type: 'hello', v: 1, nick: 'cid' }, of('welcome'));
    const err = await port.request(
      { type: 'send', id: 's1', room: 'lobby', kind: 'text', body: 'hi' },
      of('error', 's1'),
    );
    expect(err.code).toBe('not_member');
  });
});
