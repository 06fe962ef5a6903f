/**
 * The fan-out over the real Redis broker: two nodes on one store, members on both, while their
 * Redis connections are cut mid-stream (CLIENT KILL on this file's own connections, found by
 * their names; the shared Redis server is never restarted). Whatever Redis dropped meanwhile is
 * filled from the store: every member ends with every event once, in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRef } from '../../src/protocol/index.ts';
import { RedisBroker } from '../../src/server/broker/redis-broker.ts';
import { commit } from '../../src/server/core/commit.ts';
import type { NodeContext } from '../../src/server/core/node-context.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { hasRedis, REDIS_URL, redisTestPrefix } from '../support/services.ts';
import { waitUntil } from '../support/wait.ts';
import { connect, startNodes, type Port } from './nodes.ts';

const available = await hasRedis('fan-out healing over Redis');

describe.skipIf(!available)('the fan-out heals what Redis drops when its connections are cut', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-redis-heal-'));
  const store = new SqliteStore(dataDir);
  const prefix = redisTestPrefix();
  const brokers = [0, 1].map(() => new RedisBroker({ url: REDIS_URL, prefix }));
  const admin = new Redis(REDIS_URL);
  let nodes: NodeContext[] = [];

  beforeAll(async () => {
    nodes = await startNodes(store, dataDir, brokers, { healIntervalMs: 100 });
  });

  afterAll(async () => {
    for (const node of nodes) await node.stop();
    for (const broker of brokers) await broker.close();
    await store.close();
    admin.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** This file's connections: id and name. */
  async function mine(): Promise<{ id: string; name: string }[]> {
    const list = (await admin.client('LIST')) as string;
    return list.split('\n').flatMap((line) => {
      const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
      const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
      return id && name.startsWith(prefix) ? [{ id, name }] : [];
    });
  }

  /** Cuts every connection of this file whose name passes `which`; how many were cut. */
  async function kill(which: (name: string) => boolean): Promise<number> {
    let n = 0;
    for (const { id, name } of await mine()) {
      if (!which(name)) continue;
      await admin.client('KILL', 'ID', id);
      n++;
    }
    return n;
  }

  it('delivers every event once and in order after subscriber and publisher connections are killed', async () => {
    const [n0, n1] = nodes as [NodeContext, NodeContext];
    await store.createRoom('cut', 'cut');
    const members: Port[] = [];
    for (let i = 0; i < 6; i++) members.push(await connect(i % 2 ? n1 : n0, `k${i}`, ['cut']));
    const send = (i: number) => {
      const from = members[i % members.length]!;
      return commit(from.ctx, { room: 'cut', sender: from.user as UserRef, kind: 'text', body: `m${i}` });
    };
    let i = 0;
    const burst = async (n: number) => {
      for (const end = i + n; i < end;) await Promise.all(Array.from({ length: 4 }, () => send(i++)));
    };

    await burst(40);
    // Node 1's subscriber: what is published right after never reaches it.
    expect(await kill((name) => name === brokers[1]!.clientNames.sub)).toBe(1);
    await burst(40);
    // Node 0's publisher: its publishes are dropped until it is back.
    expect(await kill((name) => name === brokers[0]!.clientNames.pub)).toBe(1);
    await burst(40);
    // Everything of both nodes at once, once the two cut above are back.
    await waitUntil(async () => (await mine()).length === 4, { what: 'four connections again' });
    expect(await kill(() => true)).toBe(4);
    await burst(60);

    const last = (await store.getRoom('cut'))?.head ?? 0;
    await waitUntil(() => members.every((p) => p.seqs('cut').at(-1) === last), {
      timeoutMs: 15_000,
      what: 'every member at the head',
    });
    for (const p of members) {
      const seqs = p.seqs('cut');
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => seqs[0]! + k));
      expect(p.duplicates).toEqual([]);
    }
    // Each node missed what was published while its subscriber was cut, and read it from the store.
    for (const node of nodes) expect(node.ctx.hub.healStats?.healed).toBeGreaterThan(0);
    // Both brokers came back: a message published now reaches the other node at once.
    const now = await send(i++);
    const seq = now.status === 'appended' ? now.event.seq : 0;
    await waitUntil(() => members.every((p) => p.seqs('cut').at(-1) === seq), { what: 'a live event after the cuts' });
  });
});
