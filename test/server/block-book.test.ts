/**
 * The block book at hello (core/block-book.ts): a guest id made just now is loaded without a
 * store read, and every user nobody blocks shares one empty set; a block or unblock heard later
 * changes only the user it names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRef } from '../../src/protocol/index.ts';
import { BlockBook } from '../../src/server/core/block-book.ts';
import type { NodeChannels, NodeHandler } from '../../src/server/fanout/hub.ts';
import { createLogger } from '../../src/server/log.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';

/** One node: what it tells, it hears at once (as the hub does for its own node channels). */
function loopback(): NodeChannels {
  const handlers = new Map<string, NodeHandler>();
  return {
    listen: (channel, handler) => void handlers.set(channel, handler),
    tell: (channel, payload) => handlers.get(channel)?.(payload, true),
  };
}

const ann: UserRef = { id: 'ann-id', nick: 'ann', guest: true };
const bob: UserRef = { id: 'bob-id', nick: 'bob', guest: true };
const cat: UserRef = { id: 'cat-id', nick: 'cat', guest: true };

describe('block book', () => {
  let dir: string;
  let store: SqliteStore;
  let book: BlockBook;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-block-book-'));
    store = new SqliteStore(dir);
    book = new BlockBook({
      store,
      nodes: loopback(),
      connections: new Set(),
      statuses: { who: async () => [] },
      log: createLogger('silent'),
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The store changes, then every node hears of it (as handlers/block.ts does). */
  async function block(blocker: UserRef, blocked: UserRef, on: boolean): Promise<void> {
    if (on) await store.block(blocker.id, blocked);
    else await store.unblock(blocker.id, blocked.id);
    book.changed(blocker, await store.blocked(blocker.id), blocked, on);
  }

  it('knows a fresh guest without reading, and hears the blocks made after', async () => {
    book.fresh(bob.id);
    book.fresh(cat.id);
    expect([...(book.blockedBy(bob.id) ?? ['missing'])]).toEqual([]);
    expect(book.hiddenFrom(bob.id)).toBeUndefined();
    await block(ann, bob, true);
    expect([...(book.blockedBy(bob.id) ?? [])]).toEqual([ann.id]);
    // The empty set bob had is cat's too: cat is still blocked by nobody.
    expect([...(book.blockedBy(cat.id) ?? ['missing'])]).toEqual([]);
    await block(cat, bob, true);
    expect(new Set(book.blockedBy(bob.id))).toEqual(new Set([ann.id, cat.id]));
    expect(book.hiddenFrom(cat.id)).toEqual([bob.id]);
    await block(ann, bob, false);
    await block(cat, bob, false);
    expect([...(book.blockedBy(bob.id) ?? ['missing'])]).toEqual([]);
    expect(book.hiddenFrom(cat.id)).toBeUndefined();
    // A block of someone blocked already, heard twice, changes nothing.
    await block(ann, cat, true);
    book.changed(ann, await store.blocked(ann.id), cat, true);
    expect([...(book.blockedBy(cat.id) ?? [])]).toEqual([ann.id]);
  });

  it('loads from the store a user who may be in blocks already', async () => {
    await store.block(ann.id, bob);
    await store.block(bob.id, cat);
    await book.load(bob.id);
    await book.load(cat.id);
    expect([...(book.blockedBy(bob.id) ?? [])]).toEqual([ann.id]);
    expect(book.hiddenFrom(bob.id)).toEqual([cat.id]);
    expect([...(book.blockedBy(cat.id) ?? [])]).toEqual([bob.id]);
    await block(ann, bob, false);
    expect([...(book.blockedBy(bob.id) ?? ['missing'])]).toEqual([]);
  });
});
