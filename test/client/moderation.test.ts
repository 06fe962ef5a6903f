/** The SDK's authorization surface against a real server: private rooms, moderation, `removed`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, next, roomName, waitUntil } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

describe('SDK moderation', () => {
  it('creates a private room, invites by user id, and a kick makes the member forget it', async () => {
    const owner = makeClient(server.wsUrl, 'sdk-owner');
    const guest = makeClient(server.wsUrl, 'sdk-guest');
    await Promise.all([inState(owner, 'connected'), inState(guest, 'connected')]);
    const name = roomName('priv');
    const info = await owner.createRoom(name, 'Private', { visibility: 'private' });
    expect(info.visibility).toBe('private');
    await owner.join(name);
    expect((await guest.rooms()).map((r) => r.name)).not.toContain(name);
    await expect(guest.join(name)).rejects.toMatchObject({ code: 'room_not_found' });

    const guestId = guest.user?.id as string;
    const invited = await owner.invite(name, guestId);
    expect(invited).toMatchObject({ room: name, duplicate: false });
    expect(await owner.invite(name, guestId)).toMatchObject({ duplicate: true });
    await guest.join(name);
    await guest.send(name, 'hi');
    await expect(guest.kick(name, owner.user?.id as string)).rejects.toMatchObject({ code: 'forbidden' });

    const removed = next(guest, 'removed', (r) => r.room === name);
    await owner.kick(name, guestId);
    expect(await removed).toMatchObject({ room: name, reason: 'kick', by: { nick: 'sdk-owner' } });
    expect(guest.lastSeq(name)).toBeUndefined();
    await expect(guest.send(name, 'still here?')).rejects.toBeInstanceOf(ClientError);
    await expect(guest.join(name)).rejects.toMatchObject({ code: 'room_not_found' });
  });

  it('a write queued before reconnecting fails with `banned` when the room turns out banned', async () => {
    const owner = makeClient(server.wsUrl, 'sdk-boss');
    const first = makeClient(server.wsUrl, 'sdk-vic');
    const name = roomName('pub');
    await owner.createRoom(name);
    await owner.join(name);
    await first.join(name);
    const user = first.user?.id as string;
    const session = first.session as string;
    await owner.setRole(name, user, 'moderator');
    await owner.setRole(name, user, 'member');
    first.close();

    await owner.ban(name, user);
    const again = makeClient(server.wsUrl, 'sdk-vic', { session, userId: user, autoConnect: false });
    const joined = again.join(name);
    const sent = again.send(name, 'queued before the ban was known');
    again.connect();
    await expect(joined).rejects.toMatchObject({ code: 'banned' });
    await expect(sent).rejects.toMatchObject({ code: 'banned' });
    await waitUntil(() => again.pending().length === 0, { what: 'the outbox to drop the write' });
    const log = await owner.history(name, { after: 0 });
    expect(log.events.map((e) => e.body)).not.toContain('queued before the ban was known');
  });
});
