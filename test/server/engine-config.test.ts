/**
 * Choosing the engines from options: the defaults stay SQLite + in-process; `--store postgres://…`
 * `--broker redis://…` give nodes that share one chat (and its files); a multi-node configuration
 * without a shared token secret is refused. The parts needing PostgreSQL and Redis skip with a
 * printed reason when those do not answer.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../src/server/broker/memory-broker.ts';
import { filesEngine, resolveEngines, sqliteInWorker } from '../../src/server/engines.ts';
import { DiskStorage } from '../../src/server/files/disk-storage.ts';
import { helpText, resolveOptions } from '../../src/server/index.ts';
import { MemoryLimiters } from '../../src/server/limits/memory-limiter.ts';
import { MemoryPresence } from '../../src/server/presence/memory-presence.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { SqliteWorkerStore } from '../../src/server/store/sqlite/worker-store.ts';
import { inState, makeClient, roomName, waitUntil } from '../client/helpers.ts';
import { PARLEY_CLI } from '../support/parley-cli.ts';
import { startServer, type TestServer } from '../support/server.ts';
import {
  createTestDatabase,
  hasPostgres,
  hasRedis,
  REDIS_URL,
  dropRedisPrefix,
  redisTestPrefix,
  type TestDatabase,
} from '../support/services.ts';
import { withDeadline } from '../support/wait.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const SECRET = 'engine-config-secret-'.padEnd(40, 'x');
const PG_URL = 'postgres://parley:hunter2@127.0.0.1:5432/parley';

/** `parley serve …` as a child: its exit code and what it printed. */
function serve(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [...PARLEY_CLI, 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, PARLEY_TOKEN_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, out, err })),
  );
  return withDeadline(exited, 20_000, 'parley serve exit').finally(() => child.kill('SIGKILL'));
}

describe('engine options', () => {
  it('default to SQLite under --data-dir and the in-process broker, presence, limits and disk', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-engines-'));
    const options = resolveOptions(['--data-dir', dataDir]);
    expect(options).toMatchObject({ store: 'sqlite', broker: 'memory', redisPrefix: 'parley:', files: 'auto' });
    expect(filesEngine(options)).toBe('disk');
    const { engines, owned } = resolveEngines(options, {}, 'n1');
    try {
      expect(options.sqliteWorker).toBe('auto');
      expect(engines.store).toBeInstanceOf(availableParallelism() > 1 ? SqliteWorkerStore : SqliteStore);
      expect(engines.broker).toBeInstanceOf(MemoryBroker);
      expect(engines.presence).toBeInstanceOf(MemoryPresence);
      expect(engines.files).toBeInstanceOf(DiskStorage);
      expect(engines.limits).toBeInstanceOf(MemoryLimiters);
    } finally {
      for (const engine of [...owned].reverse()) await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('--sqlite-worker off writes SQLite on the main thread (auto: with one core), and a node so configured chats', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-engines-'));
    const { engines, owned } = resolveEngines(
      resolveOptions(['--data-dir', dataDir, '--sqlite-worker', 'off']),
      {},
      'n1',
    );
    try {
      expect(engines.store).toBeInstanceOf(SqliteStore);
      expect(engines.store).not.toBeInstanceOf(SqliteWorkerStore);
      // auto: a worker only with a second core to run it on.
      expect(sqliteInWorker({ sqliteWorker: 'auto' }, 1)).toBe(false);
      expect(sqliteInWorker({ sqliteWorker: 'auto' }, 2)).toBe(true);
      expect(sqliteInWorker({ sqliteWorker: 'on' }, 1)).toBe(true);
      expect(sqliteInWorker({ sqliteWorker: 'off' }, 8)).toBe(false);
    } finally {
      for (const engine of [...owned].reverse()) await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const server = await startServer({ args: ['--sqlite-worker', 'off'] });
    try {
      const ada = makeClient(server.wsUrl, 'ada');
      const ben = makeClient(server.wsUrl, 'ben');
      await Promise.all([inState(ada, 'connected'), inState(ben, 'connected')]);
      const room = roomName('main-thread');
      await ada.createRoom(room);
      await Promise.all([ada.join(room), ben.join(room)]);
      const ack = await ada.send(room, 'written on the main thread');
      await waitUntil(() => ben.seen.room(room).some((e) => e.seq === ack.seq), { what: 'the message on ben' });
    } finally {
      await server.dispose();
    }
  });

  it('a node with no engine flags still chats', async () => {
    const server = await startServer();
    try {
      const ada = makeClient(server.wsUrl, 'ada');
      const ben = makeClient(server.wsUrl, 'ben');
      await Promise.all([inState(ada, 'connected'), inState(ben, 'connected')]);
      const room = roomName('cfg');
      await ada.createRoom(room);
      await Promise.all([ada.join(room), ben.join(room)]);
      const ack = await ada.send(room, 'on sqlite');
      await waitUntil(() => ben.seen.room(room).some((e) => e.seq === ack.seq), { what: 'the message on ben' });
    } finally {
      await server.dispose();
    }
  });

  it('refuse a multi-node configuration without a token secret, saying why', () => {
    for (const args of [
      ['--store', PG_URL],
      ['--broker', 'redis://127.0.0.1:6379'],
    ]) {
      expect(() => resolveOptions(args)).toThrow(/multi-node configuration .* needs --token-secret/);
      expect(resolveOptions([...args, '--token-secret', SECRET]).tokenSecret).toBe(SECRET);
    }
    expect(() => resolveOptions([], { PARLEY_STORE: PG_URL })).toThrow(/needs --token-secret/);
    expect(resolveOptions([], { PARLEY_STORE: PG_URL, PARLEY_TOKEN_SECRET: SECRET }).store).toBe(PG_URL);
  });

  it('check the engine values, never echoing a URL (it may hold a password)', () => {
    const bad = (args: string[]): string => {
      try {
        resolveOptions([...args, '--token-secret', SECRET]);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error(`${args.join(' ')} was accepted`);
    };
    expect(bad(['--store', 'mysql://u:hunter2@db/x'])).toMatch(/--store: expected sqlite or a postgres:\/\/… /);
    expect(bad(['--store', 'mysql://u:hunter2@db/x'])).not.toContain('hunter2');
    expect(bad(['--broker', 'http://127.0.0.1:6379'])).toMatch(/--broker: expected memory or a redis:\/\/…/);
    expect(bad(['--files', 'postgres'])).toMatch(/--files postgres needs a PostgreSQL --store/);
    expect(bad(['--redis-prefix', ''])).toMatch(/redisPrefix/);
    const options = resolveOptions(['--store', PG_URL, '--token-secret', SECRET]);
    expect(filesEngine(options)).toBe('postgres');
    expect(filesEngine({ ...options, files: 'disk' })).toBe('disk');
  });

  it('parley serve exits 2 on a multi-node configuration without a secret; --help shows the engine flags', async () => {
    const refused = await serve(['--store', PG_URL, '--port', '0', '--web-dir', 'none']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('needs --token-secret');
    expect(refused.err).not.toContain('hunter2');
    const help = await serve(['--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--store <v>', '--broker <v>', '--redis-prefix <v>', '--files <v>']) {
      expect(help.out).toContain(flag);
      expect(helpText()).toContain(flag);
    }
  });
});

const services = (await hasPostgres('engine config')) && (await hasRedis('engine config'));

describe.skipIf(!services)('nodes on --store postgres://… --broker redis://…', () => {
  let database: TestDatabase;
  const prefix = redisTestPrefix();
  const servers: TestServer[] = [];
  const args = (): string[] => [
    '--store',
    database.url,
    '--broker',
    REDIS_URL,
    '--redis-prefix',
    prefix,
    '--token-secret',
    SECRET,
  ];

  beforeAll(async () => {
    database = await createTestDatabase('parley_cfg');
  });

  afterAll(async () => {
    for (const server of servers) await server.dispose();
    await database?.drop();
    await dropRedisPrefix(prefix);
  });

  it('two nodes share one chat and its files', async () => {
    const [a, b] = await Promise.all(
      ['cfg-a', 'cfg-b'].map((id) => startServer({ args: [...args(), '--node-id', id] })),
    );
    servers.push(a as TestServer, b as TestServer);
    const ada = makeClient(a?.wsUrl ?? '', 'ada');
    const ben = makeClient(b?.wsUrl ?? '', 'ben');
    await Promise.all([inState(ada, 'connected'), inState(ben, 'connected')]);
    const room = roomName('cluster');
    await ada.createRoom(room);
    await ada.join(room);
    await ben.join(room);
    const hello = await ada.send(room, 'hello from node a');
    await waitUntil(() => ben.seen.room(room).some((e) => e.seq === hello.seq), { what: 'ada’s message on node b' });
    const reply = await ben.send(room, 'hello from node b');
    await waitUntil(() => ada.seen.room(room).some((e) => e.seq === reply.seq), { what: 'ben’s reply on node a' });
    // Ben joined after Ada: from his join on, both saw the same seqs.
    const onBen = ben.seen.room(room).map((e) => e.seq);
    expect(onBen.length).toBeGreaterThanOrEqual(2);
    expect(
      ada.seen
        .room(room)
        .map((e) => e.seq)
        .slice(-onBen.length),
    ).toEqual(onBen);

    // Uploaded through node a (several chunks), downloaded through node b.
    const bytes = new TextEncoder().encode('a shared file line\n'.repeat(30_000));
    const ref = await ada.upload(room, bytes, { name: 'notes.txt' });
    const links = await ben.fileLinks(ref.id);
    expect(links.url.startsWith(b?.url ?? '-')).toBe(true);
    const res = await fetch(links.url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a node logs its id in every line, and the store URL without its password', async () => {
    const url = new URL(database.url);
    url.password = 'hunter2'; // trust auth: the password is not checked, only logged
    const node = await startServer({
      process: true,
      args: [...args(), '--store', url.toString(), '--node-id', 'cfg-c', '--log-level', 'info'],
    });
    servers.push(node);
    await node.stop();
    const lines = node
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length, node.output()).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatchObject({ service: 'parley', node: 'cfg-c' });
    const config = lines.find((l) => l['msg'] === 'effective configuration')?.['config'] as Record<string, unknown>;
    expect(config).toMatchObject({ nodeId: 'cfg-c', broker: REDIS_URL, tokenSecret: '[redacted]' });
    expect(String(config['store'])).toContain(':[redacted]@');
    expect(node.output()).not.toContain('hunter2');
  });
});
