import { t } from '../i18n/index.ts';
import { timeAgo } from '../relative-time.ts';
import { useNow } from '../use-store.ts';
import { usePresence } from '../use-presence.ts';

/** "Last seen 5 minutes ago" for an offline user whose last visit is known; nothing otherwise. */
export function LastSeen({ userId }: { readonly userId: string }) {
  const status = usePresence(userId);
  const lastSeen = status?.state === 'offline' ? status.lastSeen : undefined;
  // Re-rendered every half minute so "now" becomes "1 minute ago" without a status change.
  const now = useNow(lastSeen !== undefined, 30_000);
  if (lastSeen === undefined) return null;
  const when = timeAgo(lastSeen, now);
  return (
    <span class="last-seen muted" data-last-seen={lastSeen}>
      {when === undefined ? t('presence.lastSeenNow') : t('presence.lastSeen', { when })}
    </span>
  );
}
