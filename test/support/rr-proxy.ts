/**
 * A round-robin TCP proxy on 127.0.0.1, as a load balancer with no stickiness: each new
 * connection goes to the next target in turn; a target that refuses (a dead node) is skipped, so
 * the connection lands on the next live one. It can cut the connections of one target or all,
 * and shut (cut everything and refuse new connections) and open again: with one target it is
 * the switch between the nodes and a service (PostgreSQL, Redis) that a test cuts for a while.
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

interface Link {
  readonly client: Socket;
  upstream?: Socket;
  /** Index of the target the connection went to (set once the upstream connected). */
  target?: number;
}

export class RoundRobinProxy {
  readonly #server: Server;
  readonly #links = new Set<Link>();
  /** Which target each connection went to, by the client's port (the proxy's remote port). */
  readonly #byClientPort = new Map<number, number>();
  #targets: number[];
  #next = 0;
  #open = true;
  /** Connections forwarded to each target, by index. */
  readonly forwarded: number[];
  /** Connections closed at once: shut, or no target accepted them. */
  refused = 0;
  /** Upstream connection attempts that a target refused (each one skipped to the next). */
  skipped = 0;
  port = 0;

  private constructor(targets: readonly number[]) {
    this.#targets = [...targets];
    this.forwarded = targets.map(() => 0);
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Listens on 127.0.0.1, on a free port, in front of these target ports on 127.0.0.1. */
  static async start(targets: readonly number[]): Promise<RoundRobinProxy> {
    if (targets.length === 0) throw new Error('a round-robin proxy needs at least one target');
    const proxy = new RoundRobinProxy(targets);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.#server.address() as AddressInfo).port;
    return proxy;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Open proxied connections (per target index when given). */
  connections(target?: number): number {
    let n = 0;
    for (const l of this.#links) if (l.upstream && (target === undefined || l.target === target)) n++;
    return n;
  }

  /** The target index a connection from this client port went to; undefined when unknown. */
  targetOf(clientPort: number): number | undefined {
    return this.#byClientPort.get(clientPort);
  }

  #accept(client: Socket): void {
    client.on('error', () => undefined);
    if (!this.#open) {
      this.refused++;
      client.destroy();
      return;
    }
    // Nothing is read until an upstream is chosen: the first bytes wait in the socket.
    client.pause();
    const link: Link = { client };
    this.#links.add(link);
    const clientPort = client.remotePort;
    const drop = (): void => {
      this.#links.delete(link);
      if (clientPort !== undefined && this.#byClientPort.get(clientPort) === link.target) {
        this.#byClientPort.delete(clientPort);
      }
      client.destroy();
      link.upstream?.destroy();
    };
    client.once('close', drop);
    // A connection tries every target once, from its turn on. The shared counter still moves on
    // a skip (so the next connection does not pick the dead target again), but it only says where
    // to start: concurrent connections also move it, and following it could repeat a dead target.
    const first = this.#next++;
    const attempt = (tries: number): void => {
      if (client.destroyed) return;
      if (tries >= this.#targets.length || !this.#open) {
        this.refused++;
        drop();
        return;
      }
      if (tries > 0) this.#next++;
      const index = (first + tries) % this.#targets.length;
      const upstream = connect(this.#targets[index] as number, '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        if (client.destroyed || !this.#open) {
          upstream.destroy();
          drop();
          return;
        }
        link.upstream = upstream;
        link.target = index;
        this.forwarded[index] = (this.forwarded[index] ?? 0) + 1;
        if (clientPort !== undefined) this.#byClientPort.set(clientPort, index);
        upstream.once('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on('error', () => {
        if (connected) return; // 'close' follows and drops the link
        this.skipped++;
        upstream.destroy();
        attempt(tries + 1);
      });
    };
    attempt(0);
  }

  /** Replaces the targets (e.g. a node restarted on another port); open connections stay. */
  setTargets(targets: readonly number[]): void {
    if (targets.length === 0) throw new Error('a round-robin proxy needs at least one target');
    this.#targets = [...targets];
    while (this.forwarded.length < targets.length) this.forwarded.push(0);
  }

  /** Destroys the open connections to one target (by index), or all of them. */
  cut(target?: number): number {
    let n = 0;
    for (const l of [...this.#links]) {
      if (target !== undefined && l.target !== target) continue;
      n++;
      l.client.destroy();
      l.upstream?.destroy();
    }
    return n;
  }

  /** Cuts every connection and refuses new ones until open(). */
  shut(): void {
    this.#open = false;
    this.cut();
  }

  open(): void {
    this.#open = true;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  async close(): Promise<void> {
    this.shut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
