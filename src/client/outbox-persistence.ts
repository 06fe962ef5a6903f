/**
 * The client's side of an OutboxStore: calls it whether it answers synchronously or with a
 * promise, and turns its failures into one reported error. A failing store never blocks a
 * write: the entry is still sent, it just may not survive a reload.
 */
import { ClientError } from './errors.ts';
import type { OutboxStore, StoredOutboxEntry } from './outbox-store.ts';

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

export class OutboxPersistence {
  readonly #store: OutboxStore;
  readonly #report: (error: ClientError) => void;
  /** Report a broken store once, not once per message. */
  #reported = false;

  constructor(store: OutboxStore, report: (error: ClientError) => void) {
    this.#store = store;
    this.#report = report;
  }

  /** Load the stored entries; `loaded` runs asynchronously (after the caller could subscribe). */
  load(loaded: (entries: StoredOutboxEntry[]) => void): void {
    Promise.resolve()
      .then(() => this.#store.load())
      .then(
        (entries) => loaded(entries),
        (err: unknown) => {
          this.#fail('load', err);
          loaded([]);
        },
      );
  }

  /** Store (or restamp) an entry; `saved` runs once it is stored or storing failed — synchronously for a synchronous store. */
  save(entry: StoredOutboxEntry, saved?: () => void): void {
    this.#call('store', () => this.#store.put(entry), saved);
  }

  forget(id: string): void {
    this.#call('delete', () => this.#store.delete(id));
  }

  #call(what: string, op: () => void | Promise<void>, then?: () => void): void {
    let result: void | Promise<void>;
    try {
      result = op();
    } catch (err) {
      this.#fail(what, err);
      then?.();
      return;
    }
    if (!isPromise(result)) {
      then?.();
      return;
    }
    result.then(
      () => then?.(),
      (err: unknown) => {
        this.#fail(what, err);
        then?.();
      },
    );
  }

  #fail(what: string, err: unknown): void {
    if (this.#reported) return;
    this.#reported = true;
    const reason = err instanceof Error ? err.message : String(err);
    const message = `Could not ${what} unsent messages (${reason}); they may not survive a reload`;
    this.#report(new ClientError('outbox_store', message, false));
  }
}
