/** Join storm: M connected clients join one room at once; the time until every one has its answer. */
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, openClients, until } from '../load.ts';
import type { Scenario } from './types.ts';

const DEADLINE_MS = 60_000;

export const joinStorm: Scenario = {
  name: 'join storm',
  rooms: () => 1,
  async run(server, sizes, t, log) {
    const clients = await openClients(server, sizes.joins, t, null);
    try {
      let joined = 0;
      const cpu0 = server.cpuMs();
      const t0 = performance.now();
      for (const c of clients) void c.join('r0').then(() => joined++);
      const ok = await until(() => joined === clients.length, DEADLINE_MS);
      const secs = (performance.now() - t0) / 1000;
      const cpu = server.cpuMs() - cpu0;
      // What the joins cost the server, the presence and join fan-out that trails the answers included.
      await sleep(1000);
      const settled = server.cpuMs() - cpu0;
      log(
        `join storm ${sizes.joins} clients: ${ok ? '' : `only ${joined} in `}${secs.toFixed(2)} s; ` +
          `server CPU ${cpu.toFixed(0)} ms to the last answer, ${settled.toFixed(0)} ms 1 s after`,
      );
      if (!ok) t.errors.push(`join storm: ${joined} of ${clients.length} joined in ${DEADLINE_MS / 1000} s`);
      return ok ? { joinStorm: secs } : {};
    } finally {
      closeAll(clients);
    }
  },
};
