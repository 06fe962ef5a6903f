/**
 * The fan-out heals what the broker loses or reorders (src/server/fanout/healer.ts): two nodes on
 * one store, each publishing through a broker that loses every 5th log event and sends others late.
 * Every connection still gets every event of its room and of its own user log exactly once, in
 * order, with no gap for a client to fill; a kick whose publish was lost still evicts; a lost tail
 * with nothing after it is healed by the periodic position check alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRef } from '../../src/protocol/index.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { commit } from '../../src/server/core/commit.ts';
import type { NodeContext } from '../../src/server/core/node-context.ts';
import { publishUserEvents } from '../../src/server/core/user-feed.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { waitUntil } from '../support/wait.ts';
import { ChaosBroker, connect, startNodes, type Port } from './nodes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-heal-'));
const store = new SqliteStore(dataDir);
const bus = new MemoryBus();
const chaos = [1, 2].map((seed) => new ChaosBroker(bus.broker(), { seed, dropEvery: 5, reorder: 0.3 }));
let nodes: NodeContext[] = [];
const HEAL_MS = 40;

beforeAll(async () => {
  nodes = await startNodes(store, dataDir, chaos, { healIntervalMs: HEAL_MS });
});

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const user = (port: Port): UserRef => port.user as UserRef;
const head = async (room: string): Promise<number> => (await store.getRoom(room))?.head ?? 0;

/** Ascending by one from the first seq: nothing missing, nothing twice. */
function expectContiguous(seqs: readonly number[], last: number): void {
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
  expect(seqs.at(-1)).toBe(last);
}

describe('the fan-out heals lost and reordered publishes', () => {
  it('delivers every room and user-log event once and in order on both nodes; a lost kick still evicts', async () => {
    const [n0, n1] = nodes as [NodeContext, NodeContext];
    const owner = await connect(n0, 'owner', []);
    await store.createRoom('heal', 'heal', { ownerId: user(owner).id });
    await owner.request({ type: 'join', id: 'j', room: 'heal' }, (f): f is never => f.type === 'joined');
    const members: Port[] = [owner];
    for (let i = 0; i < 6; i++) members.push(await connect(i % 2 ? n1 : n0, `m${i}`, ['heal'], i < 4));
    const victim = await connect(n1, 'victim', ['heal']);

    const send = (i: number) => {
      const from = members[i % members.length]!;
      return commit(from.ctx, { room: 'heal', sender: user(from), kind: 'text', body: `message ${i}` });
    };
    // Concurrent commits on both nodes: publishes of one room leave two nodes in any order.
    for (let batch = 0; batch < 15; batch++) {
      await Promise.all(Array.from({ length: 8 }, (_, j) => send(batch * 8 + j)));
      // Read markers: the user logs of the members who follow theirs get entries too.
      const reader = members[1 + (batch % 4)]!;
      const read = await store.markRead('heal', user(reader).id, await head('heal'));
      if (read.status === 'moved') await publishUserEvents(reader.ctx, [read.entry]);
    }

    // The kick's publish is lost: node 1 learns of it from the store, and still evicts.
    chaos[0]!.dropNext = true;
    const kick = await commit(n0.ctx, {
      room: 'heal',
      sender: user(owner),
      kind: 'kick',
      target: user(victim),
      body: '',
    });
    expect(kick.status).toBe('appended');
    const kickSeq = kick.status === 'appended' ? kick.event.seq : 0;
    for (let i = 0; i < 40; i++) await send(1000 + i);

    const last = await head('heal');
    await waitUntil(() => members.every((p) => p.seqs('heal').at(-1) === last), {
      what: 'every member at the head',
    });
    for (const p of members) {
      expectContiguous(p.seqs('heal'), last);
      expect(p.duplicates).toEqual([]);
    }
    // Healed events are framed as live ones: each frame is the stored event.
    const stored = (await store.history('heal', { after: 0, limit: 1000 })).events;
    for (const p of members) {
      const frames = p.frames.filter((f) => f.type === 'event' && f.room === 'heal');
      expect(frames).toEqual(stored.slice(stored.length - frames.length).map((e) => ({ type: 'event', ...e })));
    }
    await waitUntil(() => victim.frames.some((f) => f.type === 'removed'), { what: 'the victim removed' });
    expectContiguous(victim.seqs('heal'), kickSeq - 1);
    expect(victim.rooms.has('heal')).toBe(false);

    const followers = members.slice(1, 5);
    const userHeads = await Promise.all(followers.map((p) => store.userHead(user(p).id)));
    await waitUntil(() => followers.every((p, i) => p.userSeqs().at(-1) === userHeads[i]), {
      what: 'every follower at its user-log head',
    });
    followers.forEach((p, i) => expectContiguous(p.userSeqs(), userHeads[i]!));

    // The chaos did happen, and the hubs put it right from the store.
    expect(chaos.reduce((n, c) => n + c.lost.length, 0)).toBeGreaterThan(20);
    expect(chaos.reduce((n, c) => n + c.reordered, 0)).toBeGreaterThan(10);
    for (const node of nodes) expect(node.ctx.hub.healStats?.healed).toBeGreaterThan(0);
  });

  it('heals a lost tail with no later event, by the periodic position check alone', async () => {
    const [n0, n1] = nodes as [NodeContext, NodeContext];
    await store.createRoom('tail', 'tail');
    const ann = await connect(n0, 'ann', ['tail']);
    const bob = await connect(n1, 'bob', ['tail']);
    const checks = n1.ctx.hub.healStats?.checks ?? 0;
    chaos[0]!.dropNext = true;
    const sent = await commit(n0.ctx, { room: 'tail', sender: user(ann), kind: 'text', body: 'the last word' });
    const seq = sent.status === 'appended' ? sent.event.seq : 0;
    expect(chaos[0]!.lost.at(-1)?.seq).toBe(seq);
    await waitUntil(() => bob.seqs('tail').at(-1) === seq && ann.seqs('tail').at(-1) === seq, {
      what: 'the lost last event on both nodes',
    });
    expect(n1.ctx.hub.healStats?.checks).toBeGreaterThan(checks);
    for (const p of [ann, bob]) expect(p.duplicates).toEqual([]);
  });
});
