/**
 * The load generator's moves, shared by the scenarios: open clients (bounded concurrency), send at
 * a fixed rate for a fixed time, wait for the deliveries with a deadline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from './client.ts';
import type { ServerProc } from './proc.ts';
import type { Tracker } from './tracker.ts';

const CONCURRENCY = 64;

/** Open `n` clients (indices from `first`), each joining `roomOf(i)` when given; at most 64 at a time. */
export async function openClients(
  server: ServerProc,
  n: number,
  tracker: Tracker,
  roomOf: ((i: number) => string) | null,
  first = 0,
): Promise<Client[]> {
  const clients: Client[] = new Array<Client>(n);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const c = new Client(server.kind, server.port, first + i, tracker);
      if (roomOf) await c.connectAndJoin([roomOf(first + i)]);
      else await c.open();
      clients[i] = c;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
  return clients;
}

/** Call `tick(k)` `rate` times a second for `ms`, evenly (checked every 5 ms). */
export async function pace(rate: number, ms: number, tick: (k: number) => void): Promise<number> {
  const t0 = performance.now();
  let done = 0;
  for (;;) {
    const elapsed = Math.min(ms, performance.now() - t0);
    const due = Math.floor((elapsed * rate) / 1000);
    while (done < due) tick(done++);
    if (elapsed >= ms) return done;
    await sleep(5);
  }
}

/** Resolve once `cond()` holds, checking every 10 ms; false at the deadline. */
export async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) return false;
    await sleep(10);
  }
  return true;
}

/** Wait for every expected delivery (false if some are still missing after `ms`). */
export function drain(tracker: Tracker, ms: number): Promise<boolean> {
  return until(() => tracker.delivered >= tracker.expected, ms);
}

export function closeAll(clients: readonly (Client | undefined)[]): void {
  for (const c of clients) c?.close();
}
