/** Idle: K connections in rooms of 10: connect rate, server CPU per connection, then RSS per connection. */
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, openClients } from '../load.ts';
import type { Scenario } from './types.ts';

export const idle: Scenario = {
  name: 'idle',
  rooms: (s) => Math.ceil(s.idle / 10),
  async run(server, sizes, t, log) {
    await sleep(1000);
    const rss0 = server.rssKiB();
    const cpu0 = server.cpuMs();
    const t0 = performance.now();
    const clients = await openClients(server, sizes.idle, t, (i) => `r${Math.floor(i / 10)}`);
    const secs = (performance.now() - t0) / 1000;
    const connectCpu = ((server.cpuMs() - cpu0) * 1000) / sizes.idle;
    try {
      await sleep(2000);
      const idleKiB = (server.rssKiB() - rss0) / sizes.idle;
      const connectRate = sizes.idle / secs;
      log(
        `idle ${sizes.idle}: connect + join ${connectRate.toFixed(0)}/s, ${connectCpu.toFixed(0)} µs CPU each; ` +
          `RSS ${(rss0 / 1024).toFixed(0)} → ${(server.rssKiB() / 1024).toFixed(0)} MiB, ${idleKiB.toFixed(1)} KiB per connection`,
      );
      return { idleKiB, connectRate, connectCpu };
    } finally {
      closeAll(clients);
    }
  },
};
