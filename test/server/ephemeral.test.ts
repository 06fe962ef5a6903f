/** Typing signals are forwarded, throttled and never stored. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.dispose();
});

describe('typing', () => {
  it('reaches the others in the room once per throttle window, is never echoed and never stored', async () => {
    const a = await RawClient.connect(server.wsUrl, 'typist');
    const b = await RawClient.connect(server.wsUrl, 'watcher');
    const outside = await RawClient.connect(server.wsUrl, 'outside');
    await a.request('joined', { type: 'join', id: 'j', room: 'general' });
    const head = (await b.request('joined', { type: 'join', id: 'j', room: 'general' })).room.head;

    for (let i = 0; i < 5; i++) a.sendJson({ type: 'typing', room: 'general', on: true });
    a.sendJson({ type: 'typing', room: 'general', on: false });
    // Not in the room: ignored without an error.
    outside.sendJson({ type: 'typing', room: 'general', on: true });
    await a.request('pong', { type: 'ping', id: 'sync' });
    const off = await b.next('typing', (t) => !t.on);
    expect(off.user).toEqual(a.welcome.user);
    await b.request('pong', { type: 'ping', id: 'sync' });
    const typing = b.frames.filter((f) => f.type === 'typing');
    expect(typing.map((t) => t.type === 'typing' && [t.user.nick, t.on])).toEqual([
      ['typist', true],
      ['typist', false],
    ]);
    expect(a.frames.some((f) => f.type === 'typing')).toBe(false);
    expect(outside.frames.some((f) => f.type === 'error')).toBe(false);
    const page = await b.request('history', { type: 'history', id: 'h', room: 'general', after: head });
    expect(page.events).toEqual([]);
    for (const c of [a, b, outside]) c.close();
  });
});
