/**
 * The engines a server node runs on, built from options in one place: the embedded defaults
 * (SQLite, in-process broker, presence and limits, disk), or the shared engines of a cluster
 * (`--store postgres://…`: PostgresStore and PostgresFileStorage; `--broker redis://…`:
 * RedisBroker, RedisPresence, RedisLimiters). Pass your own to `createParleyServer` to run on
 * another engine, or to run several nodes in one process on one shared store, bus and presence.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Broker } from './broker/broker.ts';
import { MemoryBroker } from './broker/memory-broker.ts';
import { RedisBroker } from './broker/redis-broker.ts';
import { DiskStorage } from './files/disk-storage.ts';
import { PostgresFileStorage } from './files/postgres-storage.ts';
import type { FileStorage } from './files/storage.ts';
import type { Limiters } from './limits/limiter.ts';
import type { Logger } from './log.ts';
import { MemoryLimiters } from './limits/memory-limiter.ts';
import { RedisLimiters } from './limits/redis-limiter.ts';
import type { ServerOptions } from './options.ts';
import { MemoryPresence } from './presence/memory-presence.ts';
import type { Presence } from './presence/presence.ts';
import { RedisPresence } from './presence/redis-presence.ts';
import { PostgresStore } from './store/postgres/postgres-store.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';
import { SqliteWorkerStore } from './store/sqlite/worker-store.ts';
import type { Store } from './store/store.ts';

export interface Engines {
  /** Durable room logs, accounts, sessions, files' metadata, search. */
  readonly store: Store;
  /** Committed events and signals between nodes. */
  readonly broker: Broker;
  /** Who is online, nickname claims, room presence, status. */
  readonly presence: Presence;
  /** The bytes of uploads. */
  readonly files: FileStorage;
  /** Keyed token buckets for limits per user, address or name (login, uploads). */
  readonly limits: Limiters;
}

/** An engine with a close the server may call: only the ones it built itself. */
interface Closable {
  close(): Promise<void>;
}

/** Where the options put the bytes of uploads: `auto` follows the store. */
export function filesEngine(options: Pick<ServerOptions, 'files' | 'store'>): 'disk' | 'postgres' {
  if (options.files !== 'auto') return options.files;
  return options.store === 'sqlite' ? 'disk' : 'postgres';
}

/** Errors of a pool's idle connections (a restarted database): logged, never thrown. */
const poolError =
  (log: Logger | undefined, engine: string) =>
  (err: Error): void => {
    if (log) log.warn({ err: err.message, engine }, 'engine connection error');
    else console.error(`parley: ${engine} connection error: ${err.message}`);
  };

/** `--sqlite-worker`: `auto` writes in a worker when there is a second core to run it on (taskset counts). */
export const sqliteInWorker = (options: Pick<ServerOptions, 'sqliteWorker'>, cores = availableParallelism()): boolean =>
  options.sqliteWorker === 'on' || (options.sqliteWorker === 'auto' && cores > 1);

/**
 * The engines to run on: each one given, else the one the options name (`--store`, `--broker`,
 * `--files`; by default a SQLite file and disk under `dataDir`, in-process broker, presence and
 * limits). `nodeId` is this node's id (its presence entries carry it); `log` hears what the shared
 * engines report (a Redis connection lost, publishes dropped). `owned` lists the engines
 * built here: the server closes those on shutdown, while given engines are closed by whoever made
 * them (they may be shared).
 */
export function resolveEngines(
  options: ServerOptions,
  given: Partial<Engines>,
  nodeId: string,
  log?: Logger,
): { readonly engines: Engines; readonly owned: readonly Closable[] } {
  const owned: Closable[] = [];
  const own = <T extends Closable>(engine: T): T => {
    owned.push(engine);
    return engine;
  };
  const postgres = options.store === 'sqlite' ? undefined : options.store;
  const redis = options.broker === 'memory' ? undefined : { url: options.broker, prefix: options.redisPrefix };
  const files = (): FileStorage =>
    filesEngine(options) === 'postgres' && postgres !== undefined
      ? own(new PostgresFileStorage({ connectionString: postgres }))
      : new DiskStorage(join(options.dataDir, 'files'));
  const engines: Engines = {
    store:
      given.store ??
      own(
        postgres === undefined
          ? sqliteInWorker(options)
            ? new SqliteWorkerStore(options.dataDir, log ? { log } : {})
            : new SqliteStore(options.dataDir)
          : new PostgresStore({ connectionString: postgres, onError: poolError(log, 'store') }),
      ),
    broker: given.broker ?? own(redis === undefined ? new MemoryBroker() : new RedisBroker({ ...redis, log })),
    presence:
      given.presence ??
      (redis === undefined
        ? new MemoryPresence()
        : own(new RedisPresence({ ...redis, nodeId, ttlMs: options.presenceTtlMs }))),
    files: given.files ?? files(),
    limits: given.limits ?? own(redis === undefined ? new MemoryLimiters() : new RedisLimiters(redis)),
  };
  return { engines, owned };
}
