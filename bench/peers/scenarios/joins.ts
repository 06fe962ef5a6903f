/** Join storm: M connected clients join one room at once; the time until every one has its answer. */
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
      const t0 = performance.now();
      for (const c of clients) void c.join('r0').then(() => joined++);
      const ok = await until(() => joined === clients.length, DEADLINE_MS);
      const secs = (performance.now() - t0) / 1000;
      log(`join storm ${sizes.joins} clients: ${ok ? '' : `only ${joined} in `}${secs.toFixed(2)} s`);
      if (!ok) t.errors.push(`join storm: ${joined} of ${clients.length} joined in ${DEADLINE_MS / 1000} s`);
      return ok ? { joinStorm: secs } : {};
    } finally {
      closeAll(clients);
    }
  },
};
