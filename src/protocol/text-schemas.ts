/**
 * The text fields of client frames: how free text is cleaned, and the schemas of nicknames, room
 * names, titles, bodies and display names (schema.ts builds the frames from them).
 */
import * as v from 'valibot';
import { LIMITS, NICK_PATTERN, ROOM_PATTERN } from './limits.ts';

/** Control characters other than tab and newline never reach storage. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** With the u flag this matches only unpaired surrogates (a pair is one code point). */
const LONE_SURROGATE = /[\ud800-\udfff]/gu;

/** Replace lone surrogates with U+FFFD, NFC-normalise, and strip control and bidi-override characters. */
export function cleanText(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd').normalize('NFC').replace(CONTROL_CHARS, '');
}

/**
 * Code points that render as nothing or as a blank: Unicode's default-ignorables (zero-width
 * spaces and joiners, bidi and format controls, variation selectors, tags, the Hangul fillers
 * U+115F U+1160 U+3164 U+FFA0, U+180E, U+00AD, U+034F…) plus blank-looking ones outside that set
 * (braille blank U+2800, Khitan filler U+16FE4). A name holding one can impersonate another.
 */
// Lone joiners, selectors and marks are the point here, not parts of a combined character.
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800\u{16fe4}]/u;

/** Whether a name holds a code point that renders as nothing or blank (names refuse these). */
export function hasInvisible(s: string): boolean {
  return INVISIBLE.test(s);
}
/** Invisible parts that emoji sequences need (ZWJ, variation selectors, tags): titles keep them. */
// eslint-disable-next-line no-misleading-character-class
const EMOJI_PARTS = /[\u200d\ufe00-\ufe0f\u{e0020}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

export const nickSchema = v.pipe(
  v.string(),
  v.transform((s) => cleanText(s).trim()),
  v.minLength(LIMITS.nickMin, 'nickname is empty'),
  v.maxLength(LIMITS.nickMax, `nickname is longer than ${LIMITS.nickMax} characters`),
  // Some invisible code points are letters (U+3164): refused before the pattern sees them.
  v.check((s) => !INVISIBLE.test(s), 'nickname may not hold invisible characters'),
  v.regex(NICK_PATTERN, 'nickname may hold letters, digits, space, "-", "_" and "."'),
);

export const roomNameSchema = v.pipe(
  v.string(),
  v.minLength(LIMITS.roomMin, 'room name is empty'),
  v.maxLength(LIMITS.roomMax, `room name is longer than ${LIMITS.roomMax} characters`),
  v.regex(ROOM_PATTERN, 'room names are lowercase letters, digits, "-" and "_"'),
);

export const titleSchema = v.pipe(
  v.string(),
  v.transform((s) => cleanText(s).replace(/\s+/g, ' ').trim()),
  v.maxLength(LIMITS.titleMax),
  v.check((s) => !INVISIBLE.test(s.replace(EMOJI_PARTS, '')), 'title may not hold invisible characters'),
  v.check((s) => s === '' || s.replace(EMOJI_PARTS, '').trim() !== '', 'title is blank'),
);

export const bodySchema = v.pipe(v.string(), v.transform(cleanText));

/** Control characters and format characters (bidi controls among them), emoji parts aside. */
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;

/**
 * An account's display name: NFC, whitespace runs collapsed to one space, trimmed; '' (or only
 * whitespace) clears it. Refused, not cleaned: control, format, bidi and invisible characters (a
 * name is shown beside others, so it must not hide or reorder text), blank names, more than
 * displayNameMax code points.
 */
export const displayNameSchema = v.pipe(
  v.string(),
  // Bounds the work below; the real limit is counted after normalising.
  v.maxLength(LIMITS.displayNameMax * 16, `display name is longer than ${LIMITS.displayNameMax} characters`),
  v.transform((s) => s.replace(LONE_SURROGATE, '\ufffd').normalize('NFC').replace(/\s+/gu, ' ').trim()),
  v.check(
    (s) => [...s].length <= LIMITS.displayNameMax,
    `display name is longer than ${LIMITS.displayNameMax} characters`,
  ),
  v.check((s) => {
    const bare = s.replace(EMOJI_PARTS, '');
    return !CONTROL_OR_FORMAT.test(bare) && !INVISIBLE.test(bare);
  }, 'display name may not hold control, invisible or direction-changing characters'),
  v.check((s) => s === '' || s.replace(EMOJI_PARTS, '').trim() !== '', 'display name is blank'),
);
