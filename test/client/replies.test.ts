/** send with `reply`, and role(room), against a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import { makeClient, roomName, waitUntil } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

describe('replies', () => {
  it('send(room, body, { reply }) stores the reply and every member sees it on the event', async () => {
    const a = makeClient(server.wsUrl, 'rita');
    const b = makeClient(server.wsUrl, 'rob');
    const name = roomName();
    await a.createRoom(name);
    await Promise.all([a.join(name), b.join(name)]);
    const question = await a.send(name, 'tea?');
    const answer = await b.send(name, 'yes please', { reply: question.seq });
    await waitUntil(() => a.lastSeq(name) === answer.seq, { what: 'the reply event' });
    const event = a.seen.room(name).find((e) => e.seq === answer.seq);
    expect(event).toMatchObject({ kind: 'text', body: 'yes please', reply: question.seq, sender: { nick: 'rob' } });
    const page = await b.history(name, { after: question.seq - 1 });
    expect(page.events.map((e) => e.reply)).toEqual([undefined, question.seq]);
  });

  it('rejects a reply to something that is not a message of the room, and drops it', async () => {
    const a = makeClient(server.wsUrl, 'rhea');
    const name = roomName();
    await a.createRoom(name);
    await a.join(name);
    await expect(a.send(name, 'to nothing', { reply: 424_242 })).rejects.toMatchObject({
      code: 'reply_not_found',
      retryable: false,
    });
    expect(a.pending()).toEqual([]);
  });
});

describe('role(room)', () => {
  it('is the role the server gave at the join, and follows role events that name you', async () => {
    const owner = makeClient(server.wsUrl, 'orla');
    const member = makeClient(server.wsUrl, 'max');
    const name = roomName();
    expect(owner.role(name)).toBeUndefined();
    await owner.createRoom(name);
    await Promise.all([owner.join(name), member.join(name)]);
    expect(owner.role(name)).toBe('owner');
    expect(member.role(name)).toBe('member');
    const id = member.user?.id as string;
    await owner.setRole(name, id, 'moderator');
    await waitUntil(() => member.role(name) === 'moderator', { what: 'the promotion' });
    await owner.setRole(name, id, 'member');
    await waitUntil(() => member.role(name) === 'member', { what: 'the demotion' });
    expect(owner.role(name)).toBe('owner');
  });
});
