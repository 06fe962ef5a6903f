/** Edits, deletes, reactions and membership changes are room log events with their own seq. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let alice: RawClient & { welcome: { session: string; user: { id: string } } };
let bob: RawClient;
const ROOM = 'mutations';

const send = (c: RawClient, id: string, body: string) =>
  c.request('ack', { type: 'send', id, room: ROOM, kind: 'text', body });

beforeAll(async () => {
  server = await startServer();
  alice = await RawClient.connect(server.wsUrl, 'alice');
  bob = await RawClient.connect(server.wsUrl, 'bob');
  await alice.request('room', { type: 'create', id: 'c', room: ROOM });
  await alice.request('joined', { type: 'join', id: 'j', room: ROOM });
  await bob.request('joined', { type: 'join', id: 'j', room: ROOM });
});

afterAll(async () => {
  alice.close();
  bob.close();
  await server.dispose();
});

describe('mutation events', () => {
  it('edits, reacts to and deletes a message, each as a new seq that refers to it', async () => {
    const msg = await send(alice, 'm1', 'helo');
    const edit = await alice.request('ack', { type: 'edit', id: 'e1', room: ROOM, ref: msg.seq, body: 'hello' });
    const react = await bob.request('ack', {
      type: 'react',
      id: 'r1',
      room: ROOM,
      ref: msg.seq,
      emoji: '👍',
      on: true,
    });
    const unreact = await bob.request('ack', {
      type: 'react',
      id: 'r2',
      room: ROOM,
      ref: msg.seq,
      emoji: '👍',
      on: false,
    });
    const del = await alice.request('ack', { type: 'delete', id: 'd1', room: ROOM, ref: msg.seq });
    expect([edit.seq, react.seq, unreact.seq, del.seq]).toEqual([msg.seq + 1, msg.seq + 2, msg.seq + 3, msg.seq + 4]);

    const seen = await bob.next('event', (e) => e.seq === del.seq);
    expect(seen).toMatchObject({ kind: 'delete', ref: msg.seq, body: '', sender: { nick: 'alice' } });
    const page = await bob.request('history', { type: 'history', id: 'h', room: ROOM, after: msg.seq });
    expect(page.events.map((e) => [e.kind, e.ref, e.body, e.sender.nick])).toEqual([
      ['edit', msg.seq, 'hello', 'alice'],
      ['react', msg.seq, '👍', 'bob'],
      ['unreact', msg.seq, '👍', 'bob'],
      ['delete', msg.seq, '', 'alice'],
    ]);
  });

  it('refuses changes to others’ messages, missing targets and deleted messages', async () => {
    const msg = await send(alice, 'm2', 'mine');
    const expectError = (c: RawClient, frame: Record<string, unknown> & { id: string }, code: string) =>
      expect(c.request('ack', frame)).rejects.toMatchObject({ frame: { code, id: frame.id } });
    await expectError(bob, { type: 'edit', id: 'x1', room: ROOM, ref: msg.seq, body: 'hacked' }, 'not_allowed');
    await expectError(bob, { type: 'delete', id: 'x2', room: ROOM, ref: msg.seq }, 'not_allowed');
    await expectError(alice, { type: 'edit', id: 'x3', room: ROOM, ref: 99_999, body: 'x' }, 'target_not_found');
    // Membership events are not messages.
    await expectError(
      alice,
      { type: 'react', id: 'x4', room: ROOM, ref: 1, emoji: '👍', on: true },
      'target_not_found',
    );
    await expectError(alice, { type: 'edit', id: 'x5', room: ROOM, ref: msg.seq, body: '  ' }, 'body_empty');
    await alice.request('ack', { type: 'delete', id: 'x6', room: ROOM, ref: msg.seq });
    await expectError(alice, { type: 'edit', id: 'x7', room: ROOM, ref: msg.seq, body: 'again' }, 'target_deleted');
    await expectError(
      bob,
      { type: 'react', id: 'x8', room: ROOM, ref: msg.seq, emoji: '🎉', on: true },
      'target_deleted',
    );
  });

  it('is idempotent on the client id like send', async () => {
    const msg = await send(alice, 'm3', 'typo');
    const frame = { type: 'edit', id: 'e3', room: ROOM, ref: msg.seq, body: 'fixed' };
    const first = await alice.request('ack', frame);
    const again = await alice.request('ack', frame);
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });
  });

  it('replays mutations to a client that was away', async () => {
    const msg = await send(alice, 'm4', 'before');
    const lastSeen = msg.seq;
    const epoch = (await bob.request('rooms', { type: 'rooms', id: 'r' })).rooms.find((r) => r.name === ROOM)?.epoch;
    await bob.next('event', (e) => e.seq === lastSeen);
    bob.close();
    await bob.closed;
    const edit = await alice.request('ack', { type: 'edit', id: 'e4', room: ROOM, ref: msg.seq, body: 'after' });
    bob = await RawClient.connect(
      server.wsUrl,
      'bob',
      (bob as RawClient & { welcome: { session: string } }).welcome.session,
    );
    await bob.request('joined', { type: 'join', id: 'j2', room: ROOM, after: lastSeen, epoch });
    expect(await bob.next('event', (e) => e.seq === edit.seq)).toMatchObject({
      kind: 'edit',
      ref: msg.seq,
      body: 'after',
    });
  });
});

describe('membership events', () => {
  it('logs a join when someone becomes a member and a leave when they leave', async () => {
    const carol = await RawClient.connect(server.wsUrl, 'carol');
    await carol.request('joined', { type: 'join', id: 'j', room: ROOM });
    const joined = await alice.next('event', (e) => e.kind === 'join' && e.sender.nick === 'carol');
    // Joining again (another tab, a reconnect) is not a membership change.
    await carol.request('joined', { type: 'join', id: 'j2', room: ROOM });
    await carol.request('left', { type: 'leave', id: 'l', room: ROOM });
    const left = await alice.next('event', (e) => e.kind === 'leave' && e.sender.nick === 'carol');
    expect(left.seq).toBe(joined.seq + 1);
    carol.close();
  });
});
