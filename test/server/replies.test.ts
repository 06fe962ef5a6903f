/**
 * Replies (a send's `reply`) and the rules around changing messages that the web app relies on:
 * your role in `joined`, moderators deleting others' messages, and changes made while a member
 * was away reaching them through resume and history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let olga: Client; // owner
let mona: Client; // made a moderator
let mel: Client; // member
const ROOM = 'replies';
const OTHER = 'replies-other';
let n = 0;
const rid = (p: string) => `${p}-${++n}`;

const ack = (c: RawClient, frame: Record<string, unknown>) => c.request('ack', { id: rid('a'), ...frame });
const send = (c: RawClient, body: string, extra: Record<string, unknown> = {}) =>
  ack(c, { type: 'send', room: ROOM, kind: 'text', body, ...extra });
const errorOf = async (c: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> => {
  try {
    await c.request('ack', { id: rid('x'), ...frame });
  } catch (err) {
    return (err as { frame: ErrorFrame }).frame;
  }
  throw new Error(`${String(frame['type'])} was not refused`);
};

beforeAll(async () => {
  server = await startServer();
  olga = await RawClient.connect(server.wsUrl, 'olga');
  mona = await RawClient.connect(server.wsUrl, 'mona');
  mel = await RawClient.connect(server.wsUrl, 'mel');
  for (const room of [ROOM, OTHER]) {
    await olga.request('room', { type: 'create', id: rid('c'), room });
    await olga.request('joined', { type: 'join', id: rid('j'), room });
  }
  await mona.request('joined', { type: 'join', id: rid('j'), room: ROOM });
  await mel.request('joined', { type: 'join', id: rid('j'), room: ROOM });
  await ack(olga, { type: 'role', room: ROOM, user: mona.welcome.user.id, role: 'moderator' });
});

afterAll(async () => {
  for (const c of [olga, mona, mel]) c.close();
  await server.dispose();
});

describe('replies', () => {
  it('carries `reply` on the live event and in history', async () => {
    const original = await send(olga, 'lunch at noon?');
    const answer = await send(mel, 'yes!', { reply: original.seq });
    const live = await olga.next('event', (e) => e.seq === answer.seq);
    expect(live).toMatchObject({ kind: 'text', body: 'yes!', reply: original.seq, sender: { nick: 'mel' } });
    const page = await mona.request('history', { type: 'history', id: rid('h'), room: ROOM, after: original.seq - 1 });
    expect(page.events.map((e) => [e.seq, e.reply])).toEqual([
      [original.seq, undefined],
      [answer.seq, original.seq],
    ]);
  });

  it('may reply to a deleted message', async () => {
    const gone = await send(mel, 'oops');
    await ack(mel, { type: 'delete', room: ROOM, ref: gone.seq });
    const answer = await send(olga, 'what was that?', { reply: gone.seq });
    expect((await mel.next('event', (e) => e.seq === answer.seq)).reply).toBe(gone.seq);
  });

  it('refuses a reply to a missing seq, a mutation, a membership event or another room’s message', async () => {
    const msg = await send(olga, 'edit me');
    const edit = await ack(olga, { type: 'edit', room: ROOM, ref: msg.seq, body: 'edited' });
    const elsewhere = await ack(olga, { type: 'send', room: OTHER, kind: 'text', body: 'far away' });
    const head = (await olga.request('joined', { type: 'join', id: rid('j'), room: ROOM })).room.head;
    for (const reply of [head + 100, edit.seq, 1, elsewhere.seq + 1000]) {
      const err = await errorOf(mel, { type: 'send', room: ROOM, kind: 'text', body: 'hm', reply });
      expect(err).toMatchObject({ code: 'reply_not_found', retryable: false });
      expect(err.message).toContain(String(reply));
    }
    // Not a positive integer: a schema error.
    expect((await errorOf(mel, { type: 'send', room: ROOM, kind: 'text', body: 'hm', reply: 0 })).code).toBe(
      'bad_frame',
    );
    // Nothing was stored by the refusals.
    const after = (await olga.request('joined', { type: 'join', id: rid('j'), room: ROOM })).room.head;
    expect(after).toBe(head);
  });

  it('makes the reply part of the send’s identity: a resend with another reply is a conflict', async () => {
    const a = await send(olga, 'a');
    const b = await send(olga, 'b');
    const frame = { type: 'send', id: rid('s'), room: ROOM, kind: 'text', body: 'same', reply: a.seq };
    const first = await mel.request('ack', frame);
    expect(await mel.request('ack', frame)).toMatchObject({ seq: first.seq, duplicate: true });
    await expect(mel.request('ack', { ...frame, reply: b.seq })).rejects.toMatchObject({
      frame: { code: 'id_conflict' },
    });
  });
});

describe('roles and changes the app offers', () => {
  it('tells each member their role in `joined`', async () => {
    const role = async (c: RawClient) => (await c.request('joined', { type: 'join', id: rid('j'), room: ROOM })).role;
    expect(await role(olga)).toBe('owner');
    expect(await role(mona)).toBe('moderator');
    expect(await role(mel)).toBe('member');
  });

  it('lets a moderator delete a member’s message but not edit it; a member may edit only their own', async () => {
    const msg = await send(mel, 'spam spam');
    expect((await errorOf(mona, { type: 'edit', room: ROOM, ref: msg.seq, body: 'ham' })).code).toBe('not_allowed');
    expect((await errorOf(mel, { type: 'delete', room: ROOM, ref: (await send(olga, 'x')).seq })).code).toBe(
      'not_allowed',
    );
    const del = await ack(mona, { type: 'delete', room: ROOM, ref: msg.seq });
    expect(await mel.next('event', (e) => e.seq === del.seq)).toMatchObject({
      kind: 'delete',
      ref: msg.seq,
      sender: { nick: 'mona' },
    });
  });

  it('shows edits and deletes made while a member was away, on resume and in history', async () => {
    const edited = await send(olga, 'draft');
    const removed = await send(olga, 'secret');
    const rooms = await mel.request('rooms', { type: 'rooms', id: rid('r') });
    const epoch = rooms.rooms.find((r) => r.name === ROOM)?.epoch;
    await mel.next('event', (e) => e.seq === removed.seq);
    const session = mel.welcome.session;
    mel.close();
    await mel.closed;
    const edit = await ack(olga, { type: 'edit', room: ROOM, ref: edited.seq, body: 'final' });
    const del = await ack(mona, { type: 'delete', room: ROOM, ref: removed.seq });
    mel = await RawClient.connect(server.wsUrl, 'mel', session);
    await mel.request('joined', { type: 'join', id: rid('j'), room: ROOM, after: removed.seq, epoch });
    expect(await mel.next('event', (e) => e.seq === edit.seq)).toMatchObject({ kind: 'edit', body: 'final' });
    expect(await mel.next('event', (e) => e.seq === del.seq)).toMatchObject({ kind: 'delete', ref: removed.seq });
    const page = await mel.request('history', { type: 'history', id: rid('h'), room: ROOM, after: removed.seq });
    expect(page.events.map((e) => [e.kind, e.ref])).toEqual([
      ['edit', edited.seq],
      ['delete', removed.seq],
    ]);
  });
});
