/** Many-to-many: R rooms × 10, every client sending at the same rate; CPU at a fixed rate, then rising rates. */
import { closeAll, drain, openClients, pace } from '../load.ts';
import type { Scenario } from './types.ts';
import { perDelivery } from './types.ts';

const ROOM = 10;

export const manyToMany: Scenario = {
  name: 'many-to-many',
  rooms: (s) => s.m2mRooms,
  async run(server, sizes, t, log) {
    const total = sizes.m2mRooms * ROOM;
    const clients = await openClients(server, total, t, (i) => `r${Math.floor(i / ROOM)}`);
    const counters = new Array<number>(total).fill(0);
    const sendOne = (k: number): void => {
      const i = k % total;
      t.expected += ROOM;
      clients[i]?.send(`r${Math.floor(i / ROOM)}`, counters[i]!++);
    };
    try {
      const cpu0 = server.cpuMs();
      const d0 = t.delivered;
      await pace(sizes.m2mCpuRate * total, sizes.stepMs * 2, sendOne);
      await drain(t, 5000);
      const m2mCpu = perDelivery(server.cpuMs() - cpu0, t.delivered - d0);
      const base = t.step();
      log(
        `many-to-many ${sizes.m2mRooms} × ${ROOM} at ${sizes.m2mCpuRate} msg/s each: ${m2mCpu.toFixed(1)} µs CPU per delivery, p99 ${base.p99.toFixed(0)} ms`,
      );
      let m2mRate = 0;
      for (const rate of sizes.m2mRates) {
        const cpu = server.cpuMs();
        const d = t.delivered;
        await pace(rate * total, sizes.stepMs, sendOne);
        const drained = await drain(t, 3000);
        const { p50, p99 } = t.step();
        const us = perDelivery(server.cpuMs() - cpu, t.delivered - d);
        log(
          `  ${rate} msg/s per client: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${us.toFixed(1)} µs/delivery${drained ? '' : ', not drained in 3 s'}`,
        );
        if (!drained || p99 >= 100) break;
        m2mRate = rate;
      }
      await drain(t, 20_000);
      return { m2mRate, m2mCpu };
    } finally {
      closeAll(clients);
    }
  },
};
