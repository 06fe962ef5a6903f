/** The healer alone (src/server/fanout/healer.ts), over a fake store: what it reads, and when. */
import { describe, expect, it } from 'vitest';
import type { RoomEvent, UserEvent } from '../../src/protocol/index.ts';
import type { BrokerMessage } from '../../src/server/broker/broker.ts';
import { Healer, type Channel, type HealStore } from '../../src/server/fanout/healer.ts';
import type { Subscriber } from '../../src/server/fanout/subscriber.ts';
import { createLogger } from '../../src/server/log.ts';
import { waitUntil } from '../support/wait.ts';

const sender = { id: 'u-a', nick: 'a' };
const roomEvent = (room: string, seq: number): RoomEvent => ({
  room,
  seq,
  id: `e${seq}`,
  sender,
  kind: 'text',
  body: `${seq}`,
  ts: 1,
});

/** Logs of rooms and users, seqs 1..head each; counts reads; can fail. */
class FakeStore implements HealStore {
  readonly heads_ = new Map<string, number>();
  historyReads = 0;
  userHeadReads = 0;
  fail = false;

  async heads(rooms: readonly string[]): Promise<Map<string, number>> {
    if (this.fail) throw new Error('down');
    return new Map(rooms.flatMap((r) => (this.heads_.has(r) ? [[r, this.heads_.get(r)!] as const] : [])));
  }
  async history(room: string, q: { after?: number; limit: number }) {
    this.historyReads++;
    if (this.fail) throw new Error('down');
    const head = this.heads_.get(room) ?? 0;
    const from = (q.after ?? 0) + 1;
    const events: RoomEvent[] = [];
    for (let s = from; s <= head && events.length < q.limit; s++) events.push(roomEvent(room, s));
    return { events, more: from + events.length <= head };
  }
  async userHead(user: string): Promise<number> {
    this.userHeadReads++;
    return this.heads_.get(`user:${user}`) ?? 0;
  }
  async userLog(user: string, after: number, limit: number) {
    const head = this.heads_.get(`user:${user}`) ?? 0;
    const events: UserEvent[] = [];
    for (let s = after + 1; s <= head && events.length < limit; s++) {
      events.push({ seq: s, kind: 'read', room: 'r', ts: 1 } as unknown as UserEvent);
    }
    return { events, more: false };
  }
}

function setup() {
  const store = new FakeStore();
  const channels = new Map<string, Channel>();
  const got: { name: string; seq: number; payload: string }[] = [];
  const healer = new Healer(store, createLogger('silent'), channels, (ch, name, seq, payload) => {
    got.push({ name, seq, payload });
  });
  const open = async (name: string, head = 0): Promise<Channel> => {
    store.heads_.set(name, head);
    const ch = Healer.channel({} as Subscriber, true);
    channels.set(name, ch);
    await healer.position(ch, name);
    return ch;
  };
  /** As the hub: the next seq goes out at once, anything else to the healer. */
  const arrive = (ch: Channel, name: string, seq: number): void => {
    const m: BrokerMessage = { channel: name, seq, payload: `live ${seq}` };
    if (ch.busy || seq !== ch.last + 1) healer.arrive(ch, name, m);
    else {
      ch.last = seq;
      got.push({ name, seq, payload: m.payload });
    }
  };
  const seqs = (name: string) => got.filter((g) => g.name === name).map((g) => g.seq);
  return { store, channels, healer, open, arrive, got, seqs };
}

describe('Healer', () => {
  it('puts a reorder right with no store read, and drops duplicates', async () => {
    const t = setup();
    const ch = await t.open('r', 3);
    t.store.heads_.set('r', 6);
    t.arrive(ch, 'r', 5);
    t.arrive(ch, 'r', 4);
    t.arrive(ch, 'r', 4);
    t.arrive(ch, 'r', 6);
    await waitUntil(() => t.seqs('r').length === 3, { what: 'three events' });
    expect(t.seqs('r')).toEqual([4, 5, 6]);
    expect(t.store.historyReads).toBe(0);
    t.arrive(ch, 'r', 6);
    expect(t.healer.stats.duplicates).toBe(2);
  });

  it('fills a gap from the store, each event framed as a live one', async () => {
    const t = setup();
    const ch = await t.open('r', 1);
    t.store.heads_.set('r', 5);
    t.arrive(ch, 'r', 5);
    await waitUntil(() => t.seqs('r').length === 4, { what: 'four events' });
    expect(t.seqs('r')).toEqual([2, 3, 4, 5]);
    expect(t.got[0]!.payload).toBe(JSON.stringify({ type: 'event', ...roomEvent('r', 2) }));
    // The read reached the held one too: its live copy is a duplicate.
    expect(t.healer.stats.duplicates).toBe(1);
  });

  it('heals a lost tail on the second check that sees it (or the first after a reconnect)', async () => {
    const t = setup();
    await t.open('r', 2);
    await t.open('s', 2);
    t.store.heads_.set('r', 4);
    await t.healer.check(false);
    expect(t.store.historyReads).toBe(0);
    await t.healer.check(false);
    await waitUntil(() => t.seqs('r').length === 2, { what: 'the tail of r' });
    t.store.heads_.set('s', 3);
    await t.healer.check(true);
    await waitUntil(() => t.seqs('s').length === 1, { what: 'the tail of s' });
    expect(t.seqs('r')).toEqual([3, 4]);
    expect(t.seqs('s')).toEqual([3]);
  });

  it('reads at most 64 user heads per periodic check, in turns, so every log is checked', async () => {
    const t = setup();
    for (let u = 0; u < 100; u++) await t.open(`user:u${u}`, 1);
    t.store.heads_.set('user:u99', 2);
    const before = t.store.userHeadReads;
    for (let i = 0; i < 4; i++) await t.healer.check(false);
    expect(t.store.userHeadReads - before).toBe(4 * 64);
    await waitUntil(() => t.seqs('user:u99').length === 1, { what: 'the tail of u99' });
    const eager = t.store.userHeadReads;
    await t.healer.check(true);
    expect(t.store.userHeadReads - eager).toBe(100);
  });

  it('sends the held events as they are when the store cannot fill the gap', async () => {
    const t = setup();
    const ch = await t.open('r', 1);
    t.store.fail = true;
    t.arrive(ch, 'r', 4);
    t.arrive(ch, 'r', 3);
    await waitUntil(() => t.seqs('r').length === 2, { what: 'the held events' });
    expect(t.seqs('r')).toEqual([3, 4]);
    expect(ch.busy).toBe(false);
  });
});
