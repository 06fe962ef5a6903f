/**
 * Client-side hints with the server's own patterns (from the SDK: web/ may not import src/protocol).
 * The server stays the authority: whatever passes here can still be refused there.
 */
import { hasInvisible, NICK_PATTERN, ROOM_PATTERN } from '../../src/client/index.ts';
import { t } from './i18n/index.ts';

export const NICK_MAX = 32;
export const ROOM_MAX = 32;
export const TITLE_MAX = 80;
export const BODY_MAX = 4000;
/** The server's password policy (src/server/auth/passwords.ts). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** undefined when fine, else why not. */
export function nickProblem(nick: string): string | undefined {
  const n = nick.trim();
  if (!n) return t('validate.nickEmpty');
  if (Array.from(n).length > NICK_MAX) return t('validate.tooLong', { max: NICK_MAX });
  // Invisible code points (U+3164, zero-width…) would let a name pass for another one.
  if (hasInvisible(n) || !NICK_PATTERN.test(n)) return t('validate.nickChars');
  return undefined;
}

export function roomProblem(name: string): string | undefined {
  if (!name) return t('validate.roomEmpty');
  if (name.length > ROOM_MAX) return t('layout.roomTooLong', { max: ROOM_MAX, count: name.length });
  if (!ROOM_PATTERN.test(name)) return t('validate.roomChars');
  return undefined;
}

/** Turn what someone typed into a room slug: "My Room!" → "my-room". */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .replace(/-+$/, '');
}
