/**
 * Log entries shown as one line of plain text instead of a message: membership, moderation and
 * room settings (docs/protocol.md, _Room settings, members and the directory_). Pure.
 */
import {
  MEMBERSHIP_KINDS,
  MODERATION_KINDS,
  ROOM_META_KINDS,
  type RoomEvent,
  type UserRef,
} from '../../src/client/index.ts';
import { t } from './i18n/index.ts';

const SYSTEM_KINDS: ReadonlySet<string> = new Set([
  'system',
  ...MEMBERSHIP_KINDS,
  ...MODERATION_KINDS,
  ...ROOM_META_KINDS,
]);

export function isSystemLine(e: RoomEvent): boolean {
  return SYSTEM_KINDS.has(e.kind);
}

/**
 * The line's text (data goes in as text; the caller renders it as text, never HTML). `nameOf`
 * gives a person's name as shown (their display name, from the people directory); events carry
 * only the handle.
 */
export function systemText(e: RoomEvent, nameOf: (u: UserRef) => string = (u) => u.nick): string {
  const nick = nameOf(e.sender);
  const target = e.target ? nameOf(e.target) : '';
  switch (e.kind) {
    case 'join':
    case 'leave':
    case 'invite':
    case 'kick':
    case 'ban':
    case 'unban':
      return t(`system.${e.kind}`, { nick, target });
    case 'role':
      return t('system.role', { nick, target, role: t(`rooms.role.${e.body}`) });
    case 'rename':
      return t('system.rename', { nick, title: e.body });
    case 'topic':
      return e.body ? t('system.topic', { nick, topic: e.body }) : t('system.topicCleared', { nick });
    default:
      return e.body;
  }
}
