/**
 * `join {after: 0}` reads a room from its first event, with or without an epoch: the client holds
 * nothing that could be stale (issue 10, protocol rough edges). `after` > 0 still needs the epoch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../support/raw-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

const ROOM = 'general';
let server: TestServer;
let head = 0;
let epoch = '';

beforeAll(async () => {
  server = await startServer();
  const writer = await RawClient.connect(server.wsUrl, 'writer');
  await writer.request('joined', { type: 'join', id: 'j', room: ROOM });
  for (let n = 0; n < 5; n++) {
    const ack = await writer.request('ack', { type: 'send', id: `m${n}`, room: ROOM, kind: 'text', body: `hi ${n}` });
    head = ack.seq;
  }
  const joined = await writer.request('joined', { type: 'join', id: 'j2', room: ROOM });
  epoch = joined.room.epoch;
  writer.close();
});

afterAll(() => server?.dispose());

/** Joins as a new user and returns the answer and the seqs replayed before the presence frame. */
async function joinAs(
  nick: string,
  frame: Record<string, unknown>,
): Promise<{ from: number; reset: boolean; seqs: number[] }> {
  const c = await RawClient.connect(server.wsUrl, nick);
  try {
    const joined = await c.request('joined', { type: 'join', id: 'j', room: ROOM, ...frame });
    await c.next('presence');
    return { from: joined.from, reset: joined.reset, seqs: c.events(ROOM) };
  } finally {
    c.close();
  }
}

const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('join after 0', () => {
  it('replays the whole log from seq 1 without an epoch', async () => {
    const { from, reset, seqs } = await joinAs('first', { after: 0 });
    expect(from).toBe(0);
    expect(reset).toBe(false);
    // Everything up to the head seen at the start, then the reader's own join event, once each.
    expect(seqs.slice(0, head)).toEqual(upTo(head));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('replays from seq 1 whatever epoch is sent with it', async () => {
    const { from, reset, seqs } = await joinAs('second', { after: 0, epoch: 'not-this-room' });
    expect(from).toBe(0);
    expect(reset).toBe(false);
    expect(seqs.slice(0, head)).toEqual(upTo(head));
  });

  it('still answers reset from the head for after > 0 without the room’s epoch', async () => {
    const other = await joinAs('third', { after: 2 });
    expect(other.reset).toBe(true);
    expect(other.from).toBeGreaterThanOrEqual(head);
    const right = await joinAs('fourth', { after: 2, epoch });
    expect(right.reset).toBe(false);
    expect(right.from).toBe(2);
    expect(right.seqs.slice(0, head - 2)).toEqual(upTo(head).slice(2));
  });
});
