/** Fan-out: one room × N members, one sender; CPU per delivery at a fixed rate, then rising rates until p99 ≥ 100 ms. */
import { closeAll, drain, openClients } from '../load.ts';
import { climb, cpuAt } from './climb.ts';
import type { Scenario } from './types.ts';

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
      const cpu = await cpuAt(server, t, sizes.fanCpuRate, sizes.stepMs * 2, sendOne);
      log(
        `fan-out ${members} members at ${sizes.fanCpuRate} msg/s: ${cpu.us.toFixed(1)} µs CPU per delivery, p99 ${cpu.p99.toFixed(0)} ms`,
      );
      const fanRate = await climb(server, t, sizes.fanRates, sizes.stepMs, (r) => r, sendOne, log, 'msg/s');
      await drain(t, 20_000);
      return { fanRate, fanCpu: cpu.us };
    } finally {
      closeAll(clients);
    }
  },
};
