import { describe, expect, it } from 'vitest';
import { Outbox, toPending, toStored, type OutboxEntry } from '../../src/client/outbox.ts';
import { ClientError } from '../../src/client/errors.ts';

const entry = (id: string, room: string, extra: Partial<OutboxEntry> = {}): OutboxEntry => ({
  id,
  room,
  frame: { type: 'send', id, room, kind: 'text', body: id },
  createdAt: 1,
  restored: false,
  user: 'u1',
  persisted: true,
  sentOn: undefined,
  failures: 0,
  paused: false,
  ...extra,
});

describe('Outbox', () => {
  it('keeps writes in their original order and lists what a connection has not seen', () => {
    const box = new Outbox();
    for (const [id, room] of [
      ['a', 'x'],
      ['b', 'y'],
      ['c', 'x'],
    ] as const) {
      box.add(entry(id, room));
    }
    expect(box.unsent(1).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(box.unsent(1, 'x').map((e) => e.id)).toEqual(['a', 'c']);
    (box.get('a') as OutboxEntry).sentOn = 1;
    expect(box.unsent(1).map((e) => e.id)).toEqual(['b', 'c']);
    // A new connection has seen nothing: everything unacknowledged goes again, in order.
    expect(box.unsent(2).map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });

  it('take removes once; drain empties a room or everything', () => {
    const box = new Outbox();
    box.add(entry('a', 'x'));
    box.add(entry('b', 'y'));
    box.add(entry('c', 'x'));
    expect(box.take('a')?.id).toBe('a');
    expect(box.take('a')).toBeUndefined();
    expect(box.drain('x').map((e) => e.id)).toEqual(['c']);
    expect(box.size).toBe(1);
    expect(box.drain().map((e) => e.id)).toEqual(['b']);
    expect(box.size).toBe(0);
  });

  it('puts restored entries before the ones made in this life, skipping ids it holds', () => {
    const box = new Outbox();
    box.add(entry('new1', 'x'));
    box.add(entry('old2', 'x'));
    const added = box.prepend([entry('old1', 'x', { restored: true }), entry('old2', 'x', { restored: true })]);
    expect(added.map((e) => e.id)).toEqual(['old1']);
    expect(box.all().map((e) => e.id)).toEqual(['old1', 'new1', 'old2']);
    expect(box.get('old2')?.restored).toBe(false); // the live entry wins
  });

  it('stores the frame and its owner, and shows the app a pending or failed entry', () => {
    const e = entry('a', 'x', { frame: { type: 'react', id: 'a', room: 'x', ref: 3, emoji: '👍', on: true } });
    expect(toStored(e)).toEqual({ frame: e.frame, user: 'u1', createdAt: 1 });
    expect(toStored({ ...e, user: undefined })).toEqual({ frame: e.frame, createdAt: 1 });
    expect(toPending(e)).toEqual({
      id: 'a',
      room: 'x',
      frame: e.frame,
      createdAt: 1,
      restored: false,
      status: 'pending',
    });
    const err = new ClientError('target_deleted', 'gone', false, 'a');
    expect(toPending(e, err)).toMatchObject({ status: 'failed', error: err });
  });
});
