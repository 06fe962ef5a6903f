/** The SDK's DMs, room settings and member lists against a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmPeers } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, next, roomName } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

describe('SDK direct messages and room settings', () => {
  it('opens a DM the other user hears of with its first message, and they talk in it', async () => {
    const ada = makeClient(server.wsUrl, 'sdk-ada');
    const bo = makeClient(server.wsUrl, 'sdk-bo');
    await Promise.all([inState(ada, 'connected'), inState(bo, 'connected')]);
    const adaId = ada.user?.id as string;
    const boId = bo.user?.id as string;
    const invites: string[] = [];
    bo.on('user', (e) => {
      if (e.kind === 'member' && e.cause === 'invite') invites.push(e.room);
    });
    const room = await ada.dm([boId]);
    expect(dmPeers(room, adaId).map((u) => u.nick)).toEqual(['sdk-bo']);
    expect((await ada.dm([boId])).name).toBe(room.name);
    // Empty, it is not bo's yet: not among his rooms, nothing in his user log.
    expect((await bo.rooms()).some((r) => r.name === room.name)).toBe(false);

    const heard = next(bo, 'user', (e) => e.kind === 'member' && e.cause === 'invite' && e.room === room.name);
    await ada.join(room.name);
    const sent = await ada.send(room.name, 'psst');
    expect((await heard).ref).toBe(sent.seq - 1);
    expect(invites).toEqual([room.name]);
    const listed = (await bo.rooms()).find((r) => r.name === room.name);
    expect(dmPeers(listed ?? room, boId).map((u) => u.nick)).toEqual(['sdk-ada']);
    await bo.join(room.name);
    const { events } = await bo.history(room.name);
    expect(events.filter((e) => e.kind === 'text').map((e) => e.body)).toEqual(['psst']);
    expect((await bo.dm([adaId])).name).toBe(room.name);
    const got = next(ada, 'event', (e) => e.room === room.name && e.kind === 'text' && e.sender.id === boId);
    await bo.send(room.name, 'hey');
    expect((await got).body).toBe('hey');
    await expect(ada.dm([adaId])).rejects.toMatchObject({ code: 'dm_invalid' });
  });

  it('works between a guest and a signed-in account', async () => {
    const res = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'sdk-acct', password: 'correct horse battery' }),
    });
    const grant = (await res.json()) as { accessToken: string; user: { id: string; nick: string } };
    const acct = makeClient(server.wsUrl, 'sdk-acct', { token: () => grant.accessToken });
    const guest = makeClient(server.wsUrl, 'sdk-guest-dm');
    await Promise.all([inState(acct, 'connected'), inState(guest, 'connected')]);
    expect(acct.user?.id).toBe(grant.user.id);
    const heard = next(acct, 'user', (e) => e.kind === 'member' && e.cause === 'invite');
    const room = await guest.dm([grant.user.id]);
    await guest.join(room.name);
    await guest.send(room.name, 'from a guest');
    expect((await heard).room).toBe(room.name);
    const mine = (await acct.rooms()).find((r) => r.name === room.name);
    expect(dmPeers(mine ?? room, grant.user.id).map((u) => u.nick)).toEqual(['sdk-guest-dm']);
    await acct.join(room.name);
    const got = next(
      guest,
      'event',
      (e) => e.room === room.name && e.kind === 'text' && e.sender.id !== guest.user?.id,
    );
    await acct.send(room.name, 'from an account');
    expect((await got).sender).toEqual(grant.user);
  });

  it('renames, sets the topic and lists members; a plain member is refused', async () => {
    const own = makeClient(server.wsUrl, 'sdk-own');
    const mem = makeClient(server.wsUrl, 'sdk-mem');
    await Promise.all([inState(own, 'connected'), inState(mem, 'connected')]);
    const name = roomName('meta');
    await own.createRoom(name);
    await own.join(name);
    await mem.join(name);
    const seen = next(mem, 'event', (e) => e.room === name && e.kind === 'topic');
    const ack = await own.rename(name, 'New title');
    expect(ack).toMatchObject({ room: name, duplicate: false });
    await own.setTopic(name, 'A topic');
    expect((await seen).body).toBe('A topic');
    await expect(mem.rename(name, 'Mine')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(mem.setTopic(name, 'Mine')).rejects.toMatchObject({ code: 'forbidden' });
    const list = await mem.members(name);
    expect(list.members.map((m) => [m.user.nick, m.role])).toEqual([
      ['sdk-own', 'owner'],
      ['sdk-mem', 'member'],
    ]);
    expect((await mem.rooms()).find((r) => r.name === name)).toMatchObject({ title: 'New title', topic: 'A topic' });
  });
});
