/**
 * A deploy: a node of a PostgreSQL + Redis cluster is stopped gracefully (SIGTERM) mid-stream.
 * It lets the writes in progress commit and ack, closes its sockets with a spread retry hint, and
 * takes its presence out of Redis at once (docs/scaling.md, failure modes): its clients resume on
 * the other nodes with nothing lost or repeated, and a user it alone served is offline in the
 * room's presence well before the TTL a dead node would need.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ParleyClient } from '../../src/client/index.ts';
import { scenarioSeed } from '../reliability/harness.ts';
import { hasPostgres, hasRedis } from '../support/services.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';
import { type Cluster, presenceReader, printNodesOnFailure, redisServerInstalled, startCluster } from './harness.ts';
import { watchLeave } from './presence-watch.ts';
import { closeMembers, runTraffic } from './traffic.ts';

const FILE = 'test/cluster/graceful.test.ts';
const SUITE = 'cluster graceful stop';
const ROOMS = ['deploy-0', 'deploy-1', 'deploy-2'];
/** Long, so that only the stop itself can take the ghost out of presence within the test's bound. */
const PRESENCE_TTL_MS = 30_000;
/** A stopped node's users leave at once: the bound allows for the node's close and the polling. */
const LEAVE_BOUND_MS = 3_000;

const ready = (await hasPostgres(SUITE)) && (redisServerInstalled() || (await hasRedis(SUITE)));

let cluster: Cluster | undefined;
let ghost: ParleyClient | undefined;

describe.skipIf(!ready)('a node stopped gracefully in a cluster', () => {
  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      rooms: ROOMS,
      args: ['--heartbeat-ms', '1000', '--presence-ttl-ms', String(PRESENCE_TTL_MS), '--shutdown-spread-ms', '500'],
    });
  }, 60_000);

  afterAll(async () => {
    closeMembers();
    ghost?.close();
    await cluster?.close();
  }, 30_000);

  it('SIGTERM mid-stream: its clients resume on the other node, its users leave presence at once', async () => {
    printNodesOnFailure(() => cluster);
    const c = cluster as Cluster;
    const seed = scenarioSeed(FILE, 0xc1a5_0006);
    const victim = 0;
    const room = ROOMS[0] as string;
    // Straight on the node that stops, not through the proxy: it is not back anywhere in the test's time.
    ghost = createClient({ url: c.nodes[victim]?.wsUrl ?? '', nick: 'ghost', WebSocket, backoff: { minMs: 5_000 } });
    await withDeadline(ghost.join(room), 10_000, 'the ghost joins');
    const presence = presenceReader(c);
    let leftMs = { store: -1, told: -1 };
    let moved = 0;
    try {
      await waitUntil(async () => (await presence.online(room)).some((u) => u.nick === 'ghost'), {
        timeoutMs: 5_000,
        what: 'the ghost to show online',
      });
      const r = await runTraffic(c, {
        scenario: 'deploy',
        seed,
        rooms: ROOMS,
        clients: 8,
        roomsPerClient: 2,
        perClient: 60,
        late: 2,
        liveNodes: () => [1],
        faults: [
          {
            at: 0.4,
            name: 'sigterm',
            async run(members) {
              const on = members.filter((m) => m.nodes.at(-1) === victim);
              moved = on.length;
              const leave = watchLeave(presence, members, room, 'ghost', LEAVE_BOUND_MS + 5_000);
              const stoppedAt = performance.now();
              await c.nodes[victim]?.stop();
              leftMs = await leave.since(stoppedAt);
              await waitUntil(() => on.every((m) => m.client.state === 'connected' && m.nodes.at(-1) !== victim), {
                timeoutMs: 15_000,
                what: "the stopped node's clients on the other node",
              });
            },
          },
        ],
      });
      expect(r.problems).toEqual([]);
      expect(r.acked).toBe(r.total);
      expect(moved).toBeGreaterThan(0);
      expect(leftMs.store).toBeLessThanOrEqual(LEAVE_BOUND_MS);
      expect(leftMs.told).toBeLessThanOrEqual(LEAVE_BOUND_MS);
      // The stopped node's clients were told to go (1001), not cut.
      const codes = r.members.flatMap((m) => m.states.flatMap((s) => (s.state === 'reconnecting' ? [s.code] : [])));
      const story = r.members
        .filter((m) => m.states.some((s) => s.state === 'reconnecting' && s.code !== 1001))
        .map((m) => ({ nick: m.nick, nodes: m.nodes, states: m.states }));
      expect(
        codes.filter((code) => code !== 1001),
        JSON.stringify(story),
      ).toEqual([]);
      console.log(
        `[cluster] deploy: ${moved} clients moved; the ghost left presence ${Math.round(leftMs.store)} ms after ` +
          `the SIGTERM, every member was told in ${Math.round(leftMs.told)} ms (TTL ${PRESENCE_TTL_MS} ms)`,
      );
    } finally {
      await presence.close();
    }
  }, 60_000);
});
