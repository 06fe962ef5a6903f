/**
 * The engines a server node runs on, and the embedded defaults built from options in one place.
 * Pass your own to `createParleyServer` to run on another engine, or to run several nodes in one
 * process on one shared store, bus and presence (the tests do).
 */
import { join } from 'node:path';
import type { Broker } from './broker/broker.ts';
import { MemoryBroker } from './broker/memory-broker.ts';
import { DiskStorage } from './files/disk-storage.ts';
import type { FileStorage } from './files/storage.ts';
import type { Limiters } from './limits/limiter.ts';
import { MemoryLimiters } from './limits/memory-limiter.ts';
import type { ServerOptions } from './options.ts';
import { MemoryPresence } from './presence/memory-presence.ts';
import type { Presence } from './presence/presence.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';
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

/**
 * The engines to run on: each one given, else the embedded default (SQLite file and disk under
 * `dataDir`, in-process broker and presence). `owned` lists the defaults built here: the server
 * closes those on shutdown, while given engines are closed by whoever made them (they may be shared).
 */
export function resolveEngines(
  options: ServerOptions,
  given: Partial<Engines>,
): { readonly engines: Engines; readonly owned: readonly Closable[] } {
  const owned: Closable[] = [];
  const own = <T extends Closable>(engine: T): T => {
    owned.push(engine);
    return engine;
  };
  const engines: Engines = {
    store: given.store ?? own(new SqliteStore(options.dataDir)),
    broker: given.broker ?? own(new MemoryBroker()),
    presence: given.presence ?? new MemoryPresence(),
    files: given.files ?? new DiskStorage(join(options.dataDir, 'files')),
    limits: given.limits ?? own(new MemoryLimiters()),
  };
  return { engines, owned };
}
