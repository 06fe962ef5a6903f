/** The contract every Store implementation meets; each engine's test file calls it with a factory. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/server/store/store.ts';
import { blocksContract } from './blocks.contract.ts';
import { displayNamesContract } from './display-names.contract.ts';
import { roomsContract } from './rooms.contract.ts';
import { rulesContract } from './rules.contract.ts';
import { searchContract } from './search.contract.ts';

export interface StoreFactory {
  /** A new, empty store. */
  open(): Promise<Store>;
  /** The same data reopened (after close), as after a restart. */
  reopen(previous: Store): Promise<Store>;
}

const alice = { id: 'u-alice', nick: 'alice' };
const bob = { id: 'u-bob', nick: 'bob' };

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    searchContract(factory);
    roomsContract(factory);
    rulesContract(factory);
    blocksContract(factory);
    displayNamesContract(factory);

    it('creates rooms once, with a fixed epoch and head 0', async () => {
      const store = await factory.open();
      const room = await store.createRoom('general', 'General');
      expect(room).toMatchObject({ name: 'general', title: 'General', head: 0 });
      expect(room?.epoch.length).toBeGreaterThan(0);
      expect(await store.createRoom('general', 'Again')).toBeUndefined();
      expect(await store.getRoom('general')).toEqual(room);
      expect((await store.listRooms()).map((r) => r.name)).toEqual(['general']);
      expect(await store.getRoom('missing')).toBeUndefined();
      await store.close();
    });

    it('assigns seq = head + 1 without gaps, across concurrent appends and rooms', async () => {
      const store = await factory.open();
      await store.createRoom('a', 'a');
      await store.createRoom('b', 'b');
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.append({ room: i % 2 ? 'a' : 'b', sender: alice, cid: `c${i}`, kind: 'text', body: `m${i}` }),
        ),
      );
      const seqs = (room: string) =>
        results.flatMap((r, i) => (r.status === 'appended' && (i % 2 ? 'a' : 'b') === room ? [r.event.seq] : []));
      expect(seqs('a')).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(seqs('b')).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await store.getRoom('a'))?.head).toBe(50);
      await store.close();
    });

    it('reads the heads of many rooms at once; a missing room is absent', async () => {
      const store = await factory.open();
      await store.createRoom('a', 'a');
      await store.createRoom('b', 'b');
      await store.createRoom('empty', 'empty');
      for (let i = 0; i < 3; i++) await store.append({ room: 'a', sender: alice, kind: 'text', body: `a${i}` });
      await store.append({ room: 'b', sender: alice, kind: 'text', body: 'b' });
      const heads = await store.heads(['a', 'b', 'empty', 'missing']);
      expect([...heads].sort()).toEqual([
        ['a', 3],
        ['b', 1],
        ['empty', 0],
      ]);
      expect((await store.heads([])).size).toBe(0);
      await store.close();
    });

    it('is idempotent on (room, sender, cid), and tells a different message under the same cid', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      const first = await store.append({ room: 'r', sender: alice, cid: 'x', kind: 'text', body: 'hi' });
      const again = await store.append({ room: 'r', sender: alice, cid: 'x', kind: 'text', body: 'hi' });
      expect(first.status).toBe('appended');
      expect(again).toEqual({ status: 'duplicate', event: first.status === 'appended' ? first.event : undefined });
      expect(await store.append({ room: 'r', sender: alice, cid: 'x', kind: 'text', body: 'other' })).toEqual({
        status: 'conflict',
      });
      // The same cid from another sender is another message.
      expect((await store.append({ room: 'r', sender: bob, cid: 'x', kind: 'text', body: 'hi' })).status).toBe(
        'appended',
      );
      expect(await store.append({ room: 'nope', sender: alice, kind: 'text', body: 'x' })).toEqual({
        status: 'no_room',
      });
      await store.close();
    });

    it('pages history in both directions and keeps refs', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      for (let i = 1; i <= 10; i++) await store.append({ room: 'r', sender: alice, kind: 'text', body: `m${i}` });
      await store.append({ room: 'r', sender: bob, kind: 'react', body: '👍', ref: 3 });
      const latest = await store.history('r', { limit: 4 });
      expect(latest.events.map((e) => e.seq)).toEqual([8, 9, 10, 11]);
      expect(latest.more).toBe(true);
      expect(latest.events[3]).toMatchObject({ kind: 'react', ref: 3, sender: bob });
      expect((await store.history('r', { before: 3, limit: 4 })).events.map((e) => e.seq)).toEqual([1, 2]);
      const after = await store.history('r', { after: 8, limit: 2 });
      expect(after).toMatchObject({ more: true });
      expect(after.events.map((e) => e.seq)).toEqual([9, 10]);
      expect((await store.history('r', { after: 2, before: 5, limit: 10 })).events.map((e) => e.seq)).toEqual([3, 4]);
      expect(await store.message('r', 3)).toMatchObject({ deleted: false, event: { body: 'm3' } });
      await store.append({ room: 'r', sender: alice, kind: 'delete', body: '', ref: 3 });
      expect(await store.message('r', 3)).toMatchObject({ deleted: true });
      expect(await store.message('r', 999)).toBeUndefined();
      await store.close();
    });

    it('keeps a message’s reply across history, message() and a reopen; the reply is part of its identity', async () => {
      let store = await factory.open();
      await store.createRoom('r', 'r');
      await store.append({ room: 'r', sender: alice, kind: 'text', body: 'question' });
      const answer = await store.append({ room: 'r', sender: bob, cid: 'a', kind: 'text', body: 'answer', reply: 1 });
      expect(answer).toMatchObject({ status: 'appended', event: { seq: 2, reply: 1 } });
      expect(
        await store.append({ room: 'r', sender: bob, cid: 'a', kind: 'text', body: 'answer', reply: 1 }),
      ).toMatchObject({ status: 'duplicate', event: { seq: 2, reply: 1 } });
      expect(await store.append({ room: 'r', sender: bob, cid: 'a', kind: 'text', body: 'answer' })).toEqual({
        status: 'conflict',
      });
      store = await factory.reopen(store);
      expect((await store.history('r', { limit: 10 })).events.map((e) => e.reply)).toEqual([undefined, 1]);
      expect((await store.message('r', 2))?.event.reply).toBe(1);
      await store.close();
    });

    it('appends join and leave only when membership changes, in the same write as the change', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      const joined = await store.append({ room: 'r', sender: alice, kind: 'join', body: '' });
      expect(joined).toMatchObject({ status: 'appended', event: { seq: 1, kind: 'join', sender: alice } });
      expect(await store.isMember('r', alice.id)).toBe(true);
      // A re-join (e.g. after a reconnect) by a member, or a leave by a non-member, is no event.
      expect(await store.append({ room: 'r', sender: alice, kind: 'join', body: '' })).toEqual({ status: 'unchanged' });
      expect(await store.append({ room: 'r', sender: bob, kind: 'leave', body: '' })).toEqual({ status: 'unchanged' });
      expect(await store.append({ room: 'r', sender: alice, kind: 'leave', body: '' })).toMatchObject({
        status: 'appended',
        event: { seq: 2, kind: 'leave' },
      });
      expect(await store.isMember('r', alice.id)).toBe(false);
      expect(await store.append({ room: 'nope', sender: alice, kind: 'join', body: '' })).toEqual({
        status: 'no_room',
      });
      // In one group commit with other appends: the batch is unaffected by the unchanged one.
      const batch = await Promise.all([
        store.append({ room: 'r', sender: bob, kind: 'join', body: '' }),
        store.append({ room: 'r', sender: bob, kind: 'join', body: '' }),
        store.append({ room: 'r', sender: bob, cid: 'b1', kind: 'text', body: 'hi' }),
      ]);
      expect(batch.map((r) => r.status)).toEqual(['appended', 'unchanged', 'appended']);
      expect((await store.getRoom('r'))?.head).toBe(4);
      await store.close();
    });

    it('keeps private rooms to their owner and members, with roles', async () => {
      const store = await factory.open();
      const room = await store.createRoom('p', 'P', { visibility: 'private', ownerId: alice.id });
      expect(room).toMatchObject({ name: 'p', visibility: 'private' });
      await store.createRoom('q', 'Q');
      expect((await store.getRoom('q'))?.visibility).toBe('public');
      expect((await store.listRooms()).map((r) => r.name)).toEqual(['q']);
      expect((await store.listRooms(bob.id)).map((r) => r.name)).toEqual(['q']);
      expect((await store.listRooms(alice.id)).map((r) => r.name)).toEqual(['p', 'q']);
      expect(await store.roleOf('p', alice.id)).toBe('owner');
      expect(await store.roleOf('p', bob.id)).toBeUndefined();
      // A non-member cannot join a private room; the owner can, and keeps the owner role.
      expect(await store.append({ room: 'p', sender: bob, kind: 'join', body: '' })).toEqual({ status: 'forbidden' });
      expect((await store.append({ room: 'p', sender: alice, kind: 'join', body: '' })).status).toBe('appended');
      expect(await store.roleOf('p', alice.id)).toBe('owner');

      const invite = await store.append({ room: 'p', sender: alice, cid: 'i1', kind: 'invite', body: '', target: bob });
      expect(invite).toMatchObject({ status: 'appended', event: { kind: 'invite', target: bob, sender: alice } });
      expect(await store.isMember('p', bob.id)).toBe(true);
      expect(await store.roleOf('p', bob.id)).toBe('member');
      expect((await store.listRooms(bob.id)).map((r) => r.name)).toEqual(['p', 'q']);
      // An invited member's join changes nothing; an invite in effect appends nothing.
      expect((await store.append({ room: 'p', sender: bob, kind: 'join', body: '' })).status).toBe('unchanged');
      expect((await store.append({ room: 'p', sender: alice, kind: 'invite', body: '', target: bob })).status).toBe(
        'unchanged',
      );
      // The same cid for another target is a different change.
      expect(
        await store.append({ room: 'p', sender: alice, cid: 'i1', kind: 'invite', body: '', target: alice }),
      ).toEqual({ status: 'conflict' });

      const role = await store.append({ room: 'p', sender: alice, kind: 'role', body: 'moderator', target: bob });
      expect(role.status).toBe('appended');
      expect(await store.roleOf('p', bob.id)).toBe('moderator');
      expect(
        (await store.append({ room: 'p', sender: alice, kind: 'role', body: 'moderator', target: bob })).status,
      ).toBe('unchanged');
      const page = await store.history('p', { after: 0, limit: 10 });
      expect(page.events.map((e) => [e.kind, e.target?.id, e.body])).toEqual([
        ['join', undefined, ''],
        ['invite', bob.id, ''],
        ['role', bob.id, 'moderator'],
      ]);
      await store.close();
    });

    it('kicks and bans in the same write as the event; a banned user cannot join until unbanned', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r', { ownerId: alice.id });
      await store.append({ room: 'r', sender: bob, kind: 'join', body: '' });
      expect((await store.append({ room: 'r', sender: alice, kind: 'kick', body: '', target: bob })).status).toBe(
        'appended',
      );
      expect(await store.isMember('r', bob.id)).toBe(false);
      expect((await store.append({ room: 'r', sender: alice, kind: 'kick', body: '', target: bob })).status).toBe(
        'unchanged',
      );
      // Kicked from a public room: may rejoin.
      expect((await store.append({ room: 'r', sender: bob, kind: 'join', body: '' })).status).toBe('appended');
      expect((await store.append({ room: 'r', sender: alice, kind: 'ban', body: '', target: bob })).status).toBe(
        'appended',
      );
      expect(await store.isMember('r', bob.id)).toBe(false);
      expect(await store.isBanned('r', bob.id)).toBe(true);
      expect(await store.append({ room: 'r', sender: bob, kind: 'join', body: '' })).toEqual({ status: 'forbidden' });
      expect((await store.append({ room: 'r', sender: alice, kind: 'ban', body: '', target: bob })).status).toBe(
        'unchanged',
      );
      expect((await store.append({ room: 'r', sender: alice, kind: 'unban', body: '', target: bob })).status).toBe(
        'appended',
      );
      expect(await store.isBanned('r', bob.id)).toBe(false);
      expect((await store.append({ room: 'r', sender: bob, kind: 'join', body: '' })).status).toBe('appended');
      expect(await store.append({ room: 'nope', sender: alice, kind: 'ban', body: '', target: bob })).toEqual({
        status: 'no_room',
      });
      // Survives a restart.
      const reopened = await factory.reopen(store);
      expect(await reopened.roleOf('r', alice.id)).toBe('owner');
      expect((await reopened.history('r', { after: 0, limit: 10 })).events.map((e) => e.kind)).toEqual([
        'join',
        'kick',
        'join',
        'ban',
        'unban',
        'join',
      ]);
      await reopened.close();
    });

    it('finds a user id by its latest session nickname', async () => {
      const store = await factory.open();
      await store.createSession(alice);
      expect(await store.findUser(alice.id)).toEqual(alice);
      expect(await store.findUser('u-nobody')).toBeUndefined();
      await store.close();
    });

    it('keeps sessions by token', async () => {
      const store = await factory.open();
      const token = await store.createSession(alice);
      expect(await store.findSession(token)).toEqual(alice);
      expect(await store.findSession(`${token}x`)).toBeUndefined();
      await store.close();
    });

    it('creates accounts with usernames unique case-insensitively', async () => {
      const store = await factory.open();
      const made = await store.createAccount({ id: 'a1', username: 'Ada', passwordHash: 'scrypt$x' });
      expect(made).toMatchObject({ id: 'a1', username: 'Ada', passwordHash: 'scrypt$x' });
      expect(made?.createdAt).toBeGreaterThan(0);
      expect(await store.createAccount({ id: 'a2', username: 'ada', passwordHash: 'scrypt$y' })).toBeUndefined();
      expect(await store.findAccount('ADA')).toEqual(made);
      expect(await store.getAccount('a1')).toEqual(made);
      expect(await store.findAccount('bob')).toBeUndefined();
      expect(await store.getAccount('a2')).toBeUndefined();
      await store.close();
    });

    it('rotates refresh tokens once within their login session, refuses expired ones, and a replay ends all', async () => {
      const store = await factory.open();
      await store.createAccount({ id: 'a1', username: 'ada', passwordHash: 'h' });
      const later = Date.now() + 60_000;
      const s1 = await store.createLoginSession('a1', 't1', later);
      const s2 = await store.createLoginSession('a1', 'other', later);
      expect(s1).not.toBe(s2);
      expect(await store.loginSessionActive(s1)).toBe(true);
      expect(await store.rotateRefreshToken('t1', 't2', later)).toEqual({
        status: 'rotated',
        userId: 'a1',
        sessionId: s1,
      });
      expect(await store.rotateRefreshToken('unknown', 'x', later)).toEqual({ status: 'invalid' });
      expect(await store.rotateRefreshToken('t2', 't3', later, later + 1)).toEqual({ status: 'invalid' });
      // t1 was rotated away: presenting it again ends both sessions of the user.
      const replay = await store.rotateRefreshToken('t1', 'x', later);
      expect(replay.status).toBe('replayed');
      expect(replay.status === 'replayed' && [...replay.ended].sort()).toEqual([s1, s2].sort());
      expect(await store.rotateRefreshToken('t2', 't3', later)).toEqual({ status: 'invalid' });
      expect(await store.rotateRefreshToken('other', 'x', later)).toEqual({ status: 'invalid' });
      expect(await store.loginSessionActive(s1)).toBe(false);
      expect(await store.loginSessionActive(s2)).toBe(false);
      // A token of an ended session coming back again is refused without ending anything new.
      expect(await store.rotateRefreshToken('t1', 'y', later)).toEqual({ status: 'invalid' });
      expect(await store.loginSessionActive('no-such-session')).toBe(false);
      await store.close();
    });

    it('ends one login session by any of its refresh tokens, or all of the user’s', async () => {
      const store = await factory.open();
      await store.createAccount({ id: 'a1', username: 'ada', passwordHash: 'h' });
      await store.createAccount({ id: 'b1', username: 'bob', passwordHash: 'h' });
      const later = Date.now() + 60_000;
      const phone = await store.createLoginSession('a1', 'p1', later);
      const laptop = await store.createLoginSession('a1', 'l1', later);
      const tablet = await store.createLoginSession('a1', 'x1', later);
      const bobs = await store.createLoginSession('b1', 'b1', later);
      expect(await store.rotateRefreshToken('p1', 'p2', later)).toMatchObject({ status: 'rotated', sessionId: phone });
      // The rotated-away p1 still names its session for logout (a client that lost the newest token).
      expect(await store.endLoginSessions('p1')).toEqual([phone]);
      expect(await store.endLoginSessions('p2')).toEqual([]);
      expect(await store.loginSessionActive(phone)).toBe(false);
      expect(await store.rotateRefreshToken('p2', 'p3', later)).toEqual({ status: 'invalid' });
      // The user's other sessions and other users are untouched.
      expect(await store.loginSessionActive(laptop)).toBe(true);
      expect(await store.rotateRefreshToken('l1', 'l2', later)).toMatchObject({ status: 'rotated', sessionId: laptop });
      expect(await store.endLoginSessions('unknown')).toEqual([]);
      expect((await store.endLoginSessions('l2', true)).sort()).toEqual([laptop, tablet].sort());
      expect(await store.rotateRefreshToken('x1', 'x2', later)).toEqual({ status: 'invalid' });
      expect(await store.loginSessionActive(bobs)).toBe(true);
      expect(await store.rotateRefreshToken('b1', 'b2', later)).toMatchObject({ status: 'rotated', sessionId: bobs });
      await store.close();
    });

    it('keeps accounts and refresh tokens across a reopen', async () => {
      const store = await factory.open();
      await store.createAccount({ id: 'a1', username: 'ada', passwordHash: 'h' });
      const live = await store.createLoginSession('a1', 'keep', Date.now() + 60_000);
      const gone = await store.createLoginSession('a1', 'gone', Date.now() + 60_000);
      await store.endLoginSessions('gone');
      const again = await factory.reopen(store);
      expect(await again.findAccount('ada')).toMatchObject({ id: 'a1' });
      expect((await again.rotateRefreshToken('keep', 'n', Date.now() + 60_000)).status).toBe('rotated');
      expect(await again.loginSessionActive(live)).toBe(true);
      expect(await again.loginSessionActive(gone)).toBe(false);
      await again.close();
    });

    it('keeps upload metadata and copies it into file messages, which resend by file id', async () => {
      const store = await factory.open();
      await store.createRoom('r', 'r');
      const meta = { id: 'f1', name: 'cat.png', size: 10, type: 'image/png', width: 4, height: 3, thumb: true };
      await store.createFile({ ...meta, room: 'r', uploaderId: alice.id, createdAt: 1 });
      await store.createFile({
        id: 'f2',
        name: 'a.txt',
        size: 2,
        type: 'text/plain',
        room: 'r',
        uploaderId: alice.id,
        createdAt: 2,
      });
      expect(await store.getFile('f1')).toEqual({ ...meta, room: 'r', uploaderId: alice.id, createdAt: 1 });
      expect(await store.getFile('f2')).toEqual({
        id: 'f2',
        name: 'a.txt',
        size: 2,
        type: 'text/plain',
        room: 'r',
        uploaderId: alice.id,
        createdAt: 2,
      });
      const sent = await store.append({ room: 'r', sender: alice, cid: 'i', kind: 'image', body: '', file: meta });
      expect(sent).toMatchObject({ status: 'appended', event: { kind: 'image', file: meta } });
      expect(
        (await store.append({ room: 'r', sender: alice, cid: 'i', kind: 'image', body: '', file: meta })).status,
      ).toBe('duplicate');
      const other = { id: 'f2', name: 'a.txt', size: 2, type: 'text/plain' };
      expect(
        (await store.append({ room: 'r', sender: alice, cid: 'i', kind: 'image', body: '', file: other })).status,
      ).toBe('conflict');
      const again = await factory.reopen(store);
      expect((await again.history('r', { limit: 10 })).events[0]).toMatchObject({ seq: 1, file: meta });
      expect(await again.deleteFile('f1')).toBe(true);
      expect(await again.getFile('f1')).toBeUndefined();
      expect(await again.deleteFile('f1')).toBe(false);
      // The message keeps its copy of the metadata.
      expect((await again.message('r', 1))?.event.file).toEqual(meta);
      await again.close();
    });

    it('keeps everything across a reopen', async () => {
      const store = await factory.open();
      const room = await store.createRoom('r', 'r');
      await store.append({ room: 'r', sender: alice, cid: 'k', kind: 'text', body: 'kept' });
      const token = await store.createSession(alice);
      const again = await factory.reopen(store);
      expect(await again.getRoom('r')).toMatchObject({ epoch: room?.epoch, head: 1 });
      expect((await again.append({ room: 'r', sender: alice, cid: 'k', kind: 'text', body: 'kept' })).status).toBe(
        'duplicate',
      );
      expect(await again.findSession(token)).toEqual(alice);
      await again.close();
    });
  });
}
