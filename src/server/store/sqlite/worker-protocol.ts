/**
 * What the server and its store worker (store-worker.ts, worker-store.ts) say to each other: the
 * writes of one tick in one message, their outcomes in one message back.
 */
import type { SqliteStore } from './sqlite-store.ts';

/**
 * The Store methods that write: they run in the worker, inside its group commit; and
 * catchUpSearch, the search index's catch-up (its own transaction), which a search awaits.
 */
export const WRITES = [
  'createRoom',
  'append',
  'openDm',
  'createSession',
  'createAccount',
  'setDisplayName',
  'createLoginSession',
  'rotateRefreshToken',
  'endLoginSessions',
  'createFile',
  'deleteFile',
  'markRead',
  'setLastSeen',
  'setLastSeenMany',
  'block',
  'unblock',
  'catchUpSearch',
] as const satisfies readonly (keyof SqliteStore)[];

export type WriteMethod = (typeof WRITES)[number];

/** [call id, method, arguments]. */
export type Call = readonly [number, WriteMethod, readonly unknown[]];

/** [call id, 1, result] or [call id, 0, error]. */
export type Outcome = readonly [number, 1, unknown] | readonly [number, 0, WireError];

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

export type ToWorker =
  | {
      readonly t: 'calls';
      readonly calls: readonly Call[];
      /** Tests only: die once these are queued (before their commit), or right after their commit, before its outcomes are sent. */
      readonly crash?: 'now' | 'after-commit';
    }
  /** Commit what is queued, close the file, answer `closed`. */
  | { readonly t: 'close' };

export type FromWorker = { readonly t: 'outcomes'; readonly outcomes: readonly Outcome[] } | { readonly t: 'closed' };

export interface WorkerInit {
  readonly dataDir: string;
}

export function toWire(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

export function fromWire(w: WireError): Error {
  const err = new Error(w.message);
  err.name = w.name;
  if (w.code !== undefined) (err as Error & { code?: string }).code = w.code;
  return err;
}
