import { describe, expect, it } from 'vitest';
import type { RoomEvent, RoomInfo } from '../../src/protocol/index.ts';
import { RoomTracker } from '../../src/client/room.ts';

const info = (head: number, epoch = 'e1'): RoomInfo => ({ name: 'r', title: '', epoch, head, createdAt: 0 });
const ev = (seq: number): RoomEvent => ({
  room: 'r',
  seq,
  id: `ev${seq}`,
  sender: { id: 'u', nick: 'u' },
  kind: 'text',
  body: `m${seq}`,
  ts: seq,
});
const seqs = (events: RoomEvent[]): number[] => events.map((e) => e.seq);

describe('RoomTracker', () => {
  it('starts at the joined position and delivers in order', () => {
    const t = new RoomTracker('r');
    expect(t.lastSeq).toBeUndefined();
    expect(t.resumePoint()).toBeUndefined();
    expect(t.joined(info(5), 5, false)).toEqual({ reset: false, deliver: [] });
    expect(seqs(t.receive(ev(6)))).toEqual([6]);
    expect(seqs(t.receive(ev(7)))).toEqual([7]);
    expect(t.lastSeq).toBe(7);
    expect(t.resumePoint()).toEqual({ after: 7, epoch: 'e1' });
    expect(t.gapAfter()).toBeUndefined();
  });

  it('drops duplicates (seq <= lastSeq)', () => {
    const t = new RoomTracker('r');
    t.joined(info(0), 0, false);
    expect(seqs(t.receive(ev(1)))).toEqual([1]);
    expect(t.receive(ev(1))).toEqual([]);
    expect(seqs(t.receive(ev(2)))).toEqual([2]);
    expect(t.receive(ev(1))).toEqual([]);
    expect(t.receive(ev(2))).toEqual([]);
    expect(t.lastSeq).toBe(2);
  });

  it('detects a gap, buffers later events, and flushes them once the gap is filled', () => {
    const t = new RoomTracker('r');
    t.joined(info(3), 3, false);
    expect(t.receive(ev(6))).toEqual([]);
    expect(t.receive(ev(7))).toEqual([]);
    expect(t.receive(ev(7))).toEqual([]); // a duplicate while buffered is held once
    expect(t.buffered).toBe(2);
    expect(t.gapAfter()).toBe(3);
    // The history page overlaps the buffer: everything comes out once, in order.
    expect(seqs(t.fill([ev(4), ev(5), ev(6)]))).toEqual([4, 5, 6, 7]);
    expect(t.gapAfter()).toBeUndefined();
    expect(t.buffered).toBe(0);
    expect(seqs(t.receive(ev(8)))).toEqual([8]);
  });

  it('fills a gap across several pages', () => {
    const t = new RoomTracker('r');
    t.joined(info(0), 0, false);
    t.receive(ev(10));
    expect(seqs(t.fill([ev(1), ev(2), ev(3)]))).toEqual([1, 2, 3]);
    expect(t.gapAfter()).toBe(3);
    expect(seqs(t.fill([ev(7), ev(4), ev(6), ev(5)]))).toEqual([4, 5, 6, 7]); // unsorted page
    expect(t.gapAfter()).toBe(7);
    expect(seqs(t.fill([ev(8), ev(9), ev(10), ev(11)]))).toEqual([8, 9, 10, 11]);
    expect(t.gapAfter()).toBeUndefined();
  });

  it('holds events that arrive before the first join answer', () => {
    const t = new RoomTracker('r');
    expect(t.receive(ev(4))).toEqual([]);
    expect(t.receive(ev(6))).toEqual([]);
    const out = t.joined(info(3), 3, false);
    expect(seqs(out.deliver)).toEqual([4]);
    expect(t.gapAfter()).toBe(4);
    expect(seqs(t.fill([ev(5)]))).toEqual([5, 6]);
  });

  it('resumes after a re-join, dropping the replayed duplicates', () => {
    const t = new RoomTracker('r');
    t.joined(info(0), 0, false);
    t.fill([ev(1), ev(2), ev(3)]);
    expect(t.joined(info(5), 3, false)).toEqual({ reset: false, deliver: [] });
    expect(t.receive(ev(3))).toEqual([]);
    expect(seqs(t.receive(ev(4)))).toEqual([4]);
  });

  it('treats a join answer past lastSeq without reset as a gap', () => {
    const t = new RoomTracker('r');
    t.joined(info(2), 2, false);
    t.joined(info(5), 5, false);
    expect(t.lastSeq).toBe(2);
    expect(t.gapAfter()).toBe(2);
    expect(seqs(t.fill([ev(3), ev(4), ev(5)]))).toEqual([3, 4, 5]);
    expect(t.gapAfter()).toBeUndefined();
  });

  it('resets on the server flag or a changed epoch, dropping buffered events', () => {
    const t = new RoomTracker('r');
    t.joined(info(2), 2, false);
    t.receive(ev(9));
    const out = t.joined(info(4, 'e1'), 4, true);
    expect(out.reset).toBe(true);
    expect(t.lastSeq).toBe(4);
    expect(t.buffered).toBe(0);
    expect(t.gapAfter()).toBeUndefined();
    expect(t.joined(info(1, 'e2'), 1, false).reset).toBe(true);
    expect(t.resumePoint()).toEqual({ after: 1, epoch: 'e2' });
    const generation = t.generation;
    t.joined(info(1, 'e2'), 1, false);
    expect(t.generation).toBe(generation + 1);
  });

  it('skips an unfillable gap instead of wedging', () => {
    const t = new RoomTracker('r');
    t.joined(info(1), 1, false);
    t.receive(ev(4));
    t.receive(ev(5));
    expect(t.fill([])).toEqual([]);
    expect(seqs(t.skipGap())).toEqual([4, 5]);
    expect(t.gapAfter()).toBeUndefined();
  });
});
