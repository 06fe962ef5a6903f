/** The search part of the Store contract (called from store.contract.ts for every engine). */
import { describe, expect, it } from 'vitest';
import type { FileRef, UserRef } from '../../src/protocol/index.ts';
import type { SearchQuery, Store } from '../../src/server/store/store.ts';
import { seededRandom } from '../support/seeded-random.ts';
import type { StoreFactory } from './store.contract.ts';

const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'bob' };

async function say(store: Store, room: string, sender: UserRef, body: string, kind: 'text' | 'image' = 'text') {
  const r = await store.append({ room, sender, kind, body });
  if (r.status !== 'appended') throw new Error(`append: ${r.status}`);
  return r.event.seq;
}

async function join(store: Store, room: string, user: UserRef): Promise<void> {
  await store.append({ room, sender: user, kind: 'join', body: '' });
}

/** [room, seq] of each hit, newest first. */
async function found(store: Store, q: Partial<SearchQuery> & { terms: string[] }): Promise<[string, number][]> {
  const page = await store.search({ userId: alice.id, limit: 50, ...q });
  return page.hits.map((h) => [h.event.room, h.event.seq]);
}

export function searchContract(factory: StoreFactory): void {
  describe('search', () => {
    it('follows the log: new messages are found, an edit replaces the text, a delete removes it', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      await join(store, 'r', alice);
      const first = await say(store, 'r', alice, 'Deploy the release on Friday');
      const second = await say(store, 'r', bob, 'friday lunch?');
      const file: FileRef = { id: 'f1', name: 'cat.png', size: 10, type: 'image/png' };
      const img = await store.append({ room: 'r', sender: bob, kind: 'image', body: 'a cat on friday', file });
      expect(img.status).toBe('appended');
      // Case-insensitive, newest first, with the message as it is now.
      const page = await store.search({ userId: alice.id, terms: ['FRIDAY'], limit: 10 });
      expect(page.hits.map((h) => h.event.seq)).toEqual([4, second, first]);
      expect(page.hits[0]?.event).toMatchObject({ kind: 'image', sender: bob, body: 'a cat on friday', file });
      expect(page.hits[1]?.event).toMatchObject({ kind: 'text', room: 'r', sender: bob, body: 'friday lunch?' });
      expect(page.next).toBeUndefined();
      // Every term must occur; substrings count.
      expect(await found(store, { terms: ['deploy', 'frid'] })).toEqual([['r', first]]);
      expect(await found(store, { terms: ['elea'] })).toEqual([['r', first]]);
      expect(await found(store, { terms: ['deploy', 'lunch'] })).toEqual([]);

      await store.append({ room: 'r', sender: alice, kind: 'edit', body: 'Deploy on Monday instead', ref: first });
      expect(await found(store, { terms: ['friday'] })).toEqual([
        ['r', 4],
        ['r', second],
      ]);
      const edited = await store.search({ userId: alice.id, terms: ['monday'], limit: 10 });
      expect(edited.hits.map((h) => [h.event.seq, h.event.body, h.event.kind])).toEqual([
        [first, 'Deploy on Monday instead', 'text'],
      ]);
      await store.append({ room: 'r', sender: bob, kind: 'delete', body: '', ref: second });
      expect(await found(store, { terms: ['lunch'] })).toEqual([]);
      expect(await found(store, { terms: ['fr'] })).toEqual([['r', 4]]);
      // An edit that lost a race with the delete does not bring the text back.
      await store.append({ room: 'r', sender: bob, kind: 'edit', body: 'lunch again', ref: second });
      expect(await found(store, { terms: ['lunch'] })).toEqual([]);
      // Reactions, joins and other events are not messages.
      await store.append({ room: 'r', sender: bob, kind: 'react', body: 'friday', ref: first });
      expect(await found(store, { terms: ['friday'] })).toEqual([['r', 4]]);

      const reopened = await factory.reopen(store);
      expect(await found(reopened, { terms: ['monday'] })).toEqual([['r', first]]);
      await reopened.close();
    });

    it('finds Chinese substrings of any length, mixed with English', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      await join(store, 'r', alice);
      const a = await say(store, 'r', alice, '我们明天下午三点开会讨论项目进度');
      const b = await say(store, 'r', bob, '周五的会议改到下午 meeting moved');
      const c = await say(store, 'r', bob, '今天天气很好');
      expect(await found(store, { terms: ['开会'] })).toEqual([['r', a]]);
      expect(await found(store, { terms: ['开会讨论项目'] })).toEqual([['r', a]]);
      expect(await found(store, { terms: ['会'] })).toEqual([
        ['r', b],
        ['r', a],
      ]);
      expect(await found(store, { terms: ['下午'] })).toEqual([
        ['r', b],
        ['r', a],
      ]);
      expect(await found(store, { terms: ['下午', 'MEETING'] })).toEqual([['r', b]]);
      expect(await found(store, { terms: ['天气很好'] })).toEqual([['r', c]]);
      expect(await found(store, { terms: ['会议室'] })).toEqual([]);
      await store.close();
    });

    it('answers only from rooms the user is a member of now', async () => {
      const store = await factory.open();
      await store.createRoom('pub', 'pub', { ownerId: bob.id });
      await store.createRoom('priv', 'priv', { visibility: 'private', ownerId: bob.id });
      await join(store, 'pub', bob);
      await join(store, 'priv', bob);
      const inPub = await say(store, 'pub', bob, 'secret plan alpha');
      const inPriv = await say(store, 'priv', bob, 'secret plan beta');
      // Not a member of either (a public room too: search covers joined rooms only).
      for (const terms of [['secret'], ['se'], ['plan', 'a']]) expect(await found(store, { terms })).toEqual([]);
      expect(await found(store, { terms: ['secret'], room: 'priv' })).toEqual([]);
      await join(store, 'pub', alice);
      expect(await found(store, { terms: ['secret'] })).toEqual([['pub', inPub]]);
      expect(await found(store, { terms: ['se'] })).toEqual([['pub', inPub]]);
      await store.append({ room: 'priv', sender: bob, kind: 'invite', body: '', target: alice });
      expect(await found(store, { terms: ['secret'] })).toEqual([
        ['priv', inPriv],
        ['pub', inPub],
      ]);
      expect(await found(store, { terms: ['plan'], room: 'pub' })).toEqual([['pub', inPub]]);
      expect(await found(store, { terms: ['pl'], room: 'priv' })).toEqual([['priv', inPriv]]);
      // Kicked: that room's messages are gone from the results at once.
      await store.append({ room: 'priv', sender: bob, kind: 'kick', body: '', target: alice });
      expect(await found(store, { terms: ['secret'] })).toEqual([['pub', inPub]]);
      expect(await found(store, { terms: ['sec'], room: 'priv' })).toEqual([]);
      await store.append({ room: 'pub', sender: alice, kind: 'leave', body: '' });
      expect(await found(store, { terms: ['secret'] })).toEqual([]);
      // Bob still finds both.
      const bobs = await store.search({ userId: bob.id, terms: ['secret'], limit: 10 });
      expect(bobs.hits.length).toBe(2);
      await store.close();
    });

    it('pages newest first with a cursor, without repeats', async () => {
      const store = await factory.open();
      await store.createRoom('a', 'a');
      await store.createRoom('b', 'b');
      await join(store, 'a', alice);
      await join(store, 'b', alice);
      const sent: string[] = [];
      for (let i = 0; i < 25; i++) {
        const room = i % 2 ? 'a' : 'b';
        sent.push(`${room}:${await say(store, room, bob, `note number ${i} 笔记`)}`);
      }
      for (const terms of [['note'], ['笔记']]) {
        const seen: string[] = [];
        let before: number | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.search({ userId: alice.id, terms, limit: 10, ...(before ? { before } : {}) });
          seen.push(...page.hits.map((h) => `${h.event.room}:${h.event.seq}`));
          for (let i = 1; i < page.hits.length; i++) {
            expect(page.hits[i]!.cursor).toBeLessThan(page.hits[i - 1]!.cursor);
          }
          if (page.next === undefined) break;
          before = page.next;
        }
        expect(seen).toEqual([...sent].reverse());
      }
      await store.close();
    });

    it('treats hostile query text literally and never throws', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      await join(store, 'r', alice);
      const tricky = [
        'say "NEAR(a b)" now',
        'col:umn and body:x',
        'a* ^start -minus +plus',
        '100%_done \\ back',
        "it's {a b} (c OR d) NOT e AND f",
        '😀 emoji 👩‍👩‍👧 ﷽',
      ];
      const seqs = new Map<string, number>();
      for (const body of tricky) seqs.set(body, await say(store, 'r', bob, body));
      const literal: [string, string][] = [
        ['"NEAR(a b)"', tricky[0]!],
        ['NEAR(', tricky[0]!],
        ['col:umn', tricky[1]!],
        ['body:x', tricky[1]!],
        ['a*', tricky[2]!],
        ['^start', tricky[2]!],
        ['-minus', tricky[2]!],
        ['%_', tricky[3]!],
        ['%', tricky[3]!],
        ['\\', tricky[3]!],
        ["'s", tricky[4]!],
        ['(c OR d)', tricky[4]!],
        ['{a', tricky[4]!],
        ['😀', tricky[5]!],
        ['👩‍👩‍👧', tricky[5]!],
      ];
      for (const [term, body] of literal) {
        expect(await found(store, { terms: [term] }), term).toEqual([['r', seqs.get(body)]]);
      }
      // Operators alone match only messages that contain them as text.
      expect(await found(store, { terms: ['OR'] })).toEqual([['r', seqs.get(tricky[4]!)]]);
      expect(await found(store, { terms: ['*'] })).toEqual([['r', seqs.get(tricky[2]!)]]);

      const rng = seededRandom(20_240_601);
      const atoms = [
        '"',
        "'",
        '*',
        '^',
        ':',
        '(',
        ')',
        '-',
        '+',
        '{',
        '}',
        '%',
        '_',
        '\\',
        ',',
        ' NEAR ',
        ' AND ',
        ' OR ',
        ' NOT ',
        'NEAR/2',
        'body:',
        'rowid',
        'a',
        'x',
        '会',
        '议',
        '😀',
        '\u0301',
        '\ufffd',
        '\t',
      ];
      for (let i = 0; i < 300; i++) {
        const n = 1 + Math.floor(rng() * 6);
        const term = Array.from({ length: n }, () => atoms[Math.floor(rng() * atoms.length)]).join('');
        if (term.trim() === '') continue;
        const page = await store.search({ userId: alice.id, terms: [term], limit: 5 });
        for (const hit of page.hits) expect(hit.event.body.toLowerCase(), term).toContain(term.toLowerCase());
      }
      await store.close();
    });
  });
}
