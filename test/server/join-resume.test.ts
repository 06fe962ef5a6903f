/**
 * A member's join (a client resuming after a reconnect) writes nothing: the store's join would
 * change nothing, so the handler skips it. The answer and the replay are what they were; a
 * membership lost between the handler's read and its subscription takes the write path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinedFrame } from '../../src/protocol/index.ts';
import type { NodeContext } from '../../src/server/core/node-context.ts';
import type { AppendInput, Store } from '../../src/server/store/store.ts';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { memoryNode } from '../support/memory-node.ts';
import { of, TestPort } from '../support/test-port.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-join-resume-'));
const real = new SqliteStore(dataDir);
/** Every append the handlers asked for, and a hook run before the next isMember answers. */
const appends: AppendInput[] = [];
let beforeIsMember: (() => Promise<void>) | undefined;
const store = new Proxy(real, {
  get(target, prop: keyof Store) {
    if (prop === 'append') {
      return (input: AppendInput) => {
        appends.push(input);
        return target.append(input);
      };
    }
    if (prop === 'isMember') {
      return async (room: string, userId: string) => {
        const hook = beforeIsMember;
        beforeIsMember = undefined;
        await hook?.();
        return target.isMember(room, userId);
      };
    }
    const value = target[prop] as unknown;
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  },
}) as Store;
let node: NodeContext;

beforeAll(async () => {
  node = await memoryNode(store, dataDir, 'warn');
  await real.createRoom('lobby', 'lobby');
});

afterAll(async () => {
  await node.stop();
  await real.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function hello(nick: string, session?: string): Promise<{ port: TestPort; session: string }> {
  const port = new TestPort(node.ctx);
  const welcome = await port.request(
    { type: 'hello', v: 1, nick, ...(session === undefined ? {} : { session }) },
    of('welcome'),
  );
  return { port, session: welcome.session };
}

const joinedOf = (port: TestPort, id: string): Promise<JoinedFrame> =>
  port.request({ type: 'join', id, room: 'lobby' }, of('joined', id));

describe("a member's join", () => {
  it('writes nothing, answers as a first join does, and replays every missed event once', async () => {
    const ann = await hello('ann');
    const first = await joinedOf(ann.port, 'j1');
    expect(first.role).toBe('member');
    const writer = await hello('wes');
    await joinedOf(writer.port, 'jw');
    // Ann goes away after seeing everything up to here; Wes writes on.
    const after = (await real.getRoom('lobby'))!.head;
    const epoch = first.room.epoch;
    for (let i = 0; i < 3; i++) {
      await writer.port.request({ type: 'send', id: `m${i}`, room: 'lobby', kind: 'text', body: `hi ${i}` }, of('ack'));
    }
    const head = (await real.getRoom('lobby'))!.head;

    const back = await hello('ann', ann.session);
    const from = appends.length;
    const joined = await back.port.request({ type: 'join', id: 'j2', room: 'lobby', after, epoch }, of('joined', 'j2'));
    expect(appends.length).toBe(from);
    expect(joined).toMatchObject({ from: after, reset: false, role: 'member', room: { head } });
    expect(joined.unread).toMatchObject({ room: 'lobby', at: head });
    expect(Array.isArray(joined.receipts)).toBe(true);
    await back.port.request({ type: 'ping', id: 'p' }, of('pong', 'p'));
    expect(back.port.seqs('lobby')).toEqual(Array.from({ length: head - after }, (_, i) => after + i + 1));
    // Live from here, once.
    const ack = await writer.port.request(
      { type: 'send', id: 'm-live', room: 'lobby', kind: 'text', body: 'live' },
      of('ack', 'm-live'),
    );
    await back.port.request({ type: 'ping', id: 'p2' }, of('pong', 'p2'));
    expect(back.port.seqs('lobby').at(-1)).toBe(ack.seq);
    expect(new Set(back.port.seqs('lobby')).size).toBe(back.port.seqs('lobby').length);
  });

  it('takes the write path when the membership is gone before the subscription holds', async () => {
    const bo = await hello('bo');
    await joinedOf(bo.port, 'j1');
    const other = await hello('bo', bo.session);
    const back = await hello('bo', bo.session);
    // Bo leaves on another connection after the handler read the membership, before it is checked again.
    beforeIsMember = async () => {
      await other.port.request({ type: 'leave', id: 'l', room: 'lobby' }, of('left', 'l'));
    };
    const from = appends.length;
    const joined = await back.port.request({ type: 'join', id: 'j2', room: 'lobby' }, of('joined', 'j2'));
    // The leave, then the join written again (asked after the leave, it makes Bo a member).
    expect(appends.slice(from).map((a) => a.kind)).toEqual(['leave', 'join']);
    expect(await real.isMember('lobby', back.port.user!.id)).toBe(true);
    expect(joined.role).toBe('member');
    expect(back.port.frames.filter((f) => f.type === 'joined' || f.type === 'error')).toHaveLength(1);
    expect(back.port.rooms.has('lobby')).toBe(true);
  });

  it('still refuses a banned user and hides a private room', async () => {
    const owner = await hello('olga');
    await real.createRoom('den', 'den', { visibility: 'private', ownerId: owner.port.user!.id });
    await real.append({ room: 'den', sender: owner.port.user!, kind: 'join', body: '' });
    const guest = await hello('gus');
    const hidden = await guest.port.request({ type: 'join', id: 'jd', room: 'den' }, of('error', 'jd'));
    expect(hidden.code).toBe('room_not_found');
    await joinedOf(guest.port, 'jl');
    await real.append({ room: 'lobby', sender: owner.port.user!, kind: 'ban', body: '', target: guest.port.user! });
    const again = await hello('gus', guest.session);
    const refused = await again.port.request({ type: 'join', id: 'jb', room: 'lobby' }, of('error', 'jb'));
    expect(refused.code).toBe('banned');
  });
});
