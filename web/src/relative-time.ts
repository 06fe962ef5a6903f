/** "5 minutes ago" in the UI language, through Intl.RelativeTimeFormat (formatters cached). */
import { intlLocale } from './i18n/intl.ts';

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const cache = new Map<string, Intl.RelativeTimeFormat>();

/** How long ago `ts` was, in the largest whole unit; undefined under a minute (say "just now"). */
export function timeAgo(ts: number, now = Date.now()): string | undefined {
  const tag = intlLocale();
  let f = cache.get(tag);
  if (!f) cache.set(tag, (f = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' })));
  const ago = Math.max(0, now - ts);
  for (const [unit, ms] of UNITS) if (ago >= ms) return f.format(-Math.floor(ago / ms), unit);
  return undefined;
}
