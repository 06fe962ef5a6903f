/**
 * A join sent with a new guest's hello (before the welcome) writes in the same group commit as
 * the hello's session, and is answered only after the welcome; when the session write fails, the
 * join is not answered and the connection closes (handlers/hello.ts, gateway/connection.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, type ServerFrame, type UserRef } from '../../src/protocol/index.ts';
import type { NodeContext } from '../../src/server/core/node-context.ts';
import { dispatch } from '../../src/server/handlers/index.ts';
import type { AppendInput, Store } from '../../src/server/store/store.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { memoryNode } from '../support/memory-node.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { TestPort } from '../support/test-port.ts';
import { waitUntil } from '../support/wait.ts';

const kinds = (frames: readonly ServerFrame[]): string[] =>
  frames.flatMap((f) =>
    f.type === 'welcome' || f.type === 'joined' || f.type === 'pong' || f.type === 'ack' ? [f.type] : [],
  );

describe('hello and join sent together, through a socket', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.dispose());

  it('answers welcome, then every other frame in order, and the join is durable', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.sendJson({ type: 'hello', v: 1, nick: 'piper' });
    c.sendJson({ type: 'join', id: 'j', room: 'general' });
    c.sendJson({ type: 'ping', id: 'p' });
    c.sendJson({ type: 'send', id: 's', room: 'general', kind: 'text', body: 'first words' });
    const ack = await c.next('ack', (f) => f.id === 's');
    expect(kinds(c.frames)).toEqual(['welcome', 'joined', 'pong', 'ack']);
    const welcome = c.frames.find((f) => f.type === 'welcome');
    const joined = c.frames.find((f) => f.type === 'joined');
    expect(joined).toMatchObject({ id: 'j', reset: false, role: 'member' });
    // The join event and the message are in the log; the session resumes the same user.
    const again = await RawClient.connect(server.wsUrl, 'piper', welcome?.type === 'welcome' ? welcome.session : '');
    expect(again.welcome.user.id).toBe(welcome?.type === 'welcome' ? welcome.user.id : '');
    const history = await again.request('history', { type: 'history', id: 'h', room: 'general', after: 0 });
    const mine = history.events.filter((e) => e.sender.id === again.welcome.user.id);
    expect(mine.map((e) => [e.kind, e.seq])).toEqual([
      ['join', ack.seq - 1],
      ['text', ack.seq],
    ]);
    c.close();
    again.close();
  });

  // Found by test/property/stalled.test.ts: frames are checked as they arrive, the first hello
  // was still being handled, and a broken hello behind it was taken for a refused first hello.
  it('a broken hello behind a good one gets its error; the connection stays open', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.sendJson({ type: 'hello', v: 1, nick: 'pax' });
    c.sendRaw(JSON.stringify({ type: 'hello', id: 'h2', session: 'sessionsessionsession01' }));
    c.sendJson({ type: 'ping', id: 'p' });
    await c.next('pong', (f) => f.id === 'p');
    expect(kinds(c.frames)).toEqual(['welcome', 'pong']);
    expect(c.frames.filter((f) => f.type === 'error').map((f) => f.type === 'error' && f.code)).toEqual([
      'version_unsupported',
    ]);
    c.close();
  });
});

describe('hello and join sent together, through the port', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-hello-join-'));
  const real = new SqliteStore(dataDir);
  const calls: string[] = [];
  let failSessions = false;
  const store = new Proxy(real, {
    get(target, prop: keyof Store) {
      if (prop === 'createSession') {
        return (user: UserRef, token?: string) => {
          calls.push('session');
          const written = failSessions
            ? new Promise<string>((_, reject) => setImmediate(() => reject(new Error('disk full'))))
            : target.createSession(user, token);
          return written.finally(() => calls.push('session stored'));
        };
      }
      if (prop === 'append') {
        return (input: AppendInput) => {
          calls.push(`append ${input.kind}`);
          return target.append(input);
        };
      }
      const value = target[prop] as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as Store;
  let node: NodeContext;

  beforeAll(async () => {
    node = await memoryNode(store, dataDir, 'silent');
    await real.createRoom('lobby', 'lobby');
  });

  afterAll(async () => {
    await node.stop();
    await real.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('queues the join before the session is stored, and answers it after the welcome', async () => {
    calls.length = 0;
    const port = new TestPort(node.ctx);
    await dispatch(port, { type: 'hello', v: 1, nick: 'quinn' });
    const joining = dispatch(port, { type: 'join', id: 'j', room: 'lobby' });
    await joining;
    await waitUntil(() => port.frames.some((f) => f.type === 'joined'), { what: 'joined' });
    // The join's write was asked for while the session's was still waiting for its commit.
    expect(calls.slice(0, 3)).toEqual(['session', 'append join', 'session stored']);
    expect(port.frames.map((f) => f.type).slice(0, 2)).toEqual(['welcome', 'joined']);
    expect(await real.isMember('lobby', port.user!.id)).toBe(true);
  });

  it('does not answer the join when the session write fails, and closes', async () => {
    failSessions = true;
    try {
      const port = new TestPort(node.ctx);
      await dispatch(port, { type: 'hello', v: 1, nick: 'rory' });
      await dispatch(port, { type: 'join', id: 'j', room: 'lobby' });
      await waitUntil(() => port.closed, { what: 'the close' });
      expect(port.closed?.code).toBe(CLOSE.server_error);
      expect(port.frames.map((f) => f.type)).toEqual(['error']);
      expect(port.frames[0]).toMatchObject({ code: 'internal' });
      expect(port.rooms.size).toBe(0);
    } finally {
      failSessions = false;
    }
  });
});
