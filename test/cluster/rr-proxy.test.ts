/**
 * The round-robin proxy the cluster suite puts in front of its nodes: each new connection goes
 * to the next target, a target that refuses is skipped, cut / shut / open do what they say.
 * Targets are tiny TCP servers that answer with their own name.
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RoundRobinProxy } from '../support/rr-proxy.ts';
import { waitUntil } from '../support/wait.ts';

const servers: Server[] = [];
const sockets: Socket[] = [];
let proxy: RoundRobinProxy | undefined;

/** A target that writes its name to each connection, then echoes. */
async function target(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.write(`${name}\n`);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, server };
}

/** Connects through the proxy; resolves with the first line (the target's name) and the socket. */
function dial(port: number): Promise<{ name: string; socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) resolve({ name: text.slice(0, nl), socket, closed });
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before a name')));
  });
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await proxy?.close();
  proxy = undefined;
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

describe('round-robin proxy', () => {
  it('sends each new connection to the next target and knows which one by the client port', async () => {
    const targets = await Promise.all(['a', 'b', 'c'].map(target));
    proxy = await RoundRobinProxy.start(targets.map((t) => t.port));
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { name, socket } = await dial(proxy.port);
      names.push(name);
      expect(proxy.targetOf(socket.localPort ?? 0)).toBe(['a', 'b', 'c'].indexOf(name));
    }
    expect(names).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(proxy.forwarded).toEqual([2, 2, 2]);
    expect(proxy.connections()).toBe(6);
    expect(proxy.connections(1)).toBe(2);
  });

  it('skips a target that refuses and forwards bytes both ways', async () => {
    const targets = await Promise.all(['a', 'b', 'c'].map(target));
    proxy = await RoundRobinProxy.start(targets.map((t) => t.port));
    await new Promise<void>((r) => targets[1]?.server.close(() => r()));
    const names: string[] = [];
    for (let i = 0; i < 4; i++) names.push((await dial(proxy.port)).name);
    expect(names).toEqual(['a', 'c', 'a', 'c']);
    expect(proxy.skipped).toBe(2);

    const { socket } = await dial(proxy.port);
    let echoed = '';
    socket.on('data', (d: Buffer) => (echoed += d.toString()));
    socket.write('ping\n');
    await waitUntil(() => echoed.includes('ping'), { timeoutMs: 5_000, what: 'the echo' });
  });

  it('tries each target once per connection, however many connect at the same time', async () => {
    // Two targets, as in the cluster suite: a second visit to the closed one exhausts the tries.
    const targets = await Promise.all(['a', 'b'].map(target));
    proxy = await RoundRobinProxy.start(targets.map((t) => t.port));
    await new Promise<void>((r) => targets[0]?.server.close(() => r()));
    // Connections arriving together move the shared counter between one's refusal and its retry;
    // a retry that followed the counter could land on the closed target again and be refused.
    const dialled = await Promise.all(Array.from({ length: 30 }, () => dial(proxy?.port ?? 0)));
    expect(dialled.map((d) => d.name).filter((name) => name === 'a')).toEqual([]);
    expect(proxy.refused).toBe(0);
  });

  it('cuts one target, shuts (cuts all, refuses new) and opens again', async () => {
    const targets = await Promise.all(['a', 'b'].map(target));
    proxy = await RoundRobinProxy.start(targets.map((t) => t.port));
    const first = await dial(proxy.port);
    const second = await dial(proxy.port);
    expect(proxy.cut(0)).toBe(1);
    await first.closed;
    expect(second.socket.destroyed).toBe(false);

    proxy.shut();
    await second.closed;
    const refused = connect(proxy.port, '127.0.0.1');
    sockets.push(refused);
    refused.on('error', () => undefined);
    await new Promise<void>((r) => refused.once('close', () => r()));
    expect(proxy.refused).toBe(1);

    proxy.open();
    expect((await dial(proxy.port)).name).toBe('a');
  });

  it('closes a connection no target accepts', async () => {
    const t = await target('a');
    proxy = await RoundRobinProxy.start([t.port]);
    await new Promise<void>((r) => t.server.close(() => r()));
    const s = connect(proxy.port, '127.0.0.1');
    sockets.push(s);
    s.on('error', () => undefined);
    await new Promise<void>((r) => s.once('close', () => r()));
    expect(proxy.refused).toBe(1);
  });
});
