import type { ConnInfo } from '../chat-store.ts';
import { t } from '../i18n/index.ts';
import { useNow } from '../use-store.ts';

interface Props {
  readonly conn: ConnInfo;
  /** Offered while the connection is closed for good. */
  readonly onReconnect?: (() => void) | undefined;
}

export function ConnectionBadge({ conn, onReconnect }: Props) {
  const counting = conn.state === 'reconnecting' && conn.retryAt !== undefined;
  const now = useNow(counting);
  let label = t(`conn.${conn.state}`);
  if (counting) {
    const secs = Math.ceil((conn.retryAt! - now) / 1000);
    label = secs > 0 ? t('conn.reconnectingIn', { seconds: secs }) : t('conn.reconnecting');
  }
  const detail = conn.reason ? `${label} (${conn.reason})` : label;
  return (
    <span class="conn" data-state={conn.state} role="status" aria-live="polite" title={detail}>
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-label">{label}</span>
      {conn.state === 'closed' && onReconnect && (
        <button type="button" class="link conn-action" onClick={onReconnect}>
          {t('conn.reconnect')}
        </button>
      )}
    </span>
  );
}
