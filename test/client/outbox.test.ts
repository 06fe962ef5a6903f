import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from '../../src/client/outbox.ts';

const entry = (id: string, room: string): OutboxEntry => ({
  id,
  room,
  body: id,
  resolve: () => undefined,
  reject: () => undefined,
  sentOn: undefined,
  failures: 0,
  paused: false,
});

describe('Outbox', () => {
  it('keeps sends in their original order and lists what a connection has not seen', () => {
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
});
