/** Strings of the layout: the quick switcher, the private-room lock, names refused as too long. */
import type { Strings } from './strings.ts';

export const layout = {
  en: {
    'layout.private': 'Private room',
    'layout.switcher': 'Jump to a room or person',
    'layout.switcherPlaceholder': 'Jump to…',
    'layout.switcherNone': 'Nothing matches',
    'layout.switcherPerson': 'Direct message',
    'layout.switcherHelp': '↑ ↓ to choose · Enter to open · Esc to close',
    'layout.roomTooLong': 'A room name can have at most {max} characters; this one has {count}.',
    'layout.titleTooLong': 'A title can have at most {max} characters; this one has {count}.',
    'layout.topicTooLong': 'A topic can have at most {max} characters; this one has {count}.',
    'layout.offline': 'Offline',
  },
  zh: {
    'layout.private': '私密聊天室',
    'layout.switcher': '跳转到聊天室或联系人',
    'layout.switcherPlaceholder': '跳转到…',
    'layout.switcherNone': '没有匹配项',
    'layout.switcherPerson': '私信',
    'layout.switcherHelp': '↑ ↓ 选择 · Enter 打开 · Esc 关闭',
    'layout.roomTooLong': '聊天室名称最多 {max} 个字符，当前有 {count} 个。',
    'layout.titleTooLong': '标题最多 {max} 个字符，当前有 {count} 个。',
    'layout.topicTooLong': '话题最多 {max} 个字符，当前有 {count} 个。',
    'layout.offline': '离线',
  },
} satisfies Strings;
