/**
 * How big each scenario is. The default takes about 5 minutes on a 2-core machine;
 * `BENCH_SCALE=full` is the size (1,001 members, 100 rooms × 10, 10,000 idle…);
 * `BENCH_SCALE=tiny` is the smoke test's.
 */
export interface Sizes {
  /** Fan-out: members of the one room (the sender included), rising rates (msg/s), time per step. */
  fanMembers: number;
  fanRates: number[];
  /** Fan-out: the fixed rate at which server CPU per delivery is read. */
  fanCpuRate: number;
  /** Many-to-many: rooms of 10, rising per-client rates, the fixed per-client rate for CPU. */
  m2mRooms: number;
  m2mRates: number[];
  m2mCpuRate: number;
  stepMs: number;
  /** Idle connections, in rooms of 10. */
  idle: number;
  /** Clients joining one room at once. */
  joins: number;
  /** Reconnect storm: clients, room size, messages per room before and after the restart. */
  reconnect: number;
  reconnectRoom: number;
  reconnectMsgs: number;
}

const DEFAULT: Sizes = {
  fanMembers: 201,
  fanRates: [25, 50, 75, 100, 150, 200, 300, 400, 600, 800, 1200, 1600, 2400, 3200],
  fanCpuRate: 25,
  m2mRooms: 20,
  // Up to 3× the highest rate Socket.IO has reached here (48): the goal is measured, not capped.
  m2mRates: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 160],
  m2mCpuRate: 2,
  stepMs: 3000,
  idle: 1000,
  joins: 201,
  reconnect: 500,
  reconnectRoom: 10,
  reconnectMsgs: 5,
};

const FULL: Sizes = {
  ...DEFAULT,
  fanMembers: 1001,
  m2mRooms: 100,
  idle: 10_000,
  joins: 1001,
  reconnect: 10_000,
  reconnectRoom: 100,
};

const TINY: Sizes = {
  fanMembers: 5,
  fanRates: [20, 40],
  fanCpuRate: 20,
  m2mRooms: 2,
  m2mRates: [2],
  m2mCpuRate: 2,
  stepMs: 300,
  idle: 20,
  joins: 10,
  reconnect: 20,
  reconnectRoom: 10,
  reconnectMsgs: 2,
};

export function pickSizes(scale: string | undefined): Sizes {
  if (scale === 'full') return FULL;
  if (scale === 'tiny') return TINY;
  return DEFAULT;
}
