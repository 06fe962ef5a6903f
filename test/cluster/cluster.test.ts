/**
 * The cluster suite (issue 12): three `parley serve` processes on one PostgreSQL database and one
 * Redis, behind a round-robin proxy with no stickiness. In each scenario 12 SDK clients spread over
 * the nodes, each in 2 of 4 rooms, send 80 messages each, pipelined (and 2 more join once a
 * quarter is acknowledged, then send), while (a) a node is SIGKILLed,
 * then (once it is back) another, (b) Redis restarts empty, twice, (c) PostgreSQL is unreachable
 * for 3 s, (d) two clients land on another node at every reconnect. Each time every member ends
 * with exactly the log PostgreSQL holds for each of its rooms (nothing lost, nothing twice, in
 * order), every acknowledged send is in it once, and every live node serves that same log. After a
 * kill, the dead node's users go offline within the presence TTL, in Redis and for every member.
 * (e) An account signed in on one node is the same user on every node, and a revocation on one
 * node closes its socket on another.
 * Needs PostgreSQL and Redis (test/support/services.ts): skipped with a reason when absent.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts, createClient, type ParleyClient } from '../../src/client/index.ts';
import { hasPostgres, hasRedis } from '../support/services.ts';
import { RoundRobinProxy } from '../support/rr-proxy.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';
import { joinAll, scenarioSeed } from '../reliability/harness.ts';
import {
  type Cluster,
  type ClusterMember,
  clusterMember,
  presenceReader,
  printNodesOnFailure,
  redisServerInstalled,
  startCluster,
} from './harness.ts';
import { watchLeave } from './presence-watch.ts';
import { ackedCount, closeMembers, runTraffic } from './traffic.ts';

const FILE = 'test/cluster/cluster.test.ts';
const SUITE = 'cluster suite';
const NODES = 3;
const CLIENTS = 12;
const PER_CLIENT = 80;
/** Clients that join in the middle of the traffic, on whatever node they land. */
const LATE = 2;
const roomsOf = (s: string): string[] => [0, 1, 2, 3].map((i) => `${s}-${i}`);
const ROOMS = {
  kill: roomsOf('kill'),
  redis: roomsOf('redis'),
  pg: roomsOf('pg'),
  hop: roomsOf('hop'),
  account: ['account'],
};
/** The nodes' presence TTL (`--presence-ttl-ms`; 15 s by default): short, to keep the suite short. */
const PRESENCE_TTL_MS = 5_000;
/**
 * A dead node's users go offline within the presence TTL of its last heartbeat (docs/scaling.md,
 * _Presence across nodes_): measured from the kill, plus 2 s for the observers' polling and the
 * timers of nodes on a loaded machine (the suite runs beside others on 2 cores).
 */
const PRESENCE_BOUND_MS = PRESENCE_TTL_MS + 2_000;

const ready = (await hasPostgres(SUITE)) && (redisServerInstalled() || (await hasRedis(SUITE)));

let cluster: Cluster | undefined;
const hopProxies: RoundRobinProxy[] = [];
const others: ParleyClient[] = [];

const live = (): Cluster => {
  if (!cluster) throw new Error('no cluster');
  return cluster;
};

describe.skipIf(!ready)('three nodes on PostgreSQL and Redis, behind a round-robin proxy', () => {
  beforeAll(async () => {
    cluster = await startCluster({
      nodes: NODES,
      rooms: Object.values(ROOMS).flat(),
      args: ['--heartbeat-ms', '1000', '--presence-ttl-ms', String(PRESENCE_TTL_MS)],
    });
  }, 60_000);

  afterAll(async () => {
    closeMembers();
    for (const c of others) c.close();
    for (const p of hopProxies) await p.close();
    await cluster?.close();
  }, 30_000);

  it('(a) nodes SIGKILLed mid-stream: their clients resume on the others; presence forgets their users', async () => {
    printNodesOnFailure(() => cluster);
    const c = live();
    const seed = scenarioSeed(FILE, 0xc1a5_0001);
    const victim = 1;
    const second = 2;
    const down = new Set<number>();
    const room = ROOMS.kill[0] as string;
    // A client straight on the victim, not through the proxy: it cannot come back anywhere.
    const ghost = createClient({
      url: c.nodes[victim]?.wsUrl ?? '',
      nick: 'ghost',
      WebSocket,
      backoff: { minMs: 200, maxMs: 1000 },
    });
    others.push(ghost);
    await withDeadline(ghost.join(room), 10_000, 'the ghost joins');
    const presence = presenceReader(c);
    let movedCount = 0;
    /** When Redis stopped listing the ghost, and when every member of the room was told, after the kill. */
    let storeGoneMs = -1;
    let toldMs = -1;
    let ghostGone: Promise<void> | undefined;
    try {
      await waitUntil(async () => (await presence.online(room)).some((u) => u.nick === 'ghost'), {
        timeoutMs: 5_000,
        what: 'the ghost to show online',
      });
      const r = await runTraffic(c, {
        scenario: 'kill',
        seed,
        rooms: ROOMS.kill,
        clients: CLIENTS,
        roomsPerClient: 2,
        perClient: PER_CLIENT,
        late: LATE,
        liveNodes: () => [0, 1, 2].filter((i) => !down.has(i)),
        faults: [
          {
            at: 0.4,
            name: 'sigkill',
            async run(members) {
              const moved = members.filter((m) => m.nodes.at(-1) === victim);
              movedCount = moved.length;
              const leave = watchLeave(presence, members, room, 'ghost', PRESENCE_BOUND_MS + 5_000);
              await c.nodes[victim]?.kill();
              down.add(victim);
              const killedAt = performance.now();
              await waitUntil(
                () =>
                  moved.every(
                    (m) => m.client.state === 'connected' && m.nodes.length >= 2 && m.nodes.at(-1) !== victim,
                  ),
                { timeoutMs: 15_000, what: "the victim's clients on the other nodes" },
              );
              // Presence, measured while the traffic goes on (awaited after its checks).
              ghostGone = leave.since(killedAt).then((gone) => {
                storeGoneMs = gone.store;
                toldMs = gone.told;
              });
              ghostGone.catch(() => undefined);
            },
          },
          {
            at: 0.7,
            name: 'sigkill-2',
            async run(members) {
              // The first victim comes back (under its node id, clearing what its previous life
              // left in Redis) once its presence is measured; then another node dies.
              await ghostGone;
              ghost.close();
              await c.nodes[victim]?.restart();
              down.delete(victim);
              const moved = members.filter((m) => m.nodes.at(-1) === second);
              movedCount += moved.length;
              await c.nodes[second]?.kill();
              down.add(second);
              await waitUntil(() => moved.every((m) => m.client.state === 'connected' && m.nodes.at(-1) !== second), {
                timeoutMs: 15_000,
                what: "the second victim's clients on the other nodes",
              });
            },
          },
        ],
      });
      expect(r.problems).toEqual([]);
      expect(r.acked).toBe(r.total);
      expect(movedCount).toBeGreaterThan(0);
      await ghostGone;
      expect(storeGoneMs).toBeLessThanOrEqual(PRESENCE_BOUND_MS);
      expect(toldMs).toBeLessThanOrEqual(PRESENCE_BOUND_MS);
      // Everyone else in the room is online, whatever node they are on now…
      const inRoom = r.members.filter((m) => m.rooms.includes(room));
      const online = new Set((await presence.online(room)).map((u) => u.nick));
      expect(inRoom.map((m) => m.nick).filter((n) => !online.has(n))).toEqual([]);
      // …and offline once they leave: nothing the dead node counted for them is left behind.
      for (const m of r.members) m.client.close();
      await waitUntil(async () => (await presence.online(room)).length === 0, {
        timeoutMs: 10_000,
        what: 'the room to be empty once its members closed',
      });
      console.log(
        `[cluster] kill: ${movedCount} clients moved; after the kill Redis dropped the ghost in ` +
          `${Math.round(storeGoneMs)} ms, every member of ${room} was told in ${Math.round(toldMs)} ms ` +
          `(bound ${PRESENCE_BOUND_MS} ms)`,
      );
    } finally {
      ghost.close();
      await presence.close();
      // The next scenarios run on three nodes again.
      for (const i of down) await c.nodes[i]?.restart();
    }
  }, 60_000);

  it('(b) Redis restarted mid-stream: live delivery resumes and every gap is filled from the store', async () => {
    printNodesOnFailure(() => cluster);
    const c = live();
    const seed = scenarioSeed(FILE, 0xc1a5_0002);
    let ackedWhileDown = 0;
    const r = await runTraffic(c, {
      scenario: 'redis',
      seed,
      rooms: ROOMS.redis,
      clients: CLIENTS,
      roomsPerClient: 2,
      perClient: PER_CLIENT,
      late: LATE,
      // Mid-stream, then near the end: the last events published while Redis is away have no
      // later event to reveal their gap, only the nodes' periodic position check does.
      faults: [0.4, 0.95].map((at, k) => ({
        at,
        name: `${c.redis?.private ? 'redis-restart' : 'redis-cut'}${k + 1}`,
        async run(members: readonly ClusterMember[]) {
          const before = ackedCount(members);
          await c.redis?.restart(2_000);
          ackedWhileDown += ackedCount(members) - before;
        },
      })),
    });
    expect(r.problems).toEqual([]);
    expect(r.acked).toBe(r.total);
    // No client action was needed: no client lost its connection (docs/scaling.md, failure modes).
    const dropped = r.members.filter((m) => m.states.some((st) => st.state === 'reconnecting'));
    expect(
      dropped.map((m) => `${m.nick}: ${JSON.stringify(m.states.filter((st) => st.state === 'reconnecting'))}`),
    ).toEqual([]);
    // Redis came back empty: the nodes wrote their presence back, everyone is online again.
    const presence = presenceReader(c);
    try {
      for (const room of ROOMS.redis) {
        const want = r.members.filter((m) => m.rooms.includes(room)).map((m) => m.nick);
        await waitUntil(
          async () => {
            const online = new Set((await presence.online(room)).map((u) => u.nick));
            return want.every((n) => online.has(n));
          },
          { timeoutMs: PRESENCE_BOUND_MS, intervalMs: 100, what: `everyone in ${room} online again` },
        );
      }
    } finally {
      await presence.close();
    }
    console.log(
      `[cluster] redis: ${ackedWhileDown} acks while Redis was ${c.redis?.private ? 'down (restarted empty)' : 'cut'} for 2 s, twice`,
    );
  }, 60_000);

  it('(c) PostgreSQL unreachable for 3 s: sends wait or fail retryably, none is acknowledged without its commit', async () => {
    printNodesOnFailure(() => cluster);
    const c = live();
    const seed = scenarioSeed(FILE, 0xc1a5_0003);
    let ackedWhileDown = 0;
    let ackedWithoutPostgres = -1;
    const r = await runTraffic(c, {
      scenario: 'pg',
      seed,
      rooms: ROOMS.pg,
      clients: CLIENTS,
      roomsPerClient: 2,
      perClient: PER_CLIENT,
      late: LATE,
      faults: [
        {
          at: 0.4,
          name: 'pg-cut-3s',
          async run(members) {
            const ackedBefore = ackedCount(members);
            c.pgProxy?.shut();
            // The outage's length is the fault itself, not a wait for something. Acks of commits
            // that were answered just before the cut may still arrive within its first second;
            // after that nothing can commit, so nothing may be acknowledged until it is back.
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            const settled = ackedCount(members);
            await new Promise((resolve) => setTimeout(resolve, 2_000));
            ackedWhileDown = settled - ackedBefore;
            ackedWithoutPostgres = ackedCount(members) - settled;
            c.pgProxy?.open();
          },
        },
      ],
    });
    expect(r.problems).toEqual([]);
    expect(r.acked).toBe(r.total);
    expect(ackedWithoutPostgres).toBe(0);
    const errors = r.members.flatMap((m) => m.errors);
    expect(errors.filter((e) => !e.retryable).map((e) => `${e.code}: ${e.message}`)).toEqual([]);
    console.log(
      `[cluster] pg: ${ackedWhileDown} acks in the first second of the cut (commits answered before it), ` +
        `${ackedWithoutPostgres} in the 2 s after, ` +
        `${errors.length} retryable errors`,
    );
  }, 60_000);

  it('(d) clients that land on another node at every reconnect deliver every room exactly once, in order', async () => {
    printNodesOnFailure(() => cluster);
    const c = live();
    const seed = scenarioSeed(FILE, 0xc1a5_0004);
    const HOPS = 6;
    const hoppers: ClusterMember[] = [];
    for (let i = 0; i < 2; i++) {
      // A proxy of its own: its connections alone take turns over the nodes, so each is a hop.
      const p = await RoundRobinProxy.start(c.nodes.map((n) => n.port));
      hopProxies.push(p);
      hoppers.push(clusterMember(p, `hopper${i}`, ROOMS.hop.slice(i, i + 3)));
    }
    const r = await runTraffic(c, {
      scenario: 'hop',
      seed,
      rooms: ROOMS.hop,
      clients: CLIENTS - hoppers.length,
      roomsPerClient: 2,
      perClient: PER_CLIENT,
      late: LATE,
      extra: () => hoppers,
      faults: Array.from({ length: HOPS }, (_, k) => ({
        at: (k + 1) / (HOPS + 1),
        name: `hop${k + 1}`,
        async run() {
          const before = hoppers.map((h) => h.nodes.length);
          for (const p of hopProxies) p.cut();
          await waitUntil(
            () => hoppers.every((h, i) => h.client.state === 'connected' && h.nodes.length > (before[i] ?? 0)),
            { timeoutMs: 10_000, what: 'the hoppers on their next node' },
          );
        },
      })),
    });
    expect(r.problems).toEqual([]);
    expect(r.acked).toBe(r.total);
    for (const h of hoppers) {
      expect(h.nodes.length).toBeGreaterThanOrEqual(HOPS + 1);
      expect(h.nodes.filter((n, i) => i > 0 && n === h.nodes[i - 1])).toEqual([]);
      expect(new Set(h.nodes).size).toBe(NODES);
    }
    console.log(`[cluster] hop: hoppers' nodes ${hoppers.map((h) => h.nodes.join('')).join(' / ')}`);
  }, 60_000);
  it('(e) an account is the same user on every node: tokens from one node work on the others, a revocation reaches them all', async () => {
    printNodesOnFailure(() => cluster);
    const c = live();
    const room = ROOMS.account[0] as string;
    const on = (i: number): Accounts => new Accounts(c.nodes[i % NODES]?.url ?? '');
    const password = 'correct horse battery';
    const registered = await on(0).register('carol', password);
    const login = await on(1).login('carol', password);
    expect(login.user.id).toBe(registered.user.id);
    const tokens = await on(2).refresh(login.refreshToken);

    // Signed in with the token node 2 issued, landing on another node at every reconnect.
    const p = await RoundRobinProxy.start(c.nodes.map((n) => n.port));
    hopProxies.push(p);
    const carol = clusterMember(p, 'carol', [room], { token: tokens.accessToken });
    others.push(carol.client);
    await joinAll([carol]);
    for (let hop = 0; hop < NODES; hop++) {
      if (hop > 0) {
        const before = carol.nodes.length;
        p.cut();
        await waitUntil(() => carol.client.state === 'connected' && carol.nodes.length > before, {
          timeoutMs: 10_000,
          what: `carol on her next node (hop ${hop})`,
        });
      }
      expect(carol.client.user?.id).toBe(registered.user.id);
      const sent = await withDeadline(carol.client.send(room, `hop ${hop}`), 10_000, `carol's send on hop ${hop}`);
      expect(sent.duplicate).toBe(false);
    }
    expect(new Set(carol.nodes).size).toBe(NODES);

    // The refresh token node 2 rotated, replayed on a node she is not on: refused, and as a
    // possible theft it ends every login of hers, so the node she is on closes her socket (4411).
    const current = carol.nodes.at(-1) ?? 0;
    await expect(on(current + 1).refresh(login.refreshToken)).rejects.toMatchObject({ status: 401 });
    await waitUntil(() => carol.errors.some((e) => e.code === 'session_revoked'), {
      timeoutMs: 10_000,
      what: "carol's socket closed as revoked by another node",
    });
    const logs = await c.readLogs([room]);
    const bodies = (logs.get(room) ?? []).filter((e) => e.kind === 'text').map((e) => e.body);
    expect(bodies).toEqual(['hop 0', 'hop 1', 'hop 2']);
    console.log(`[cluster] account: carol's nodes ${carol.nodes.join('')}; revoked by n${(current + 1) % NODES}`);
  }, 30_000);
});
