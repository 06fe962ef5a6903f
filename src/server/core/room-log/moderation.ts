/**
 * What a moderation event changes (docs/protocol.md, _Moderation_): invite adds a membership,
 * kick removes it, ban removes it and records the ban, unban lifts it, role sets a member's role.
 * Who may moderate whom is the handlers' (handlers/moderate.ts); this is only the effect.
 */
import type { EventKind, RoomRole } from '../../../protocol/index.ts';
import type { Effect } from './plan.ts';
import type { PersonState } from './state.ts';

/**
 * The changes, or undefined when nothing would change (nothing is appended: `unchanged`). A role
 * for a non-member changes nothing. A kind that is not moderation has no effect of its own.
 */
export function moderationEffects(
  kind: EventKind,
  user: string,
  target: PersonState,
  body: string,
): Effect[] | undefined {
  switch (kind) {
    case 'invite':
      return target.member ? undefined : [{ kind: 'add_member', user }];
    case 'kick':
      return target.member ? [{ kind: 'remove_member', user }] : undefined;
    case 'ban': {
      const effects: Effect[] = [];
      if (!target.banned) effects.push({ kind: 'add_ban', user });
      if (target.member) effects.push({ kind: 'remove_member', user });
      return effects.length > 0 ? effects : undefined;
    }
    case 'unban':
      return target.banned ? [{ kind: 'remove_ban', user }] : undefined;
    case 'role':
      // The handler checked that `body` is an assignable role.
      return target.member && target.role !== body ? [{ kind: 'set_role', user, role: body as RoomRole }] : undefined;
    default:
      return [];
  }
}
