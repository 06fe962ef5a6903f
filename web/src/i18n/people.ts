/** Strings of people: handles, guests, blocking. */
import type { Strings } from './strings.ts';

export const people = {
  en: {
    'people.guest': 'guest',
    'people.guestTitle': 'A guest: the name is held only while they are online, and someone else may use it later',
    'people.handleTitle': 'An account: this handle is theirs alone',
    'people.block': 'Block',
    'people.blockLabel': 'Block {nick}',
    'people.blockAsk': 'Block {nick}? They will not be able to message you or see when you are online.',
    'people.unblock': 'Unblock',
    'people.unblockLabel': 'Unblock {nick}',
    'people.blocked': 'Blocked',
    'people.blockedList': 'Blocked people',
    'people.blockedNone': 'You have not blocked anyone.',
    'people.hidden': 'A message from someone you blocked.',
    'people.show': 'Show',
    'people.hide': 'Hide',
    'people.dmBlocked': 'You blocked {nick}. Unblock them to write here.',
  },
  zh: {
    'people.guest': '访客',
    'people.guestTitle': '访客：昵称只在其在线时归其所有，之后可能被别人使用',
    'people.handleTitle': '注册账号：这个用户名只属于此人',
    'people.block': '屏蔽',
    'people.blockLabel': '屏蔽 {nick}',
    'people.blockAsk': '屏蔽 {nick}？对方将无法给你发消息，也看不到你是否在线。',
    'people.unblock': '取消屏蔽',
    'people.unblockLabel': '取消屏蔽 {nick}',
    'people.blocked': '已屏蔽',
    'people.blockedList': '已屏蔽的人',
    'people.blockedNone': '你还没有屏蔽任何人。',
    'people.hidden': '一条来自你已屏蔽的人的消息。',
    'people.show': '显示',
    'people.hide': '隐藏',
    'people.dmBlocked': '你已屏蔽 {nick}。取消屏蔽后才能在这里发消息。',
  },
} satisfies Strings;
