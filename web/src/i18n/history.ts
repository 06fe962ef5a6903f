/** Strings of the message history: date separators, paging, jump controls. */
import type { Strings } from './strings.ts';

export const history = {
  en: {
    'history.today': 'Today',
    'history.yesterday': 'Yesterday',
    'history.loadingOlder': 'Loading earlier messages…',
    'history.loadingNewer': 'Loading newer messages…',
    'history.newOne': '1 new message',
    'history.newMany': '{count} new messages',
    'history.latest': 'Jump to latest',
    'history.firstUnread': 'Jump to first unread',
  },
  zh: {
    'history.today': '今天',
    'history.yesterday': '昨天',
    'history.loadingOlder': '正在加载更早的消息…',
    'history.loadingNewer': '正在加载更新的消息…',
    'history.newOne': '1 条新消息',
    'history.newMany': '{count} 条新消息',
    'history.latest': '回到最新消息',
    'history.firstUnread': '跳到第一条未读消息',
  },
} satisfies Strings;
