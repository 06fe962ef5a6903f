/** Strings of the app shell: sign-in, connection state, settings. */
import type { Strings } from './index.ts';

export const core = {
  en: {
    'settings.language': 'Language',
    'settings.language.en': 'English',
    'settings.language.zh': '简体中文',
  },
  zh: {
    'settings.language': '语言',
    'settings.language.en': 'English',
    'settings.language.zh': '简体中文',
  },
} satisfies Strings;
