/** The test server harness: in process by default, a child process with `process: true`. */
import { createHook } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { RawClient } from './raw-client.ts';
import { startServer } from './server.ts';
import { waitUntil } from './wait.ts';

/** Async resources that are handles or timers (not promises or one-off requests). */
const HANDLE_OR_TIMER =
  /^(Timeout|Immediate|TCPWRAP|TCPSERVERWRAP|PIPEWRAP|PIPESERVERWRAP|UDPWRAP|TTYWRAP|PROCESSWRAP|SIGNALWRAP|FSEVENTWRAP|STATWATCHER|WORKER|MESSAGEPORT)$/;

/**
 * Handles and timers of the server still alive: created while recording from src/server code, or
 * from a callback of something that was (a listening socket from a deferred listen, an accepted
 * socket). Counted when they keep the event loop alive or repeat: what a stopped in-process
 * server would leave running in the test's process.
 */
function trackServerResources(): { stopRecording(): void; alive(): string[]; dispose(): void } {
  const fromServer = new Set<number>();
  const alive = new Map<number, { what: string; resource: object }>();
  let recording = true;
  const hook = createHook({
    init(id, type, trigger, resource) {
      if (!recording) return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 50;
      const frame = new Error().stack?.split('\n').find((line) => line.includes('/src/server/'));
      Error.stackTraceLimit = limit;
      const origin = frame?.trim() ?? (fromServer.has(trigger) ? '(from a callback of the server)' : undefined);
      if (!origin) return;
      fromServer.add(id);
      if (HANDLE_OR_TIMER.test(type)) alive.set(id, { what: `${type} ${origin}`, resource });
    },
    destroy(id) {
      alive.delete(id);
    },
  }).enable();
  // A one-shot unref'd timer ends by itself; a ref'd one, a repeating one or a handle does not.
  const running = (r: object): boolean => {
    const timer = r as { hasRef?: () => boolean; _repeat?: number | null };
    return typeof timer.hasRef !== 'function' || timer.hasRef() || (timer._repeat ?? null) !== null;
  };
  return {
    stopRecording: () => (recording = false),
    alive: () => [...alive.values()].filter((r) => running(r.resource)).map((r) => r.what),
    dispose: () => hook.disable(),
  };
}

describe('startServer in process', () => {
  it('serves on its port, keeps its log lines, and restarts on the same port and database', async () => {
    const server = await startServer({ args: ['--log-level', 'info'] });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.wsUrl).toBe(`ws://127.0.0.1:${server.port}/ws`);
      expect(existsSync(server.dataDir)).toBe(true);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(server.output()).toMatch(/"msg":"listening"/);
      const ada = await RawClient.connect(server.wsUrl, 'ada');
      await ada.request('joined', { type: 'join', id: 'j', room: 'general' });
      await ada.request('ack', { type: 'send', id: 's', room: 'general', kind: 'text', body: 'kept' });
      const closed = ada.closed;
      await server.restart();
      expect((await closed).code).toBe(1001);
      expect(server.output().match(/"msg":"listening"/g)).toHaveLength(2);
      const history = (await (await fetch(`${server.url}/api/rooms/general/history`)).json()) as {
        events: { body: string }[];
      };
      expect(history.events.map((e) => e.body)).toContain('kept');
    } finally {
      await server.dispose();
    }
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it('says that pid, kill and a killing restart need a process of its own', async () => {
    const server = await startServer();
    try {
      const needed = /startServer\(\{ process: true \}\) is needed for (pid|kill)/;
      expect(() => server.pid()).toThrow(needed);
      await expect(server.kill()).rejects.toThrow(needed);
      await expect(server.restart({ kill: true })).rejects.toThrow(needed);
      // Still serving: nothing was stopped.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.dispose();
    }
  });

  it('refuses a bad flag as the CLI would', async () => {
    await expect(startServer({ args: ['--no-such-flag', '1'] })).rejects.toThrow(/unknown option --no-such-flag/);
  });

  it('leaves no timer, socket or server behind once stopped, even with clients still connected', async () => {
    const tracked = trackServerResources();
    try {
      const server = await startServer({ args: ['--heartbeat-ms', '200', '--presence-grace-ms', '5000'] });
      const [ada, bo, cy] = await Promise.all([
        RawClient.connect(server.wsUrl, 'ada'),
        RawClient.connect(server.wsUrl, 'bo'),
        RawClient.connect(server.wsUrl, 'cy'),
      ]);
      const clients = [ada, bo, cy];
      for (const c of clients) await c.request('joined', { type: 'join', id: 'j', room: 'general' });
      // Something of everything a test does: typing, status, sends, search, accounts, an upload.
      ada.sendJson({ type: 'typing', room: 'general', on: true });
      bo.sendJson({ type: 'status', state: 'idle' });
      await bo.request('ack', { type: 'send', id: 's', room: 'general', kind: 'text', body: 'hi' });
      await cy.request('results', { type: 'search', id: 'q', q: 'hi' });
      const post = (path: string, body: unknown): Promise<Response> =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'Content-Type': 'application/json' },
        });
      expect((await post('/api/auth/register', { username: 'tracked', password: 'a long password' })).status).toBe(200);
      expect((await post('/api/auth/login', { username: 'tracked', password: 'not the password' })).status).toBe(401);
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fa0' } })
        .png()
        .toBuffer();
      const upload = await fetch(`${server.url}/api/rooms/general/files?name=a.png`, {
        method: 'POST',
        body: png,
        headers: { Authorization: `Session ${cy.welcome.session}`, 'Content-Type': 'image/png' },
      });
      expect(upload.status).toBe(201);
      await server.dispose();
      await Promise.all(clients.map((c) => c.closed));
      tracked.stopRecording();
      // Destroy hooks run on a later turn of the loop: wait for them, with a deadline.
      await waitUntil(() => tracked.alive().length === 0, { timeoutMs: 5_000, what: 'no server resource left' }).catch(
        () => expect(tracked.alive()).toEqual([]),
      );
    } finally {
      tracked.dispose();
    }
  });
});

describe('startServer({ process: true })', () => {
  it('runs `parley serve` as a child that can be killed and started again', async () => {
    const server = await startServer({ process: true });
    try {
      const first = server.pid();
      expect(first).toBeGreaterThan(0);
      expect(first).not.toBe(process.pid);
      expect(server.output()).toMatch(/running on http:\/\/localhost:\d+/);
      await server.restart({ kill: true });
      expect(server.pid()).not.toBe(first);
      expect(() => process.kill(first, 0)).toThrow();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.dispose();
    }
  });
});
