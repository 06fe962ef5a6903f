/**
 * The contract every Broker implementation meets; each engine's test file calls it with a factory.
 * `openBus` gives a fresh bus and attaches nodes to it: the cross-node cases run only with it.
 */
import { describe, expect, it } from 'vitest';
import type { Broker, BrokerMessage } from '../../src/server/broker/broker.ts';
import { waitUntil } from '../support/wait.ts';

/** Attaches one more node to the bus it was made for. */
export type AttachNode = () => Promise<Broker>;

/** A node and everything its handler received. */
interface Node {
  readonly broker: Broker;
  readonly got: BrokerMessage[];
}

async function listen(broker: Broker): Promise<Node> {
  const got: BrokerMessage[] = [];
  broker.onMessage((m) => got.push(m));
  return { broker, got };
}

const seqs = (got: readonly BrokerMessage[], channel: string): number[] =>
  got.filter((m) => m.channel === channel).map((m) => m.seq);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Publishes a marker on a channel every node subscribes to and waits until each has it, so
 * whatever was published before had its chance to arrive (engines keep one connection's order).
 */
async function settle(nodes: readonly Node[], publisher: Broker = nodes[0]!.broker): Promise<void> {
  for (const n of nodes) await n.broker.subscribe('marker');
  const seq = Date.now();
  await publisher.publish({ channel: 'marker', seq, payload: 'm' });
  await waitUntil(() => nodes.every((n) => n.got.some((m) => m.channel === 'marker' && m.seq === seq)), {
    what: 'the marker on every node',
  });
}

/**
 * `orderedAcrossNodes: false`: two nodes' publishes to one channel may arrive in either order
 * (Redis: one connection per node); each node's own publishes still keep theirs. The fan-out
 * restores seq order (fanout/healer.ts).
 */
export interface BrokerTraits {
  readonly orderedAcrossNodes?: boolean;
}

export function brokerContract(
  name: string,
  open: () => Promise<Broker>,
  openBus?: () => Promise<AttachNode>,
  traits: BrokerTraits = {},
): void {
  describe(`Broker contract: ${name}`, () => {
    it('delivers published messages of subscribed rooms, in publish order', async () => {
      const broker = await open();
      const got: BrokerMessage[] = [];
      broker.onMessage((m) => got.push(m));
      await broker.subscribe('a');
      for (let seq = 1; seq <= 50; seq++) await broker.publish({ channel: 'a', seq, payload: `{"seq":${seq}}` });
      await broker.publish({ channel: 'b', seq: 1, payload: '{}' });
      await waitUntil(() => got.length >= 50, { what: '50 messages' });
      expect(got.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(got.every((m) => m.channel === 'a' && m.payload === `{"seq":${m.seq}}`)).toBe(true);
      await broker.close();
    });

    it('stops delivering after unsubscribe', async () => {
      const broker = await open();
      const got: BrokerMessage[] = [];
      broker.onMessage((m) => got.push(m));
      await broker.subscribe('a');
      await broker.publish({ channel: 'a', seq: 1, payload: '1' });
      await waitUntil(() => got.length === 1, { what: 'first message' });
      await broker.unsubscribe('a');
      await broker.publish({ channel: 'a', seq: 2, payload: '2' });
      await broker.subscribe('marker');
      await broker.publish({ channel: 'marker', seq: 1, payload: 'm' });
      await waitUntil(() => got.some((m) => m.channel === 'marker'), { what: 'marker' });
      expect(got.filter((m) => m.channel === 'a').map((m) => m.seq)).toEqual([1]);
      await broker.close();
    });

    it('keeps each channel’s order when publishes interleave and are not awaited one by one', async () => {
      const node = await listen(await open());
      const channels = ['r1', 'r2', 'r3', 'user:u-1'];
      for (const c of channels) await node.broker.subscribe(c);
      // commit.ts starts every publish before awaiting any: their order must hold.
      const sent: Promise<void>[] = [];
      for (let seq = 1; seq <= 40; seq++) {
        for (const channel of channels) sent.push(node.broker.publish({ channel, seq, payload: `${channel}:${seq}` }));
      }
      await Promise.all(sent);
      await waitUntil(() => node.got.length >= 160, { what: '160 messages' });
      for (const c of channels) expect(seqs(node.got, c)).toEqual(range(40));
      expect(node.got.every((m) => m.payload === `${m.channel}:${m.seq}`)).toBe(true);
      await node.broker.close();
    });

    it('delivers once per node however often it subscribed, to every channel it subscribed', async () => {
      const node = await listen(await open());
      const channels = Array.from({ length: 100 }, (_, i) => `room-${i}`);
      for (const c of channels) await node.broker.subscribe(c);
      await node.broker.subscribe('room-0');
      for (const channel of channels) await node.broker.publish({ channel, seq: 1, payload: channel });
      await waitUntil(() => node.got.length >= 100, { what: 'one message per channel' });
      await settle([node]);
      expect(node.got.filter((m) => m.channel !== 'marker').map((m) => m.channel)).toEqual(channels);
      await node.broker.close();
    });

    it('delivers the evict field with its message', async () => {
      const node = await listen(await open());
      await node.broker.subscribe('r');
      const evict = { user: 'u-bob', reason: 'ban', by: { id: 'u-ann', nick: 'ann' } } as const;
      await node.broker.publish({ channel: 'r', seq: 7, payload: '{"kind":"ban"}', evict });
      await node.broker.publish({ channel: 'r', seq: 8, payload: '{"kind":"text"}' });
      await waitUntil(() => node.got.length >= 2, { what: 'two messages' });
      expect(node.got[0]).toEqual({ channel: 'r', seq: 7, payload: '{"kind":"ban"}', evict });
      expect(node.got[1]?.evict).toBeUndefined();
      await node.broker.close();
    });

    it('accepts a publish to a channel nobody subscribes to', async () => {
      const node = await listen(await open());
      await expect(node.broker.publish({ channel: 'nobody', seq: 1, payload: 'x' })).resolves.toBeUndefined();
      await settle([node]);
      expect(node.got.map((m) => m.channel)).toEqual(['marker']);
      await node.broker.close();
    });

    it('stops delivering after close', async () => {
      const node = await listen(await open());
      await node.broker.subscribe('a');
      await node.broker.publish({ channel: 'a', seq: 1, payload: '1' });
      await waitUntil(() => node.got.length === 1, { what: 'first message' });
      await node.broker.close();
      const again = await listen(await open());
      await again.broker.subscribe('a');
      await again.broker.publish({ channel: 'a', seq: 2, payload: '2' });
      await waitUntil(() => again.got.length === 1, { what: 'the other broker’s message' });
      expect(seqs(node.got, 'a')).toEqual([1]);
      await again.broker.close();
    });

    if (openBus)
      describe('several nodes on one bus', () => {
        const nodes = async (n: number): Promise<Node[]> => {
          const attach = await openBus();
          return Promise.all(Array.from({ length: n }, async () => listen(await attach())));
        };
        const closeAll = (ns: readonly Node[]) => Promise.all(ns.map((n) => n.broker.close()));

        it('fans a publish out to every subscribed node, the publisher included, each in order', async () => {
          const ns = await nodes(5);
          for (const n of ns.slice(0, 4)) await n.broker.subscribe('r');
          const sent: Promise<void>[] = [];
          for (let seq = 1; seq <= 30; seq++)
            sent.push(ns[seq % 2]!.broker.publish({ channel: 'r', seq, payload: `${seq}` }));
          await Promise.all(sent);
          await waitUntil(() => ns.slice(0, 4).every((n) => n.got.length >= 30), { what: '30 messages on 4 nodes' });
          for (const n of ns.slice(0, 4)) {
            const got = seqs(n.got, 'r');
            if (traits.orderedAcrossNodes === false) {
              // Each publisher's own in order, every one once.
              expect(got.filter((s) => s % 2 === 0)).toEqual(range(15).map((i) => 2 * i));
              expect(got.filter((s) => s % 2 === 1)).toEqual(range(15).map((i) => 2 * i - 1));
              expect([...got].sort((x, y) => x - y)).toEqual(range(30));
            } else expect(got).toEqual(range(30));
          }
          // Not subscribed, so nothing: not even from a node that publishes.
          await ns[4]!.broker.publish({ channel: 'r', seq: 31, payload: '31' });
          await settle(ns);
          expect(seqs(ns[4]!.got, 'r')).toEqual([]);
          await closeAll(ns);
        });

        it('keeps delivering to a node still subscribed when another unsubscribes', async () => {
          const [a, b] = (await nodes(2)) as [Node, Node];
          await a.broker.subscribe('r');
          await b.broker.subscribe('r');
          await a.broker.publish({ channel: 'r', seq: 1, payload: '1' });
          await a.broker.unsubscribe('r');
          await a.broker.publish({ channel: 'r', seq: 2, payload: '2' });
          await b.broker.publish({ channel: 'r', seq: 3, payload: '3' });
          await settle([a, b], b.broker);
          expect(seqs(a.got, 'r')).toEqual([1]);
          expect(seqs(b.got, 'r')).toEqual([1, 2, 3]);
          await closeAll([a, b]);
        });

        it('keeps delivering to the other nodes when one closes', async () => {
          const [a, b, c] = (await nodes(3)) as [Node, Node, Node];
          for (const n of [a, b, c]) await n.broker.subscribe('r');
          await b.broker.publish({ channel: 'r', seq: 1, payload: '1' });
          await waitUntil(() => a.got.length === 1, { what: 'first message on a' });
          await a.broker.close();
          await b.broker.publish({ channel: 'r', seq: 2, payload: '2' });
          await settle([b, c], c.broker);
          expect(seqs(a.got, 'r')).toEqual([1]);
          expect(seqs(b.got, 'r')).toEqual([1, 2]);
          expect(seqs(c.got, 'r')).toEqual([1, 2]);
          await closeAll([b, c]);
        });

        it('delivers an evict to every node with the message, in order with the rest of the channel', async () => {
          const ns = await nodes(3);
          for (const n of ns) await n.broker.subscribe('r');
          const evict = { user: 'u-bob', reason: 'kick', by: { id: 'u-ann', nick: 'ann' } } as const;
          await ns[0]!.broker.publish({ channel: 'r', seq: 1, payload: 'a' });
          await ns[1]!.broker.publish({ channel: 'r', seq: 2, payload: 'kick', evict });
          await ns[2]!.broker.publish({ channel: 'r', seq: 3, payload: 'b' });
          await waitUntil(() => ns.every((n) => n.got.length >= 3), { what: 'three messages on every node' });
          for (const n of ns) {
            expect(seqs(n.got, 'r')).toEqual([1, 2, 3]);
            expect(n.got.map((m) => m.evict)).toEqual([undefined, evict, undefined]);
          }
          await closeAll(ns);
        });
      });
  });
}
