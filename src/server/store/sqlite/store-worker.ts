/**
 * The store worker's entry (worker_threads): owns the SQLite connection that writes and its group
 * commit, so a commit's fsync blocks this thread, never the server's event loop. Runs the writes
 * of each message from worker-store.ts; the outcomes of one commit go back in one message.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-db.ts';
import { SqliteStore } from './sqlite-store.ts';
import {
  toWire,
  WRITES,
  type Call,
  type FromWorker,
  type Outcome,
  type ToWorker,
  type WorkerInit,
} from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('store-worker.ts runs as a worker thread');
const { dataDir } = workerData as WorkerInit;
// The server's thread opened and migrated the file before starting this worker.
const store = new SqliteStore({ db: openSqlite(join(dataDir, 'parley.db'), { migrate: false }) });
const allowed = new Set<string>(WRITES);

let outcomes: Outcome[] = [];
let sending = false;
/** Tests only: exit instead of sending the next outcomes (their commit is done). */
let crashAfterCommit = false;

function send(): void {
  sending = false;
  if (outcomes.length === 0) return;
  if (crashAfterCommit) process.exit(70);
  const message: FromWorker = { t: 'outcomes', outcomes };
  outcomes = [];
  port!.postMessage(message);
}

function settle(o: Outcome): void {
  outcomes.push(o);
  // After the microtasks of the commit that settled it: a commit's outcomes leave together.
  if (!sending) {
    sending = true;
    process.nextTick(send);
  }
}

function invoke([id, method, args]: Call): void {
  if (!allowed.has(method)) {
    settle([id, 0, { name: 'TypeError', message: `not a store write: ${String(method)}` }]);
    return;
  }
  const fn = store[method] as (...a: unknown[]) => Promise<unknown>;
  fn.apply(store, args as unknown[]).then(
    (value) => settle([id, 1, value]),
    (err: unknown) => settle([id, 0, toWire(err)]),
  );
}

async function close(): Promise<void> {
  port!.off('message', onMessage);
  await store.close();
  // Let the outcomes of the last commit settle, then send them before `closed`.
  await new Promise<void>((resolve) => setImmediate(resolve));
  send();
  port!.postMessage({ t: 'closed' } satisfies FromWorker);
  port!.close();
}

function onMessage(msg: ToWorker): void {
  if (msg.t === 'close') {
    void close();
    return;
  }
  for (const call of msg.calls) invoke(call);
  if (msg.crash === 'now') process.exit(70);
  if (msg.crash === 'after-commit') crashAfterCommit = true;
}

port.on('message', onMessage);
