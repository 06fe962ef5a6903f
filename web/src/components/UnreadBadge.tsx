import { t } from '../i18n/index.ts';

/** A room's unread count in the sidebar; mentions of you get a badge of their own ("@2"). */
export function UnreadBadge({ unread, mentions }: { unread: number; mentions: number }) {
  if (unread <= 0) return null;
  const count = (n: number) => (n > 99 ? '99+' : String(n));
  return (
    <>
      {mentions > 0 && (
        <span
          class="mentions"
          aria-label={mentions === 1 ? t('unread.mentionsOne') : t('unread.mentionsMany', { count: mentions })}
        >
          @{count(mentions)}
        </span>
      )}
      <span class="unread" aria-label={t('unread.count', { count: unread })}>
        {count(unread)}
      </span>
    </>
  );
}
