/**
 * Reading a public room before joining it (the directory's preview), what a stranger may not read,
 * the room list leaving out rooms you are banned from, and file names in search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, HistoryFrame, RoomsFrame, WelcomeFrame } from '../../src/protocol/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

type Client = RawClient & { welcome: WelcomeFrame };

let server: TestServer;
let olga: Client; // owns the rooms
let sam: Client; // a stranger to all of them
let n = 0;
const rid = (p: string) => `${p}-${++n}`;
const uid = (c: Client) => c.welcome.user.id;
const ack = (c: RawClient, frame: Record<string, unknown>) => c.request('ack', { id: rid('a'), ...frame });
const history = (c: RawClient, room: string, extra: Record<string, unknown> = {}): Promise<HistoryFrame> =>
  c.request('history', { type: 'history', id: rid('h'), room, ...extra });
const rooms = (c: RawClient): Promise<RoomsFrame> => c.request('rooms', { type: 'rooms', id: rid('r') });
const refusal = async (c: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> => {
  try {
    await c.request('history', { id: rid('x'), ...frame });
  } catch (err) {
    return (err as { frame: ErrorFrame }).frame;
  }
  throw new Error(`${JSON.stringify(frame)} was not refused`);
};

beforeAll(async () => {
  server = await startServer();
  olga = await RawClient.connect(server.wsUrl, 'olga');
  sam = await RawClient.connect(server.wsUrl, 'sam');
  await olga.request('room', { type: 'create', id: rid('c'), room: 'lobby' });
  await olga.request('room', { type: 'create', id: rid('c'), room: 'vault', visibility: 'private' });
  for (const room of ['lobby', 'vault']) await olga.request('joined', { type: 'join', id: rid('j'), room });
  for (const body of ['one', 'two', 'three']) await ack(olga, { type: 'send', room: 'lobby', kind: 'text', body });
  await ack(olga, { type: 'send', room: 'vault', kind: 'text', body: 'launch codes' });
});

afterAll(async () => {
  for (const c of [olga, sam]) c.close();
  await server.dispose();
});

describe('previewing a public room', () => {
  it('a non-member reads the latest page without joining, announcing or subscribing', async () => {
    const before = (await history(olga, 'lobby')).head;
    const page = await history(sam, 'lobby', { limit: 2 });
    expect(page.events.map((e) => e.body)).toEqual(['two', 'three']);
    expect(page.more).toBe(true);
    // Nothing was written: the head did not move, sam is not a member, and olga saw no join.
    expect((await history(olga, 'lobby')).head).toBe(before);
    const members = await olga.request('members', { type: 'members', id: rid('m'), room: 'lobby' });
    expect(members.members.map((m: { user: { nick: string } }) => m.user.nick)).toEqual(['olga']);
    expect(((await rooms(sam)).unread ?? []).map((u) => u.room)).not.toContain('lobby');
    // Not subscribed: a later message does not reach sam, and sam cannot write there.
    const later = await ack(olga, { type: 'send', room: 'lobby', kind: 'text', body: 'four' });
    await sam.request('pong', { type: 'ping', id: rid('p') });
    expect(sam.events('lobby').filter((s) => s >= later.seq)).toEqual([]);
    const write = await refusal(sam, { type: 'send', room: 'lobby', kind: 'text', body: 'hi' });
    expect(write.code).toBe('not_member');
  });

  it('a stranger cannot preview a private room or a DM: they answer as missing rooms', async () => {
    for (const room of ['vault', 'nowhere']) {
      const err = await refusal(sam, { type: 'history', room, after: 0 });
      expect(err.code).toBe('room_not_found');
      expect(err.message).toBe(`Room "${room}" does not exist`);
    }
    const dm = await olga.request('room', { type: 'dm', id: rid('d'), users: [uid(sam)] });
    await olga.request('joined', { type: 'join', id: rid('j'), room: dm.room.name });
    await ack(olga, { type: 'send', room: dm.room.name, kind: 'text', body: 'psst' });
    const mallory = (await RawClient.connect(server.wsUrl, 'mallory')) as Client;
    expect((await refusal(mallory, { type: 'history', room: dm.room.name })).code).toBe('room_not_found');
    // Hostile paging parameters are refused by the schema, not read.
    for (const bad of [{ before: -1 }, { after: 1.5 }, { limit: 100000 }, { room: '../vault' }]) {
      expect((await refusal(mallory, { type: 'history', room: 'lobby', ...bad })).code).toMatch(
        /bad_frame|room_invalid/,
      );
    }
    expect((await rooms(mallory)).rooms.map((r) => r.name)).not.toContain('vault');
    mallory.close();
  });

  it('a banned user can neither preview the room nor find it in the list, until unbanned', async () => {
    const vic = (await RawClient.connect(server.wsUrl, 'vic')) as Client;
    await vic.request('joined', { type: 'join', id: rid('j'), room: 'lobby' });
    expect((await rooms(vic)).rooms.map((r) => r.name)).toContain('lobby');
    await ack(olga, { type: 'ban', room: 'lobby', user: uid(vic) });
    await vic.next('removed', (f) => f.room === 'lobby');
    expect((await refusal(vic, { type: 'history', room: 'lobby' })).code).toBe('banned');
    expect((await rooms(vic)).rooms.map((r) => r.name)).not.toContain('lobby');
    // A ban of someone who never joined hides the room too.
    await ack(olga, { type: 'ban', room: 'lobby', user: uid(sam) });
    expect((await rooms(sam)).rooms.map((r) => r.name)).not.toContain('lobby');
    await ack(olga, { type: 'unban', room: 'lobby', user: uid(vic) });
    expect((await rooms(vic)).rooms.map((r) => r.name)).toContain('lobby');
    expect((await history(vic, 'lobby', { limit: 1 })).events).toHaveLength(1);
    await ack(olga, { type: 'unban', room: 'lobby', user: uid(sam) });
    vic.close();
  });
});

describe('file names in search', () => {
  const upload = async (c: Client, room: string, name: string): Promise<string> => {
    const res = await fetch(`${server.url}/api/rooms/${room}/files?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { Authorization: `Session ${c.welcome.session}`, 'Content-Type': 'text/plain' },
      body: 'quarter figures\n',
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { file: { id: string } }).file.id;
  };
  const search = (c: RawClient, q: string) => c.request('results', { type: 'search', id: rid('s'), q });

  it('finds a file by its name, shows the caption alone as the body, and keeps the name after an edit', async () => {
    const file = await upload(olga, 'lobby', 'Quarterly-Report_2026.txt');
    const sent = await ack(olga, { type: 'send', room: 'lobby', kind: 'file', file, body: 'the numbers' });
    const byName = await search(olga, 'quarterly-report');
    expect(byName.results).toHaveLength(1);
    expect(byName.results[0]).toMatchObject({
      seq: sent.seq,
      body: 'the numbers',
      file: { name: 'Quarterly-Report_2026.txt' },
    });
    expect((await search(olga, 'numbers')).results.map((r: { seq: number }) => r.seq)).toEqual([sent.seq]);
    await ack(olga, { type: 'edit', room: 'lobby', ref: sent.seq, body: 'the final numbers' });
    const after = await search(olga, 'report_2026');
    expect(after.results.map((r: { body: string }) => r.body)).toEqual(['the final numbers']);
    // A caption that merely ends like a file name is left whole.
    const text = await ack(olga, { type: 'send', room: 'lobby', kind: 'text', body: 'see\nQuarterly-Report_2026.txt' });
    const both = await search(olga, 'quarterly');
    expect(both.results.map((r: { seq: number; body: string }) => [r.seq, r.body])).toEqual([
      [text.seq, 'see\nQuarterly-Report_2026.txt'],
      [sent.seq, 'the final numbers'],
    ]);
    // Deleting the message takes its name out of search too.
    await ack(olga, { type: 'delete', room: 'lobby', ref: sent.seq });
    expect((await search(olga, 'report_2026')).results.map((r: { seq: number }) => r.seq)).toEqual([text.seq]);
  });
});
