/** Many-to-many: R rooms × 10, every client sending at the same rate; CPU at a fixed rate, then rising rates. */
import { closeAll, drain, openClients } from '../load.ts';
import { climb, cpuAt } from './climb.ts';
import type { Scenario } from './types.ts';

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
      const cpu = await cpuAt(server, t, sizes.m2mCpuRate * total, sizes.stepMs * 2, sendOne);
      log(
        `many-to-many ${sizes.m2mRooms} × ${ROOM} at ${sizes.m2mCpuRate} msg/s each: ${cpu.us.toFixed(1)} µs CPU per delivery, p99 ${cpu.p99.toFixed(0)} ms`,
      );
      const m2mRate = await climb(
        server,
        t,
        sizes.m2mRates,
        sizes.stepMs,
        (r) => r * total,
        sendOne,
        log,
        'msg/s per client',
      );
      await drain(t, 20_000);
      return { m2mRate, m2mCpu: cpu.us };
    } finally {
      closeAll(clients);
    }
  },
};
