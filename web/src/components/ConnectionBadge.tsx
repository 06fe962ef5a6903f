import { badgeState } from '../banner-state.ts';
import type { ConnInfo } from '../chat-store.ts';
import { t } from '../i18n/index.ts';
import { useOnline } from '../use-online.ts';
import { useNow } from '../use-store.ts';

interface Props {
  readonly conn: ConnInfo;
  /** Offered while the connection is closed for good. */
  readonly onReconnect?: (() => void) | undefined;
}

export function ConnectionBadge({ conn, onReconnect }: Props) {
  const shown = badgeState(conn.state, useOnline());
  const counting = shown === 'reconnecting' && conn.retryAt !== undefined;
  const now = useNow(counting);
  let label = shown === 'offline' ? t('layout.offline') : t(`conn.${shown}`);
  if (counting) {
    const secs = Math.ceil((conn.retryAt! - now) / 1000);
    label = secs > 0 ? t('conn.reconnectingIn', { seconds: secs }) : t('conn.reconnecting');
  }
  const detail = conn.reason ? `${label} (${conn.reason})` : label;
  return (
    <span class="conn" data-state={shown} role="status" aria-live="polite" title={detail}>
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
