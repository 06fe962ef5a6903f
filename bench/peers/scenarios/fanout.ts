/** Fan-out: one room × N members, one sender; CPU per delivery at a fixed rate, then rising rates until p99 ≥ 100 ms. */
import { closeAll, drain, openClients, pace } from '../load.ts';
import type { Scenario } from './types.ts';
import { perDelivery } from './types.ts';

export const fanout: Scenario = {
  name: 'fan-out',
  rooms: () => 1,
  async run(server, sizes, t, log) {
    const members = sizes.fanMembers;
    const clients = await openClients(server, members, t, () => 'r0');
    const sender = clients[0];
    if (!sender) throw new Error('no clients');
    let n = 0;
    const sendOne = (): void => {
      t.expected += members;
      sender.send('r0', n++);
    };
    try {
      const cpu0 = server.cpuMs();
      const d0 = t.delivered;
      await pace(sizes.fanCpuRate, sizes.stepMs * 2, sendOne);
      await drain(t, 5000);
      const fanCpu = perDelivery(server.cpuMs() - cpu0, t.delivered - d0);
      const base = t.step();
      log(
        `fan-out ${members} members at ${sizes.fanCpuRate} msg/s: ${fanCpu.toFixed(1)} µs CPU per delivery, p99 ${base.p99.toFixed(0)} ms`,
      );
      let fanRate = 0;
      for (const rate of sizes.fanRates) {
        const cpu = server.cpuMs();
        const d = t.delivered;
        await pace(rate, sizes.stepMs, sendOne);
        const drained = await drain(t, 3000);
        const { p50, p99 } = t.step();
        const us = perDelivery(server.cpuMs() - cpu, t.delivered - d);
        log(
          `  ${rate} msg/s: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${us.toFixed(1)} µs/delivery${drained ? '' : ', not drained in 3 s'}`,
        );
        if (!drained || p99 >= 100) break;
        fanRate = rate;
      }
      await drain(t, 20_000);
      return { fanRate, fanCpu };
    } finally {
      closeAll(clients);
    }
  },
};
