/**
 * Rising rates until the p99 latency reaches 100 ms (or the deliveries do not drain): the highest
 * rate that held. A step that fails is run up to twice more before the climb stops, so a stall of a
 * shared machine (another process on the server's core) does not end it; saturation fails every time.
 */
import { drain, pace } from '../load.ts';
import type { ServerProc } from '../proc.ts';
import type { Tracker } from '../tracker.ts';
import { perDelivery } from './types.ts';

export const P99_LIMIT_MS = 100;
const ATTEMPTS = 3;

export async function climb(
  server: ServerProc,
  t: Tracker,
  rates: readonly number[],
  stepMs: number,
  /** Messages per second for one step at `rate`. */
  perSecond: (rate: number) => number,
  sendOne: (k: number) => void,
  log: (line: string) => void,
  unit: string,
): Promise<number> {
  let best = 0;
  for (const rate of rates) {
    let held = false;
    for (let attempt = 0; attempt < ATTEMPTS && !held; attempt++) {
      const cpu = server.cpuMs();
      const own = process.cpuUsage();
      const t0 = performance.now();
      const d = t.delivered;
      await pace(perSecond(rate), stepMs, sendOne);
      const drained = await drain(t, 3000);
      const wall = performance.now() - t0;
      const { p50, p99 } = t.step();
      const serverMs = server.cpuMs() - cpu;
      const ownUsage = process.cpuUsage(own);
      const ownMs = (ownUsage.user + ownUsage.system) / 1000;
      const us = perDelivery(serverMs, t.delivered - d);
      held = drained && p99 < P99_LIMIT_MS;
      // Which side is the bottleneck: a server below ~90 % while the step fails is not the limit.
      const busy = `server ${((100 * serverMs) / wall).toFixed(0)} %, load generator ${((100 * ownMs) / wall).toFixed(0)} % busy`;
      log(
        `  ${rate} ${unit}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${us.toFixed(1)} µs/delivery, ${busy}` +
          `${drained ? '' : ', not drained in 3 s'}${held ? '' : attempt < ATTEMPTS - 1 ? ' (failed; again)' : ' (failed)'}`,
      );
      if (!drained) await drain(t, 20_000);
    }
    if (!held) break;
    best = rate;
  }
  return best;
}

/** Send at `rate` for `ms` unmeasured (JIT and caches warm), then at the same rate measured: server CPU per delivery. */
export async function cpuAt(
  server: ServerProc,
  t: Tracker,
  perSecond: number,
  ms: number,
  sendOne: (k: number) => void,
): Promise<{ us: number; p99: number }> {
  await pace(perSecond, ms / 2, sendOne);
  await drain(t, 5000);
  t.step();
  const cpu0 = server.cpuMs();
  const d0 = t.delivered;
  await pace(perSecond, ms, sendOne);
  await drain(t, 5000);
  const us = perDelivery(server.cpuMs() - cpu0, t.delivered - d0);
  return { us, p99: t.step().p99 };
}
