import { useEffect, useState } from 'preact/hooks';
import { locale, onLocaleChange, type Locale } from './i18n/index.ts';

/** The UI language, re-rendering the caller when it changes (App keys its screens by it). */
export function useLocale(): Locale {
  const [current, setCurrent] = useState(locale);
  useEffect(() => onLocaleChange(setCurrent), []);
  return current;
}
