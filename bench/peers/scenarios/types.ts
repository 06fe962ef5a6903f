import type { ServerProc } from '../proc.ts';
import type { Sizes } from '../sizes.ts';
import type { Tracker } from '../tracker.ts';

/** The figures of the table, one row each (see table.ts). */
export type Metric =
  | 'fanRate'
  | 'fanCpu'
  | 'm2mRate'
  | 'm2mCpu'
  | 'idleKiB'
  | 'connectRate'
  | 'connectCpu'
  | 'joinStorm'
  | 'reconnect'
  | 'restart';

export type Figures = Partial<Record<Metric, number>>;

export interface Scenario {
  readonly name: string;
  /** Rooms the server must have (Parley creates them at start: --default-rooms). */
  rooms(sizes: Sizes): number;
  run(server: ServerProc, sizes: Sizes, tracker: Tracker, log: (line: string) => void): Promise<Figures>;
}

/** Server CPU per delivery in µs over a span. */
export function perDelivery(cpuMs: number, deliveries: number): number {
  return deliveries > 0 ? (cpuMs * 1000) / deliveries : NaN;
}
