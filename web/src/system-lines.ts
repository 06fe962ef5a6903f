/**
 * Log entries shown as one line of plain text instead of a message: membership, moderation and
 * room settings (docs/protocol.md, _Room settings, members and the directory_). Pure.
 */
import { MEMBERSHIP_KINDS, MODERATION_KINDS, ROOM_META_KINDS, type RoomEvent } from '../../src/client/index.ts';
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

/** The line's text (data goes in as text; the caller renders it as text, never HTML). */
export function systemText(e: RoomEvent): string {
  const nick = e.sender.nick;
  const target = e.target?.nick ?? '';
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
