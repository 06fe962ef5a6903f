/**
 * A name, title or topic longer than the server takes is refused in words as it is typed, never
 * cut short by maxLength (people did not see what was dropped). Counted as the server's schema
 * does (UTF-16 units; room names are ASCII).
 */
import { t } from './i18n/index.ts';

export function overLimit(
  text: string,
  max: number,
  key: 'layout.roomTooLong' | 'layout.titleTooLong' | 'layout.topicTooLong',
): string | undefined {
  return text.length > max ? t(key, { max, count: text.length }) : undefined;
}
