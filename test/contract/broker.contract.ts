/** The contract every Broker implementation meets; each engine's test file calls it with a factory. */
import { describe, expect, it } from 'vitest';
import type { Broker, BrokerMessage } from '../../src/server/broker/broker.ts';
import { waitUntil } from '../support/wait.ts';

export function brokerContract(name: string, open: () => Promise<Broker>): void {
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
  });
}
