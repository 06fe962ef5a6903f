/**
 * A TCP proxy for fault injection between clients and the server: it cuts, stalls and
 * half-opens connections, at random from a seed so a failing run can be replayed.
 * Listens on 127.0.0.1 only.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './seeded-random.ts';

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  /** While true, bytes in both directions are swallowed: the peers see a silent link. */
  blackholed: boolean;
}

export type Fault = 'cut' | 'stall' | 'halfopen';

export interface ChaosOptions {
  /** Milliseconds between faults, drawn uniformly from [min, max]. */
  everyMs: [number, number];
  /** Which faults to inject; default cut only. */
  faults?: Fault[];
  /** How long a stall lasts. */
  stallMs?: number;
}

export class ChaosProxy {
  readonly #server: Server;
  readonly #pairs = new Set<Pair>();
  readonly #random: () => number;
  #targetPort: number;
  #timer: NodeJS.Timeout | undefined;
  /** Counts of injected faults, for the report. */
  readonly injected: Record<Fault, number> = { cut: 0, stall: 0, halfopen: 0 };
  port = 0;

  private constructor(targetPort: number, seed: number) {
    this.#targetPort = targetPort;
    this.#random = seededRandom(seed);
    this.#server = createServer((client) => this.#accept(client));
  }

  static async start(targetPort: number, seed: number): Promise<ChaosProxy> {
    const proxy = new ChaosProxy(targetPort, seed);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.#server.address() as AddressInfo).port;
    return proxy;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get connections(): number {
    return this.#pairs.size;
  }

  #accept(client: Socket): void {
    const upstream = connect(this.#targetPort, '127.0.0.1');
    const pair: Pair = { client, upstream, blackholed: false };
    this.#pairs.add(pair);
    const forward = (from: Socket, to: Socket): void => {
      from.on('data', (chunk: Buffer) => {
        if (!pair.blackholed && !to.destroyed) to.write(chunk);
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    const end = (): void => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }

  /** Destroys every proxied connection at once. */
  cutAll(): void {
    for (const p of this.#pairs) p.client.destroy();
  }

  #pick(): Pair | undefined {
    const all = [...this.#pairs];
    return all[Math.floor(this.#random() * all.length)];
  }

  /** Injects one fault into one random connection. */
  inject(fault: Fault, stallMs = 500): void {
    const pair = this.#pick();
    if (!pair) return;
    this.injected[fault]++;
    switch (fault) {
      case 'cut':
        pair.client.destroy();
        break;
      case 'stall':
        pair.client.pause();
        pair.upstream.pause();
        setTimeout(() => {
          pair.client.resume();
          pair.upstream.resume();
        }, stallMs).unref();
        break;
      case 'halfopen':
        // The link goes silent without a FIN or RST: only heartbeats can notice.
        pair.blackholed = true;
        break;
    }
  }

  /** Starts injecting faults on a seeded schedule until stopChaos() or close(). */
  startChaos(options: ChaosOptions): void {
    const faults = options.faults ?? ['cut'];
    const [min, max] = options.everyMs;
    const next = (): void => {
      this.#timer = setTimeout(
        () => {
          const fault = faults[Math.floor(this.#random() * faults.length)] ?? 'cut';
          this.inject(fault, options.stallMs);
          next();
        },
        min + this.#random() * (max - min),
      );
    };
    next();
  }

  stopChaos(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Points new connections at another port (e.g. a restarted server). */
  retarget(port: number): void {
    this.#targetPort = port;
  }

  async close(): Promise<void> {
    this.stopChaos();
    this.cutAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
