/**
 * Other users' traffic, checked while a test attacks the server: round after round on its own two
 * connections, a send must be acknowledged and its event must reach the reader, each within a
 * deadline. A failure is kept (never thrown) for the test to assert on.
 */
import type { RawClient } from './raw-client.ts';
import { withDeadline } from './wait.ts';

export interface CanaryOptions {
  /** The room both connections joined. */
  readonly room?: string;
  /** Per ack and per event. */
  readonly deadlineMs?: number;
  /** A pause between rounds (a behaviour, not a synchronisation); none by default. */
  readonly paceMs?: number;
}

export class Canary {
  rounds = 0;
  worstMs = 0;
  failure: unknown;
  #stop = false;
  readonly done: Promise<void>;

  constructor(
    readonly writer: RawClient,
    readonly reader: RawClient,
    readonly options: CanaryOptions = {},
  ) {
    this.done = this.#run();
  }

  async #run(): Promise<void> {
    const { room = 'canary', deadlineMs = 5_000, paceMs = 0 } = this.options;
    try {
      for (let i = 0; !this.#stop; i++) {
        const t0 = performance.now();
        const body = `still here ${i}`;
        const frame = { type: 'send', id: `canary-${i}`, room, kind: 'text', body };
        const ack = await withDeadline(this.writer.request('ack', frame), deadlineMs, `canary ack ${i}`);
        await this.reader.next('event', (e) => e.room === room && e.seq === ack.seq && e.body === body, deadlineMs);
        this.worstMs = Math.max(this.worstMs, performance.now() - t0);
        this.rounds++;
        if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
      }
    } catch (err) {
      this.failure = err;
    }
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.done;
  }
}
