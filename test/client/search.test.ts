/** client.search against a real server: typed pages, paging, errors, and a search across a reconnect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchPage } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, roomName } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

describe('client.search', () => {
  it('finds messages of joined rooms, pages with before, and narrows to one room', async () => {
    const c = makeClient(server.wsUrl, 'seeker');
    const [a, b] = [roomName('s'), roomName('s')];
    for (const r of [a, b]) {
      await c.createRoom(r);
      await c.join(r);
    }
    const acks = [];
    for (let i = 0; i < 5; i++) acks.push(await c.send(i % 2 ? a : b, `周报 weekly report ${i}`));
    const first: SearchPage = await c.search('周报 REPORT', { limit: 3 });
    expect(first.results.map((r) => [r.room, r.seq])).toEqual(
      acks
        .slice(2)
        .reverse()
        .map((k) => [k.room, k.seq]),
    );
    const hit = first.results[0]!;
    expect(hit).toMatchObject({
      kind: 'text',
      body: '周报 weekly report 4',
      sender: { id: c.user?.id, nick: c.user?.nick },
    });
    expect(hit.marks.map(([s, e]) => hit.snippet.slice(s, e))).toEqual(['周报', 'report']);
    expect(first.next).toBeTypeOf('number');
    const second = await c.search('周报 REPORT', { limit: 3, before: first.next });
    expect(second.results.map((r) => r.seq)).toEqual([acks[1]!.seq, acks[0]!.seq]);
    expect(second.next).toBeUndefined();
    const onlyA = await c.search('report', { room: a });
    expect(onlyA.results.map((r) => r.room)).toEqual([a, a]);
  });

  it('rejects with the server’s code and keeps working', async () => {
    const c = makeClient(server.wsUrl, 'asker');
    await expect(c.search('   ')).rejects.toMatchObject({ code: 'query_invalid', retryable: false });
    await expect(c.search('x', { room: 'no-such-room' })).rejects.toMatchObject({ code: 'room_not_found' });
    await expect(c.search('x'.repeat(500))).rejects.toMatchObject({ code: 'query_invalid' });
    expect((await c.search('nothing matches this')).results).toEqual([]);
  });

  it('sends a search made while disconnected once the connection is back', async () => {
    const c = makeClient(server.wsUrl, 'patient');
    const r = roomName('s');
    await c.createRoom(r);
    await c.join(r);
    const sent = await c.send(r, 'survives the restart');
    const restarting = server.restart();
    await inState(c, 'reconnecting');
    const pending = c.search('restart');
    await restarting;
    const page = await pending;
    expect(page.results.map((x) => [x.room, x.seq])).toEqual([[r, sent.seq]]);
  });
});
