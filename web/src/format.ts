/** Small display helpers. Everything here returns plain strings/numbers rendered as text. */

import { locale, t } from './i18n/index.ts';
import { dateFormat } from './i18n/intl.ts';

// In the UI language (dateFormat caches one formatter per language).
// The locale's own clock (15:04, or 3:04 PM in the US), without a leading zero on the hour.
const timeFormat = { format: (ts: number) => dateFormat({ hour: 'numeric', minute: '2-digit' }).format(ts) };
const fullFormat = { format: (ts: number) => dateFormat({ dateStyle: 'medium', timeStyle: 'medium' }).format(ts) };

export function formatTime(ts: number): string {
  return timeFormat.format(ts);
}

export function formatFull(ts: number): string {
  return fullFormat.format(ts);
}

/** Well-separated hues, so two people rarely look alike. */
const HUES = [4, 28, 45, 95, 140, 168, 192, 212, 236, 262, 288, 318];

/** A stable hue per user id, so each person keeps one colour. */
export function hueOf(id: string): number {
  // FNV-1a, then a murmur3 finaliser so ids that differ by one character spread well.
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return HUES[(h >>> 0) % HUES.length]!;
}

export function initialOf(nick: string): string {
  const first = Array.from(nick.trim())[0];
  return first ? first.toUpperCase() : '?';
}

/** A readable message for anything a promise rejected with (in Chinese, by its error code when known). */
export function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { message, code } = err as { message?: unknown; code?: unknown };
    const key = `error.${String(code)}`;
    if (locale() === 'zh' && typeof code === 'string' && t(key) !== key) return t(key);
    if (typeof message === 'string' && message) return message;
    if (typeof code === 'string') return code;
  }
  return typeof err === 'string' && err ? err : t('common.error');
}

export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null) {
    const { code } = err as { code?: unknown };
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** 1536 → "1.5 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
