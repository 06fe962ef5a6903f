/** Dates and numbers in the UI language (not the browser's), through Intl; formatters are cached. */
import { locale } from './index.ts';

/** The BCP 47 tag for Intl: Simplified Chinese, or English in the browser's regional flavour. */
export function intlLocale(): string {
  if (locale() === 'zh') return 'zh-CN';
  const nav = typeof navigator === 'undefined' ? '' : navigator.language;
  return nav.toLowerCase().startsWith('en') ? nav : 'en';
}

const cache = new Map<string, Intl.DateTimeFormat>();

export function dateFormat(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${intlLocale()} ${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(), opts);
    cache.set(key, f);
  }
  return f;
}
