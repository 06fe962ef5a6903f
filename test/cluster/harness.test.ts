/**
 * The cluster harness's own mechanics, on three SQLite nodes (they share nothing, so only
 * where clients land is checked, not what they read): the proxy spreads connections round robin,
 * each member knows its node, and a SIGKILLed node's clients come back on the other nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinAll } from '../reliability/harness.ts';
import { waitUntil } from '../support/wait.ts';
import { type Cluster, type ClusterMember, clusterMember, spread, startCluster } from './harness.ts';

const ROOM = 'lobby';
let cluster: Cluster | undefined;
const members: ClusterMember[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, rooms: [ROOM], engines: 'sqlite', args: ['--heartbeat-ms', '1000'] });
}, 60_000);

afterAll(async () => {
  for (const m of members) m.client.close();
  await cluster?.close();
}, 30_000);

describe('cluster harness', () => {
  it('spreads clients round robin over the nodes and moves a killed node’s clients to the others', async () => {
    const c = cluster as Cluster;
    for (let i = 0; i < 6; i++) {
      const m = clusterMember(c.proxy, `h${i}`, [ROOM]);
      members.push(m);
      // One at a time, so the proxy's turn order is the members' order.
      await joinAll([m]);
    }
    expect(members.map((m) => m.nodes)).toEqual([[0], [1], [2], [0], [1], [2]]);
    expect(spread(members, 3)).toEqual([2, 2, 2]);

    await c.nodes[1]?.kill();
    await waitUntil(
      () => members.every((m) => m.client.state === 'connected' && m.nodes.at(-1) !== 1 && m.nodes.at(-1) !== -1),
      { timeoutMs: 15_000, what: 'every member on a live node' },
    );
    const movedTo = [members[1], members[4]].map((m) => m?.nodes.at(-1));
    expect(movedTo.every((n) => n === 0 || n === 2)).toBe(true);
    expect(c.proxy.skipped).toBeGreaterThan(0);
    expect(spread(members, 3)[1]).toBe(0);

    await c.nodes[1]?.restart();
    const fresh = clusterMember(c.proxy, 'late', [ROOM]);
    members.push(fresh);
    // Three new connections in a row take three turns: one of them is the restarted node.
    const more = [fresh, clusterMember(c.proxy, 'late2', [ROOM]), clusterMember(c.proxy, 'late3', [ROOM])];
    members.push(...more.slice(1));
    for (const m of more) await joinAll([m]);
    expect(new Set(more.map((m) => m.nodes[0]))).toEqual(new Set([0, 1, 2]));
  }, 45_000);
});
