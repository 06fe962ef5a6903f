/** Strings of presence: status dots and "last seen". */
import type { Strings } from './strings.ts';

export const presence = {
  en: {
    'presence.online': 'Online',
    'presence.away': 'Away',
    'presence.offline': 'Offline',
    'presence.lastSeen': 'Last seen {when}',
    'presence.lastSeenNow': 'Last seen just now',
  },
  zh: {
    'presence.online': '在线',
    'presence.away': '离开',
    'presence.offline': '离线',
    'presence.lastSeen': '最后在线：{when}',
    'presence.lastSeenNow': '刚刚在线',
  },
} satisfies Strings;
