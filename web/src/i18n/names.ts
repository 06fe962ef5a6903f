/** Strings of display names: the settings field and its errors. */
import type { Strings } from './strings.ts';

export const names = {
  en: {
    'names.field': 'Display name',
    'names.hint': 'Shown next to your @{nick}. Leave it empty to show @{nick} alone.',
    'names.placeholder': 'Your name',
    'names.save': 'Save',
    'names.saved': 'Saved.',
    'names.cleared': 'Cleared: people see @{nick}.',
    'names.tooLong': 'A display name can be at most 64 characters; this one has {count}.',
    'names.invalid':
      'A display name cannot contain invisible characters, control characters or characters that change the text direction.',
    'names.guestOnly': 'Only accounts have a display name. Create an account to choose one.',
    'error.display_name_invalid':
      'A display name is 1 to 64 characters, without invisible, control or text-direction characters.',
    'error.account_required': 'Only accounts can do this. Sign in or create an account.',
  },
  zh: {
    'names.field': '显示名称',
    'names.hint': '显示在你的 @{nick} 旁边。留空则只显示 @{nick}。',
    'names.placeholder': '你的名字',
    'names.save': '保存',
    'names.saved': '已保存。',
    'names.cleared': '已清除：大家将看到 @{nick}。',
    'names.tooLong': '显示名称最多 64 个字符，这个有 {count} 个。',
    'names.invalid': '显示名称不能包含不可见字符、控制字符或改变文字方向的字符。',
    'names.guestOnly': '只有注册账号才能设置显示名称。创建账号即可设置。',
    'error.display_name_invalid': '显示名称为 1 到 64 个字符，不能包含不可见字符、控制字符或改变文字方向的字符。',
    'error.account_required': '只有注册账号才能这样做。请登录或创建账号。',
  },
} satisfies Strings;
