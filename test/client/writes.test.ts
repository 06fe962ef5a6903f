/** edit, remove and react against a real server: acks, the events they make, errors, and the outbox. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxChange } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { inState, makeClient, roomName, waitUntil } from './helpers.ts';
import { storedLog, written } from './stored-log.ts';

let server: TestServer;

beforeEach(async () => {
  server = await startServer({ args: ['--shutdown-spread-ms', '100'] });
});

afterEach(async () => {
  await server?.dispose();
});

describe('edit, remove, react', () => {
  it('resolve with acks and produce events with the right kind and ref', async () => {
    const c = makeClient(server.wsUrl, 'edie');
    const changes: OutboxChange[] = [];
    c.on('outbox', (o) => changes.push(o));
    const name = roomName();
    await c.createRoom(name);
    await c.join(name);

    const msg = await c.send(name, 'hello');
    const edit = await c.edit(name, msg.seq, 'hello, world');
    const react = await c.react(name, msg.seq, '👍');
    const unreact = await c.react(name, msg.seq, '👍', false);
    const del = await c.remove(name, msg.seq);
    const acks = [msg, edit, react, unreact, del];
    expect(acks.every((a) => a.room === name && !a.duplicate)).toBe(true);
    expect(acks.map((a) => a.seq)).toEqual([...acks.map((a) => a.seq)].sort((x, y) => x - y));

    await waitUntil(() => c.lastSeq(name) === del.seq, { what: 'the delete event' });
    const mine = written(c.seen.room(name));
    expect(mine.map((e) => [e.cid, e.kind, e.ref, e.body])).toEqual([
      [msg.id, 'text', undefined, 'hello'],
      [edit.id, 'edit', msg.seq, 'hello, world'],
      [react.id, 'react', msg.seq, '👍'],
      [unreact.id, 'unreact', msg.seq, '👍'],
      [del.id, 'delete', msg.seq, ''],
    ]);
    expect(mine.map((e) => e.seq)).toEqual(acks.map((a) => a.seq));
    expect(mine.every((e) => e.sender.id === c.user?.id)).toBe(true);

    // Every write went through the outbox: added, then acked, and nothing is left.
    expect(changes.map((o) => `${o.change}:${o.entry.frame.type}`)).toEqual(
      ['send', 'edit', 'react', 'react', 'delete'].flatMap((t) => [`added:${t}`, `acked:${t}`]),
    );
    expect(c.pending()).toEqual([]);
  });

  it('reject and drop writes the server refuses for good', async () => {
    const a = makeClient(server.wsUrl, 'fay');
    const b = makeClient(server.wsUrl, 'gus');
    const name = roomName();
    await a.createRoom(name);
    await Promise.all([a.join(name), b.join(name)]);
    const msg = await a.send(name, 'mine');

    await expect(b.edit(name, msg.seq, 'not yours')).rejects.toMatchObject({ code: 'not_allowed', retryable: false });
    await expect(b.remove(name, msg.seq)).rejects.toMatchObject({ code: 'not_allowed' });
    expect((await b.react(name, msg.seq, '🎉')).room).toBe(name); // anyone may react
    await expect(a.react(name, 999_999, '🎉')).rejects.toMatchObject({ code: 'target_not_found' });
    await a.remove(name, msg.seq);
    await expect(a.edit(name, msg.seq, 'too late')).rejects.toMatchObject({ code: 'target_deleted' });
    await expect(a.edit(roomName(), 1, 'x')).rejects.toMatchObject({ code: 'not_member' });
    expect(a.pending()).toEqual([]);
    expect(b.pending()).toEqual([]);
  });

  it('are queued while disconnected and delivered once after reconnect, in order', async () => {
    const c = makeClient(server.wsUrl, 'hal');
    const name = roomName();
    await c.createRoom(name);
    await c.join(name);
    const first = await c.send(name, 'first');

    await server.stop();
    await inState(c, 'reconnecting');
    const queued = [
      c.edit(name, first.seq, 'first (edited)'),
      c.react(name, first.seq, '👀'),
      c.send(name, 'second'),
      c.remove(name, first.seq),
    ];
    expect(c.pending().map((p) => [p.frame.type, p.status, p.restored])).toEqual([
      ['edit', 'pending', false],
      ['react', 'pending', false],
      ['send', 'pending', false],
      ['delete', 'pending', false],
    ]);
    await server.restart();

    const acks = await Promise.all(queued);
    expect(new Set(acks.map((a) => a.seq)).size).toBe(4);
    const log = written(await storedLog(server.wsUrl, name));
    expect(log.map((e) => [e.kind, e.body])).toEqual([
      ['text', 'first'],
      ['edit', 'first (edited)'],
      ['react', '👀'],
      ['text', 'second'],
      ['delete', ''],
    ]);
    expect(log.map((e) => e.cid)).toEqual([first.id, ...acks.map((a) => a.id)]);
    expect(c.pending()).toEqual([]);
  });
});
