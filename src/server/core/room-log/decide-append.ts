/**
 * The room-log rules of one append, decided from what the engine read in its transaction
 * (state.ts) into what it must write (plan.ts). Pure: the engine supplies ids and the time.
 *
 * In order: a cid already used is a resend (`duplicate`) or a `conflict`; no room, `no_room`;
 * a join must be allowed (`forbidden`); a join, leave, moderation or setting that changes nothing
 * is `unchanged`. A written message to a DM first reaches its people who are not members (dm.ts).
 * Each appended event carries its effects, its user-log entries (user-events.ts) and its search
 * change (search-doc.ts).
 */
import type { RoomEvent, UserRef } from '../../../protocol/index.ts';
import type { AppendInput } from '../../store/room-log.ts';
import { dmOutsiders, reachesDmPeople } from './dm.ts';
import { sameWrite } from './idempotency.ts';
import { mayJoin, membershipEffects, quietMembership } from './membership.ts';
import { moderationEffects } from './moderation.ts';
import type { AppendDecision, Effect, EventWrite } from './plan.ts';
import { settingEffects } from './room-settings.ts';
import { searchChangeFor } from './search-doc.ts';
import type { AppendNeeds, AppendState, PersonState } from './state.ts';
import { userEventsFor } from './user-events.ts';

/** Fresh values the engine supplies: a unique event id, and the time (ms). */
export interface Fresh {
  readonly id: () => string;
  readonly now: number;
}

/** Which state the engine must read for this input (the rest it may leave out). */
export function appendNeeds(input: AppendInput): AppendNeeds {
  return {
    prior: input.cid !== undefined,
    sender: input.kind === 'join' || input.kind === 'leave',
    target: input.target !== undefined,
    dmPeople: reachesDmPeople(input),
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`decideAppend: the engine did not read ${what}`);
  return value;
}

export function decideAppend(input: AppendInput, state: AppendState, fresh: Fresh): AppendDecision {
  if (input.cid !== undefined && state.prior !== undefined) {
    return sameWrite(state.prior, input) ? { status: 'duplicate', event: state.prior } : { status: 'conflict' };
  }
  const room = state.room;
  if (!room) return { status: 'no_room' };

  let effects: Effect[] | undefined = [];
  // A ban is appended for non-members too; only a member's ban is an `unmember` in their user log.
  let targetWasMember = true;
  if (input.kind === 'join' || input.kind === 'leave') {
    const sender = need(state.sender, 'the sender');
    if (input.kind === 'join' && !mayJoin(room, input.sender.id, sender)) return { status: 'forbidden' };
    effects = membershipEffects(input, sender);
    if (effects && input.quiet) return quietMembership(input, room.head, effects, fresh.now);
  } else if (input.target !== undefined) {
    const target: PersonState = need(state.target, 'the target');
    targetWasMember = target.member;
    effects = moderationEffects(input.kind, input.target.id, target, input.body);
  } else if (input.kind === 'rename' || input.kind === 'topic') {
    effects = settingEffects(input, room);
  }
  if (effects === undefined) return { status: 'unchanged' };

  const writes: EventWrite[] = [];
  let seq = room.head;
  const write = (i: AppendInput, own: readonly Effect[], wasMember: boolean): void => {
    const event = eventOf(i, ++seq, fresh);
    writes.push(eventWrite(event, own, wasMember, i.editedFile));
  };
  if (reachesDmPeople(input)) {
    for (const target of dmOutsiders(need(state.dmPeople, 'the DM people'), input.sender.id)) {
      const invite: AppendInput = { room: input.room, sender: input.sender, kind: 'invite', body: '', target };
      write(invite, [{ kind: 'add_member', user: target.id }], false);
    }
  }
  write(input, effects, targetWasMember);
  return { status: 'append', writes };
}

/** The event an input becomes at `seq`. */
export function eventOf(input: AppendInput, seq: number, fresh: Fresh): RoomEvent {
  const user = (u: UserRef): UserRef => ({ id: u.id, nick: u.nick });
  return {
    room: input.room,
    seq,
    id: fresh.id(),
    ...(input.cid === undefined ? {} : { cid: input.cid }),
    sender: user(input.sender),
    kind: input.kind,
    body: input.body,
    ...(input.ref === undefined ? {} : { ref: input.ref }),
    ...(input.target === undefined ? {} : { target: user(input.target) }),
    ...(input.file === undefined ? {} : { file: input.file }),
    ...(input.reply === undefined ? {} : { reply: input.reply }),
    ts: fresh.now,
  };
}

/** The event with its effects, then the watermarks and user-log entries it causes, and its search change. */
function eventWrite(
  event: RoomEvent,
  own: readonly Effect[],
  targetWasMember: boolean,
  editedFile: string | undefined,
): EventWrite {
  const effects = [...own];
  const userLog = userEventsFor(event, targetWasMember).map((u) => {
    if (u.startsWatermark) effects.push({ kind: 'set_read', user: u.user, seq: event.seq });
    return { user: u.user, event: u.event };
  });
  const search = searchChangeFor(event, editedFile);
  return { event, effects, userLog, ...(search ? { search } : {}) };
}
