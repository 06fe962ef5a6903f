/**
 * UI strings in English and Simplified Chinese. Each area of the app keeps its strings in its
 * own file here (`{ en, zh }` with the same keys); `t()` looks a key up in the current locale.
 * The locale is kept in localStorage; App re-renders the whole tree when it changes.
 */
import { chat } from './chat.ts';
import { core } from './core.ts';
import { directory } from './directory.ts';
import { errors } from './errors.ts';
import { files } from './files.ts';
import { log } from './log.ts';
import { login } from './login.ts';
import { history } from './history.ts';
import { layout } from './layout.ts';
import { messages } from './messages.ts';
import { names } from './names.ts';
import { people } from './people.ts';
import { presence } from './presence.ts';
import { rooms } from './rooms.ts';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly Locale[] = ['en', 'zh'];

import type { Strings } from './strings.ts';

export type { Strings } from './strings.ts';

/** Every area's strings. Add a line per area file. */
export const AREAS: readonly Strings[] = [
  core,
  history,
  login,
  errors,
  chat,
  messages,
  files,
  presence,
  rooms,
  directory,
  log,
  layout,
  people,
  names,
];

const LOCALE_KEY = 'parley.locale';

function merge(locale: Locale): Map<string, string> {
  const all = new Map<string, string>();
  for (const area of AREAS) for (const [k, v] of Object.entries(area[locale])) all.set(k, v);
  return all;
}

const tables: Record<Locale, Map<string, string>> = { en: merge('en'), zh: merge('zh') };

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // Storage unavailable: fall through to the browser's language.
  }
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let current: Locale = initialLocale();
const listeners = new Set<(locale: Locale) => void>();

export function locale(): Locale {
  return current;
}

export function setLocale(next: Locale): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(LOCALE_KEY, next);
  } catch {
    // Best effort: the choice lasts for this page.
  }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  for (const fn of listeners) fn(next);
}

export function onLocaleChange(fn: (locale: Locale) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The string for `key` in the current locale with `{name}` placeholders filled; English, then the key, as fallbacks. */
export function t(key: string, params?: Readonly<Record<string, string | number>>): string {
  const text = tables[current].get(key) ?? tables.en.get(key) ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
