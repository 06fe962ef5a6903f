/**
 * Reconnect storm: N clients in rooms, each room's first member sends a few messages; the server
 * gets SIGTERM and is started again on the same port (Parley: the same data dir); every client
 * comes back (Parley: after the retryMs its close reason names, resuming each room from its last
 * seq; the peers: at once, rejoining) and the rooms send again. The figure is SIGTERM → all back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '../client.ts';
import { closeAll, drain, openClients, until } from '../load.ts';
import type { Scenario } from './types.ts';

const DEADLINE_MS = 120_000;

export const reconnectStorm: Scenario = {
  name: 'reconnect storm',
  rooms: (s) => Math.ceil(s.reconnect / s.reconnectRoom),
  async run(server, sizes, t, log) {
    const size = sizes.reconnectRoom;
    const rooms = Math.ceil(sizes.reconnect / size);
    const clients = await openClients(server, sizes.reconnect, t, (i) => `r${Math.floor(i / size)}`);
    const counters = new Array<number>(rooms).fill(0);
    const burst = (): void => {
      for (let r = 0; r < rooms; r++) {
        const members = Math.min(size, clients.length - r * size);
        for (let k = 0; k < sizes.reconnectMsgs; k++) {
          t.expected += members;
          clients[r * size]?.send(`r${r}`, counters[r]!++);
        }
      }
    };
    try {
      burst();
      await drain(t, 20_000);
      // Clients connected again with every room joined: a client dropped again (after it was back)
      // leaves the set until it is back once more, so "all back" means all at once.
      const back = new Set<Client>();
      let failed = 0;
      let drops = 0;
      const comeBack = async (c: Client, retryMs: number): Promise<void> => {
        back.delete(c);
        drops++;
        await sleep(retryMs);
        for (let tries = 0; ; tries++) {
          try {
            await c.connectAndJoin([...c.joined]);
            break;
          } catch {
            if (tries > 600) return void failed++;
            await sleep(100);
          }
        }
        back.add(c);
      };
      for (const c of clients) c.onDrop = (retryMs) => void comeBack(c, retryMs);
      const t0 = performance.now();
      await server.stop();
      await server.start();
      const restart = (performance.now() - t0) / 1000;
      const ok = await until(() => back.size + failed === clients.length, DEADLINE_MS);
      const secs = (performance.now() - t0) / 1000;
      const resets = clients.reduce((sum, c) => sum + c.resets, 0);
      burst();
      await drain(t, 20_000);
      log(
        `reconnect storm ${sizes.reconnect} clients in rooms of ${size}: all back in ${secs.toFixed(2)} s (server down and up again in ${restart.toFixed(2)} s)` +
          `${ok && failed === 0 ? '' : ` (${back.size} back, ${failed} failed)`}${server.kind === 'parley' ? `, ${resets} resets` : ''}` +
          `${drops > clients.length ? `, ${drops - clients.length} dropped again` : ''}`,
      );
      if (!ok || failed > 0) t.errors.push(`reconnect: ${back.size} of ${clients.length} back`);
      if (resets > 0) t.errors.push(`reconnect: ${resets} joins answered reset`);
      return ok ? { reconnect: secs, restart } : { restart };
    } finally {
      closeAll(clients);
    }
  },
};
