/**
 * An OutboxStore in the browser's IndexedDB, so unacknowledged writes survive a page reload.
 * One database can hold many scopes (one per login); a store sees only its own scope.
 * Plain IndexedDB: records { pk (auto-increment: the put order), scope, id, entry }.
 */
import { isStoredOutboxEntry, type OutboxStore, type StoredOutboxEntry } from './outbox-store.ts';

const STORE = 'outbox';
const BY_SCOPE = 'scope';
const BY_SCOPE_ID = 'scope_id';
/** Entries older than this are dropped at load, in every scope: their tab is long gone. */
const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

interface OutboxRecord {
  pk?: number;
  scope: string;
  id: string;
  entry: StoredOutboxEntry;
}

export interface IndexedDbOutboxOptions {
  /** Default globalThis.indexedDB. */
  indexedDB?: IDBFactory;
  /** Entries older than this are deleted when a store loads; default 7 days. */
  maxAgeMs?: number;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** A readwrite transaction on the outbox and the promise of its commit (watched from the start). */
function begin(db: IDBDatabase): { store: IDBObjectStore; committed: Promise<void> } {
  const tx = db.transaction(STORE, 'readwrite');
  const committed = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  // A request that failed first is what the caller reports; this one must not go unhandled.
  committed.catch(() => undefined);
  return { store: tx.objectStore(STORE), committed };
}

function open(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  const req = factory.open(name, 1);
  req.onupgradeneeded = () => {
    const store = req.result.createObjectStore(STORE, { keyPath: 'pk', autoIncrement: true });
    store.createIndex(BY_SCOPE, 'scope');
    store.createIndex(BY_SCOPE_ID, ['scope', 'id'], { unique: true });
  };
  return done(req);
}

export class IndexedDbOutbox implements OutboxStore {
  readonly scope: string;
  readonly #db: Promise<IDBDatabase>;
  readonly #maxAgeMs: number;

  constructor(dbName: string, scope: string, options: IndexedDbOutboxOptions = {}) {
    this.scope = scope;
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    this.#db = factory ? open(factory, dbName) : Promise.reject(new Error('IndexedDB is not available'));
    // load() reports a failed open; put/delete must not surface it as unhandled rejections.
    this.#db.catch(() => undefined);
  }

  async load(): Promise<StoredOutboxEntry[]> {
    const db = await this.#db;
    const { store, committed } = begin(db);
    const oldest = Date.now() - this.#maxAgeMs;
    const out: StoredOutboxEntry[] = [];
    // Cursor order on the whole store is pk order: the order entries were first put.
    await new Promise<void>((resolve, reject) => {
      const req = store.openCursor();
      req.onerror = () => reject(req.error ?? new Error('IndexedDB cursor failed'));
      req.onsuccess = () => {
        const cursor = req.result;
        if (!cursor) return resolve();
        const rec = cursor.value as OutboxRecord;
        const valid = isStoredOutboxEntry(rec.entry);
        if (!valid || rec.entry.createdAt < oldest) cursor.delete();
        else if (rec.scope === this.scope) out.push(rec.entry);
        cursor.continue();
      };
    });
    await committed;
    return out;
  }

  async put(entry: StoredOutboxEntry): Promise<void> {
    const db = await this.#db.catch(() => undefined);
    if (!db) return; // no storage: the entry lives in memory only
    const { store, committed } = begin(db);
    const id = entry.frame.id;
    const key = await done(store.index(BY_SCOPE_ID).getKey([this.scope, id]));
    // Keep the pk of an existing entry: its place in the order.
    const rec: OutboxRecord =
      typeof key === 'number' ? { pk: key, scope: this.scope, id, entry } : { scope: this.scope, id, entry };
    store.put(rec);
    await committed;
  }

  async delete(id: string): Promise<void> {
    const db = await this.#db.catch(() => undefined);
    if (!db) return;
    const { store, committed } = begin(db);
    const key = await done(store.index(BY_SCOPE_ID).getKey([this.scope, id]));
    if (key !== undefined) store.delete(key);
    await committed;
  }

  /** Forget every entry of this scope (e.g. the user signed out). */
  async clear(): Promise<void> {
    const db = await this.#db.catch(() => undefined);
    if (!db) return;
    const { store, committed } = begin(db);
    const keys = await done(store.index(BY_SCOPE).getAllKeys(this.scope));
    for (const key of keys) store.delete(key);
    await committed;
  }
}

/** The outbox of one scope (use one per login, e.g. per session) in database `dbName`. */
export function indexedDbOutbox(dbName: string, scope: string, options?: IndexedDbOutboxOptions): IndexedDbOutbox {
  return new IndexedDbOutbox(dbName, scope, options);
}
