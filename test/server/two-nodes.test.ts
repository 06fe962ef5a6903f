/**
 * Two server nodes in one process on shared engines (one store, one in-memory bus, one presence,
 * one file storage, one set of limiters): a client on each chats with the other as if they shared one server.
 * Logout on one node closes the session's sockets on the other; status changes reach watchers on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, type AckFrame, type StatusFrame } from '../../src/protocol/index.ts';
import { MemoryBus } from '../../src/server/broker/memory-broker.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { createParleyServer, type ParleyServer } from '../../src/server/index.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { statusOf as upgradeOutcome, tryUpgrade } from '../security/upgrade.ts';
import { RawClient } from '../support/raw-client.ts';
import { withDeadline } from '../support/wait.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-two-nodes-'));
const store = new SqliteStore(dataDir);
const bus = new MemoryBus();
const presence = new MemoryPresence();
const files = new DiskStorage(join(dataDir, 'files'));
const limits = new MemoryLimiters();
const nodes: ParleyServer[] = [];
const urls: string[] = [];
const httpUrls: string[] = [];
/** Short enough for the tests to wait out; the same on both nodes. */
const GRACE_MS = 150;
const WINDOW_MS = 50;

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const node = createParleyServer({
      options: {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        webDir: null,
        logLevel: 'warn',
        tokenSecret: 'a'.repeat(32),
        presenceGraceMs: GRACE_MS,
        statusCoalesceMs: WINDOW_MS,
      },
      store,
      broker: bus.broker(),
      presence,
      files,
      limits,
    });
    const port = await node.listen();
    urls.push(`ws://127.0.0.1:${port}/ws`);
    httpUrls.push(`http://127.0.0.1:${port}`);
    nodes.push(node);
  }
});

afterAll(async () => {
  for (const node of nodes) await node.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function member(url: string, nick: string): Promise<RawClient> {
  const client = await RawClient.connect(url, nick);
  await client.request('joined', { type: 'join', id: `j-${nick}`, room: 'general' });
  return client;
}

async function post(node: number, path: string, body: unknown) {
  const res = await fetch(`${httpUrls[node] ?? ''}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The HTTP status of the upgrade with this token (101 when a socket opened). */
async function upgradeStatus(url: string, token: string): Promise<number> {
  return upgradeOutcome(await tryUpgrade(`${url}?token=${encodeURIComponent(token)}`));
}

const statusOf = (frames: readonly { type: string }[], nick: string) =>
  frames.flatMap((f) =>
    f.type === 'status' && !('id' in f && f.id !== undefined)
      ? (f as StatusFrame).users.filter((u) => u.user.nick === nick)
      : [],
  );

describe('two nodes on one shared store, bus and presence', () => {
  it('deliver each other’s messages once and in order, with typing and presence across nodes', async () => {
    const ada = await member(urls[0] ?? '', 'ada');
    const bob = await member(urls[1] ?? '', 'bob');
    // Bob's arrival on node 2 reaches Ada on node 1 as a log event and as presence.
    await ada.next('event', (e) => e.kind === 'join' && e.sender.nick === 'bob');
    await ada.onlineWhen('general', (nicks) => nicks.includes('bob'));

    const acks: AckFrame[] = [];
    for (let i = 1; i <= 5; i++) {
      acks.push(
        await ada.request('ack', { type: 'send', id: `a${i}`, room: 'general', kind: 'text', body: `from ada ${i}` }),
      );
    }
    const reply = await bob.request('ack', { type: 'send', id: 'b1', room: 'general', kind: 'text', body: 'hi ada' });
    await bob.next('event', (e) => e.seq === acks.at(-1)?.seq);
    await ada.next('event', (e) => e.seq === reply.seq);
    // The same log on both nodes: every seq once, ascending, no gap.
    expect(bob.texts('general')).toEqual([...acks.map((a) => a.seq), reply.seq]);
    expect(ada.texts('general')).toEqual([...acks.map((a) => a.seq), reply.seq]);

    // Typing is a signal over the bus: it crosses nodes too, and never comes back to its sender.
    bob.sendJson({ type: 'typing', room: 'general', on: true });
    const typing = await ada.next('typing', (t) => t.user.nick === 'bob');
    expect(typing.on).toBe(true);
    await bob.request('pong', { type: 'ping', id: 'p' });
    expect(bob.frames.some((f) => f.type === 'typing')).toBe(false);
    ada.close();
    bob.close();
  });

  it('claim a guest nickname once across nodes', async () => {
    const first = await RawClient.connect(urls[0] ?? '', 'carol');
    const second = await RawClient.open(urls[1] ?? '');
    second.sendJson({ type: 'hello', v: 1, nick: 'Carol' });
    expect((await second.next('error')).code).toBe('nick_taken');
    first.close();
    second.close();
  });

  it('close a session’s sockets on every node when it ends on one, and refuse its token there', async () => {
    const reg = await post(0, '/api/auth/register', { username: 'roamer', password: 'correct horse battery' });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const { accessToken, refreshToken } = reg.body as { accessToken: string; refreshToken: string };
    // Registered on node A, connected on node B.
    const onB = await RawClient.connect(`${urls[1] ?? ''}?token=${encodeURIComponent(accessToken)}`, 'ignored');
    expect(onB.welcome.user.nick).toBe('roamer');

    expect((await post(0, '/api/auth/logout', { refreshToken })).status).toBe(200);
    expect((await withDeadline(onB.closed, 5_000, 'socket close')).code).toBe(CLOSE.session_revoked);
    expect(await upgradeStatus(urls[1] ?? '', accessToken)).toBe(401);
    expect(await upgradeStatus(urls[0] ?? '', accessToken)).toBe(401);
  });

  it('tell a watcher on the other node that a user went away and offline, once each', async () => {
    const watcher = await member(urls[1] ?? '', 'wendy');
    const dora = await member(urls[0] ?? '', 'dora');
    // Now they share a room: Dora's changes on node A reach Wendy on node B.
    dora.sendJson({ type: 'status', state: 'idle' });
    const away = await watcher.next('status', (f) => f.users.some((u) => u.user.nick === 'dora'));
    expect(away.users.find((u) => u.user.nick === 'dora')?.state).toBe('away');

    dora.close();
    const offline = await watcher.next('status', (f) =>
      f.users.some((u) => u.user.nick === 'dora' && u.state === 'offline'),
    );
    expect(offline.users.find((u) => u.user.nick === 'dora')?.lastSeen).toEqual(expect.any(Number));
    // Past another window: no copy of either change arrives from the other node.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS * 3));
    expect(statusOf(watcher.frames, 'dora').map((u) => u.state)).toEqual(['away', 'offline']);
    watcher.close();
  });
});
