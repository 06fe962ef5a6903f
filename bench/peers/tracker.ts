/**
 * Counts deliveries and checks that nothing was lost or duplicated: every body carries its sender
 * and a per-sender counter, so a receiver sees each sender's counters 0, 1, 2… exactly once
 * (Parley's clients also check each room's seqs: no gap, no repeat).
 */
export class Tracker {
  /** Deliveries the sends call for (each send: the size of its room, the sender included). */
  expected = 0;
  /** Distinct deliveries received. */
  delivered = 0;
  dups = 0;
  seqDups = 0;
  seqGaps = 0;
  readonly errors: string[] = [];
  /** Latency of every delivery of the current step, ms. */
  latencies: number[] = [];
  /** Per receiver × sender (a number key: no string built per delivery), the last counter seen. */
  private readonly last = new Map<number, number>();

  record(receiver: number, body: string): void {
    const a = body.indexOf(':');
    const b = body.indexOf(':', a + 1);
    const key = receiver * 16_384 + Number(body.slice(0, a)); // a small integer: clients < 16,384
    const count = Number(body.slice(a + 1, b));
    if (count <= (this.last.get(key) ?? -1)) {
      this.dups++;
      return;
    }
    this.last.set(key, count);
    this.delivered++;
    this.latencies.push(performance.now() - Number(body.slice(b + 1)) / 10);
  }

  get lost(): number {
    return this.expected - this.delivered;
  }

  /** Latency p50 and p99 of the current step (ms), and start a new step. */
  step(): { p50: number; p99: number } {
    // A typed array sorts numerically in native code, no comparator call per pair.
    const l = Float64Array.from(this.latencies).sort();
    const at = (p: number): number => (l.length === 0 ? 0 : (l[Math.min(l.length - 1, Math.floor(l.length * p))] ?? 0));
    const out = { p50: at(0.5), p99: at(0.99) };
    this.latencies = [];
    return out;
  }
}
