/**
 * One cluster scenario's traffic: members spread over the nodes by the round-robin proxy, each in
 * a few rooms, send pipelined; faults fire when given shares of all sends are acknowledged
 * (progress, not time); then every member must deliver each of its rooms exactly as PostgreSQL
 * holds it, every acknowledged send must be in the log once, and every live node must serve the
 * same log over REST.
 */
import type { RoomEvent } from '../../src/protocol/index.ts';
import {
  caughtUp,
  checkAcks,
  checkDelivered,
  checkLog,
  closeCodes,
  connectionStats,
  eventKey,
  fetchLogs,
  joinAll,
  joinRooms,
  Problems,
  pump,
  randInt,
  seconds,
  seededRandom,
  shuffle,
  waitUntil,
  withDeadline,
} from '../reliability/harness.ts';
import { type Cluster, type ClusterMember, clusterMember, spread } from './harness.ts';

export interface Fault {
  /** Fires once this share of all sends is acknowledged. */
  readonly at: number;
  readonly name: string;
  run(members: readonly ClusterMember[]): Promise<void>;
}

export interface TrafficOptions {
  readonly scenario: string;
  readonly seed: number;
  readonly rooms: readonly string[];
  readonly clients: number;
  readonly roomsPerClient: number;
  readonly perClient: number;
  /** Unacknowledged sends per member at most; default 8. */
  readonly window?: number;
  /** Pacing (load shape): up to this many ms between a member's sends; default 40. */
  readonly maxGapMs?: number;
  /** Members made by the scenario itself (e.g. hoppers on a proxy of their own), also sending. */
  readonly extra?: (random: () => number) => ClusterMember[];
  /** Members that join (then send) once a quarter of all sends is acknowledged, on any node. */
  readonly late?: number;
  readonly faults: readonly Fault[];
  /** Indexes of the nodes that are up at the end (default all): their REST logs are compared. */
  readonly liveNodes?: () => number[];
  readonly sendTimeoutMs?: number;
  readonly catchUpMs?: number;
}

export interface TrafficResult {
  readonly members: ClusterMember[];
  readonly logs: Map<string, RoomEvent[]>;
  readonly problems: string[];
  readonly acked: number;
  readonly total: number;
  readonly spreadBefore: number[];
  readonly duration: string;
}

/** Sends acknowledged so far, over these members. */
export const ackedCount = (members: readonly ClusterMember[]): number =>
  members.reduce((n, m) => n + m.sent.filter((s) => s.result).length, 0);

/** Members made so far by any scenario of the file, closed by closeMembers. */
const everyMember: ClusterMember[] = [];

export function closeMembers(): void {
  for (const m of everyMember.splice(0)) m.client.close();
}

/** One line per scenario, as the fault suite prints them (for docs/scaling.md). */
function report(scenario: string, fields: Record<string, unknown>): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
  console.log(`[cluster] ${scenario}: ${parts.join(' ')}`);
}

export async function runTraffic(cluster: Cluster, o: TrafficOptions): Promise<TrafficResult> {
  const random = seededRandom(o.seed);
  const startedAt = performance.now();
  const members: ClusterMember[] = [];
  for (let i = 0; i < o.clients; i++) {
    const rooms = shuffle(random, o.rooms).slice(0, o.roomsPerClient);
    members.push(clusterMember(cluster.proxy, `${o.scenario}${i}`, rooms));
  }
  members.push(...(o.extra?.(random) ?? []));
  const late: ClusterMember[] = [];
  for (let i = 0; i < (o.late ?? 0); i++) {
    const rooms = shuffle(random, o.rooms).slice(0, o.roomsPerClient);
    late.push(clusterMember(cluster.proxy, `${o.scenario}-late${i}`, rooms));
  }
  everyMember.push(...members, ...late);
  await joinAll(members);
  const spreadBefore = spread(members, cluster.nodes.length);
  // From here on, `members` are all of them; the late ones join once a quarter is acknowledged.
  const early = members.length;
  members.push(...late);

  const total = members.length * o.perClient;
  let acked = 0;
  const maxGap = o.maxGapMs ?? 40;
  const plans = members.map((m) =>
    Array.from({ length: o.perClient }, (_, n) => ({
      room: m.rooms[randInt(random, 0, m.rooms.length - 1)] as string,
      body: `${m.nick} #${n}`,
    })),
  );
  const send = (m: ClusterMember, i: number): Promise<void> =>
    pump(m, plans[i] ?? [], { window: o.window ?? 8, gapMs: () => random() * maxGap, onAck: () => acked++ });
  const sending = Promise.all([
    ...members.slice(0, early).map(send),
    ...late.map(async (m, i) => {
      await waitUntil(() => acked >= total / 4, {
        timeoutMs: 30_000,
        what: 'a quarter acknowledged, for the late joins',
      });
      // Joined on whatever node the proxy picks, under traffic from every node.
      await joinRooms(m);
      await send(m, early + i);
    }),
  ]);
  // A failed send ends the scenario at once instead of after every fault's deadline.
  let failure: unknown;
  sending.catch((err: unknown) => (failure = err));
  for (const fault of o.faults) {
    await waitUntil(() => failure ?? acked >= fault.at * total, {
      timeoutMs: 30_000,
      what: `${fault.at * 100}% of ${total} sends acknowledged before ${fault.name} (${acked} so far)`,
    });
    if (failure) break;
    await fault.run(members);
  }
  await withDeadline(sending, o.sendTimeoutMs ?? 45_000, `every send acknowledged (${acked} of ${total} so far)`);

  const logs = await cluster.readLogs(o.rooms);
  const heads = new Map([...logs].map(([room, log]) => [room, log.length]));
  await caughtUp(members, heads, o.catchUpMs ?? 20_000);

  const problems = new Problems();
  for (const [room, log] of logs) checkLog(problems, room, log);
  for (const m of members) {
    for (const room of m.rooms) {
      checkDelivered(problems, m.nick, room, m.delivered.get(room) ?? [], logs.get(room) ?? [], m.from.get(room));
    }
    if (m.resets.length > 0) problems.add(`${m.nick}: unexpected reset of ${m.resets.join(',')}`);
  }
  const ackCount = checkAcks(problems, members, logs);
  // Every node serves the same log: PostgreSQL's.
  const live = o.liveNodes?.() ?? cluster.nodes.map((_, i) => i);
  for (const i of live) {
    const node = cluster.nodes[i];
    if (!node) continue;
    const served = await fetchLogs(node.url, o.rooms);
    for (const [room, log] of logs) {
      const a = (served.get(room) ?? []).map(eventKey).join('\n');
      if (a !== log.map(eventKey).join('\n')) problems.add(`node n${i} serves another log of ${room} than PostgreSQL`);
    }
  }
  const duration = seconds(startedAt);
  report(o.scenario, {
    clients: members.length,
    rooms: o.rooms.length,
    messages: ackCount,
    faults: Object.fromEntries(o.faults.map((f) => [f.name, 1])),
    ...connectionStats(members),
    duration,
    spread: spreadBefore,
    closeCodes: closeCodes(members),
    duplicateAcks: members.reduce((n, m) => n + m.sent.filter((s) => s.result?.duplicate).length, 0),
    deliveries: members.reduce((n, m) => n + [...m.delivered.values()].reduce((k, l) => k + l.length, 0), 0),
    seed: o.seed,
  });
  return { members, logs, problems: problems.all, acked: ackCount, total, spreadBefore, duration };
}
