/** The memory OutboxStore, the shape check applied to stored data, and the client's store adapter. */
import { describe, expect, it } from 'vitest';
import type { ClientError } from '../../src/client/errors.ts';
import { OutboxPersistence } from '../../src/client/outbox-persistence.ts';
import {
  isStoredOutboxEntry,
  MemoryOutboxStore,
  type OutboxStore,
  type StoredOutboxEntry,
} from '../../src/client/outbox-store.ts';

const stored = (id: string, body = id, user = 'u1'): StoredOutboxEntry => ({
  frame: { type: 'send', id, room: 'r', kind: 'text', body },
  user,
  createdAt: 1,
});

describe('MemoryOutboxStore', () => {
  it('loads entries in the order first put; a re-put replaces in place; delete removes', () => {
    const store = new MemoryOutboxStore();
    store.put(stored('a'));
    store.put(stored('b'));
    store.put(stored('c'));
    store.put(stored('a', 'a2', 'u2'));
    store.delete('b');
    store.delete('missing');
    expect(store.load()).toEqual([stored('a', 'a2', 'u2'), stored('c')]);
    expect(store.size).toBe(2);
    store.clear();
    expect(store.load()).toEqual([]);
  });

  it('hands out copies: nobody shares objects with the store', () => {
    const store = new MemoryOutboxStore();
    const entry = { ...stored('a'), createdAt: 5 };
    store.put(entry);
    entry.createdAt = 6;
    const [loaded] = store.load();
    expect(loaded?.createdAt).toBe(5);
    (loaded as { createdAt: number }).createdAt = 7;
    expect(store.load()[0]?.createdAt).toBe(5);
  });
});

describe('isStoredOutboxEntry', () => {
  it('accepts every outbox frame type and rejects damaged records', () => {
    const ok: StoredOutboxEntry[] = [
      stored('a'),
      { frame: { type: 'edit', id: 'b', room: 'r', ref: 1, body: 'x' }, createdAt: 1 },
      { frame: { type: 'delete', id: 'c', room: 'r', ref: 1 }, createdAt: 1 },
      { frame: { type: 'react', id: 'd', room: 'r', ref: 1, emoji: '👍', on: false }, createdAt: 1 },
    ];
    for (const e of ok) expect(isStoredOutboxEntry(e)).toBe(true);
    const bad: unknown[] = [
      null,
      'x',
      { frame: { type: 'send', id: 'a', room: 'r', kind: 'text', body: 'x' } }, // no createdAt
      { ...stored('a'), user: 3 },
      { frame: { type: 'join', id: 'a', room: 'r' }, createdAt: 1 },
      { frame: { type: 'send', id: '', room: 'r', kind: 'text', body: 'x' }, createdAt: 1 },
      { frame: { type: 'edit', id: 'a', room: 'r', body: 'x' }, createdAt: 1 },
      { frame: { type: 'react', id: 'a', room: 'r', ref: 1, emoji: '👍' }, createdAt: 1 },
    ];
    for (const e of bad) expect(isStoredOutboxEntry(e)).toBe(false);
  });
});

describe('OutboxPersistence', () => {
  it('answers a synchronous store in the same tick, and loads asynchronously', async () => {
    const store = new MemoryOutboxStore();
    const p = new OutboxPersistence(store, () => undefined);
    let saved = false;
    p.save(stored('a'), () => (saved = true));
    expect(saved).toBe(true);
    let loaded: StoredOutboxEntry[] | undefined;
    p.load((entries) => (loaded = entries));
    expect(loaded).toBeUndefined(); // the caller can subscribe first
    await Promise.resolve();
    await Promise.resolve();
    expect(loaded).toEqual([stored('a')]);
    p.forget('a');
    expect(store.size).toBe(0);
  });

  it('waits for an asynchronous store before calling back', async () => {
    let release!: () => void;
    const store: OutboxStore = {
      load: () => [],
      put: () => new Promise<void>((r) => (release = r)),
      delete: () => undefined,
    };
    const p = new OutboxPersistence(store, () => undefined);
    let saved = false;
    p.save(stored('a'), () => (saved = true));
    await Promise.resolve();
    expect(saved).toBe(false);
    release();
    await Promise.resolve();
    expect(saved).toBe(true);
  });

  it('reports a failing store once and never blocks the write', async () => {
    const errors: ClientError[] = [];
    const store: OutboxStore = {
      load: () => Promise.reject(new Error('no database')),
      put: () => Promise.reject(new Error('quota')),
      delete: () => {
        throw new Error('broken');
      },
    };
    const p = new OutboxPersistence(store, (e) => errors.push(e));
    let loaded: StoredOutboxEntry[] | undefined;
    p.load((entries) => (loaded = entries));
    let saved = 0;
    p.save(stored('a'), () => saved++);
    p.save(stored('b'), () => saved++);
    p.forget('a');
    await new Promise((r) => setTimeout(r, 0));
    expect(loaded).toEqual([]);
    expect(saved).toBe(2);
    expect(errors.map((e) => e.code)).toEqual(['outbox_store']);
  });
});
