/**
 * npm run bench: a fan-out micro-benchmark and an end-to-end loopback run; `npm run bench -- --engines`
 * compares one node on SQLite with one and two on PostgreSQL + Redis (engines.ts).
 * Bounded in count and time; targets 127.0.0.1 only. Results go to stdout; keep notable ones in bench/RESULTS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ServerFrame } from '../src/protocol/index.ts';
import { createParleyServer } from '../src/server/index.ts';
import { prepareFrame } from '../src/server/gateway/wire.ts';

const SUBSCRIBERS = Number(process.env['BENCH_SUBSCRIBERS'] ?? 200);
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 2000);
const WINDOW = 50;

function microFanout(): void {
  const event = {
    type: 'event',
    room: 'general',
    seq: 123456,
    id: 'Uakgb_J5m9g-0JDMbcJqL',
    cid: 'm-7f3a9c',
    sender: { id: 'V1StGXR8_Z5jdHi6B-myT', nick: 'ada' },
    kind: 'text',
    body: 'The quick brown fox jumps over the lazy dog. '.repeat(3),
    ts: Date.now(),
  };
  const recipients = 1000;
  const rounds = 200;
  const time = (fn: () => void): number => {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  let sink = 0;
  const perRecipient = time(() => {
    for (let i = 0; i < recipients; i++) sink += Buffer.from(JSON.stringify(event)).length;
  });
  const once = time(() => {
    const p = prepareFrame(JSON.stringify(event));
    for (let i = 0; i < recipients; i++) sink += p.frame.length;
  });
  console.log(
    `fan-out encode, ${recipients} recipients × ${rounds} events: per-recipient stringify ${perRecipient.toFixed(1)} ms, ` +
      `encode once ${once.toFixed(1)} ms (${(perRecipient / once).toFixed(0)}× less) [${sink > 0 ? 'ok' : ''}]`,
  );
}

async function endToEnd(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const server = createParleyServer({
    options: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      webDir: null,
      logLevel: 'warn',
      // Every client comes from 127.0.0.1 and one sender pushes as fast as acks allow: the abuse
      // limits would measure themselves, not the fan-out.
      ipConnectsPerSec: 100_000,
      ipConnectsBurst: 100_000,
      maxConnectionsPerIp: 100_000,
      connFramesPerSec: 100_000,
      connFramesBurst: 100_000,
      connWritesPerSec: 100_000,
      connWritesBurst: 100_000,
      userWritesPerSec: 100_000,
      userWritesBurst: 100_000,
    },
  });
  const port = await server.listen();
  const url = `ws://127.0.0.1:${port}/ws`;
  const open = async (nick: string): Promise<WebSocket> => {
    const ws = new WebSocket(url);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', v: 1, nick }));
    ws.send(JSON.stringify({ type: 'join', id: 'j', room: 'general' }));
    await new Promise<void>((resolve) => {
      const on = (d: WebSocket.RawData): void => {
        if ((JSON.parse(String(d)) as ServerFrame).type === 'joined') {
          ws.off('message', on);
          resolve();
        }
      };
      ws.on('message', on);
    });
    return ws;
  };
  const subs = await Promise.all(Array.from({ length: SUBSCRIBERS }, (_, i) => open(`sub${i}`)));
  const latencies: number[] = [];
  let delivered = 0;
  const allDone = new Promise<void>((resolve) => {
    for (const ws of subs) {
      ws.on('message', (d) => {
        const f = JSON.parse(String(d)) as ServerFrame;
        // Only the messages sent: the subscribers' own join events are not deliveries of the run.
        if (f.type !== 'event' || f.kind !== 'text') return;
        delivered++;
        if (ws === subs[0]) latencies.push(Date.now() - Number(f.body.split(' ')[0]));
        if (delivered === SUBSCRIBERS * MESSAGES) resolve();
      });
    }
  });
  const sender = await open('sender');
  let acked = 0;
  let sent = 0;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const pump = (): void => {
    while (sent < MESSAGES && sent - acked < WINDOW) {
      sender.send(
        JSON.stringify({ type: 'send', id: `b${sent}`, room: 'general', kind: 'text', body: `${Date.now()} x` }),
      );
      sent++;
    }
  };
  sender.on('message', (d) => {
    if ((JSON.parse(String(d)) as ServerFrame).type === 'ack') {
      acked++;
      pump();
    }
  });
  pump();
  await allDone;
  const ms = Date.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  console.log(
    `end-to-end: ${MESSAGES} messages × ${SUBSCRIBERS} subscribers = ${delivered} deliveries in ${ms} ms ` +
      `(${Math.round((delivered / ms) * 1000)} deliveries/s, ${Math.round((MESSAGES / ms) * 1000)} durable messages/s); ` +
      `latency p50 ${pct(0.5)} ms p99 ${pct(0.99)} ms; process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms ` +
      `(server and clients share this process); RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
  for (const ws of [...subs, sender]) ws.terminate();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}

if (process.argv.includes('--peers')) {
  // Parley against Socket.IO and a plain framed-once ws server, each in its own process (bench/peers/).
  await import('./peers/run.ts');
} else if (process.argv.includes('--engines')) {
  // One node on SQLite, one and two on PostgreSQL + Redis (bench/engines.ts).
  await import('./engines.ts');
} else {
  microFanout();
  await endToEnd();
}
