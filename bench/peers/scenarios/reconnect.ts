/**
 * Reconnect storm: N clients in rooms, each room's first member sends a few messages; the server
 * gets SIGTERM and is started again on the same port (Parley: the same data dir); every client
 * comes back (Parley: after the retryMs its close reason names, resuming each room from its last
 * seq; the peers: at once, rejoining) and the rooms send again. The figure is SIGTERM → all back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../src/client/backoff.ts';
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
      /** When each client came back (ms, performance.now()): where the time goes, not just the end. */
      const backAt: number[] = [];
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
            if (tries > 60) return void failed++;
            // As the SDK does (full jitter): a fixed 100 ms made thousands of clients retry in
            // step while the server was down, then arrive in one burst that overflowed the
            // accept queue (SYNs dropped, retried 1 s, 3 s later): run-to-run 13–64 s.
            await sleep(backoffDelay(tries, DEFAULT_BACKOFF));
          }
        }
        back.add(c);
        backAt.push(performance.now());
      };
      for (const c of clients) c.onDrop = (retryMs) => void comeBack(c, retryMs);
      const t0 = performance.now();
      await server.stop();
      await server.start();
      const restart = (performance.now() - t0) / 1000;
      const ok = await until(() => back.size + failed === clients.length, DEADLINE_MS);
      const secs = (performance.now() - t0) / 1000;
      // The restarted server's own cost of taking everyone back: steadier than the wall time,
      // which the accept queue and the clients' backoff spread.
      const cpu = server.cpuMs() / 1000;
      const writes = server.writeCalls();
      const resets = clients.reduce((sum, c) => sum + c.resets, 0);
      backAt.sort((a, b) => a - b);
      const at = (q: number): string => (((backAt[Math.floor(q * (backAt.length - 1))] ?? t0) - t0) / 1000).toFixed(1);
      burst();
      await drain(t, 20_000);
      log(
        `reconnect storm ${sizes.reconnect} clients in rooms of ${size}: all back in ${secs.toFixed(2)} s (server down and up again in ${restart.toFixed(2)} s)` +
          `${ok && failed === 0 ? '' : ` (${back.size} back, ${failed} failed)`}${server.kind === 'parley' ? `, ${resets} resets` : ''}` +
          `${drops > clients.length ? `, ${drops - clients.length} dropped again` : ''}` +
          `; back by ${at(0.1)} / ${at(0.5)} / ${at(0.9)} / ${at(0.99)} s (10th / 50th / 90th / 99th percentile)` +
          `; the new server used ${cpu.toFixed(2)} s of CPU and ${writes.toLocaleString('en-US')} write syscalls (${((cpu * 1e6) / clients.length).toFixed(0)} µs and ${(writes / clients.length).toFixed(1)} per client)`,
      );
      if (!ok || failed > 0) t.errors.push(`reconnect: ${back.size} of ${clients.length} back`);
      if (resets > 0) t.errors.push(`reconnect: ${resets} joins answered reset`);
      return ok ? { reconnect: secs, restart } : { restart };
    } finally {
      closeAll(clients);
    }
  },
};
