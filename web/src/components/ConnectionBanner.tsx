import { useEffect, useRef, useState } from 'preact/hooks';
import { bannerKind } from '../banner-state.ts';
import type { ConnInfo } from '../chat-store.ts';
import { t } from '../i18n/index.ts';
import { useOnline } from '../use-online.ts';
import { useSecondsLeft } from '../use-seconds-left.ts';

/** How long "Connected" stays up after the connection came back. */
const RECOVERED_MS = 2_500;

interface Props {
  readonly conn: ConnInfo;
  /** Skip the backoff wait (or start over after a close). */
  readonly onRetry: () => void;
}

/** Above the messages while the connection is lost: a live countdown to the next attempt and "Retry now". */
export function ConnectionBanner({ conn, onRetry }: Props) {
  const online = useOnline();
  const wasConnected = useRef(false);
  const [recoveredAt, setRecoveredAt] = useState<number>();
  const prev = useRef(conn.state);
  useEffect(() => {
    if (conn.state === 'connected') {
      if (wasConnected.current && prev.current !== 'connected') setRecoveredAt(Date.now());
      wasConnected.current = true;
    }
    prev.current = conn.state;
  }, [conn.state]);
  useEffect(() => {
    if (recoveredAt === undefined) return;
    const timer = setTimeout(() => setRecoveredAt(undefined), RECOVERED_MS);
    return () => clearTimeout(timer);
  }, [recoveredAt]);
  const seconds = useSecondsLeft(conn.state === 'reconnecting' ? conn.retryAt : undefined);

  const kind = bannerKind({
    state: conn.state,
    online,
    wasConnected: wasConnected.current,
    justRecovered: recoveredAt !== undefined,
  });
  if (kind === 'none') return null;
  const retry = (
    <button type="button" class="link banner-retry" onClick={onRetry}>
      {t('banner.retry')}
    </button>
  );
  return (
    <div class="conn-banner" data-kind={kind} role="status" aria-live="polite">
      {kind === 'offline' && <span>{t('banner.offline')}</span>}
      {kind === 'recovered' && <span>{t('banner.connected')}</span>}
      {kind === 'closed' && (
        <>
          <span>
            {t('banner.closed')}
            {conn.reason ? ` (${conn.reason})` : ''}
          </span>
          {retry}
        </>
      )}
      {kind === 'lost' && (
        <>
          <span>
            {t('banner.lost')}{' '}
            <span class="banner-countdown" data-seconds={seconds}>
              {seconds > 0 ? t('banner.reconnectingIn', { seconds }) : t('banner.reconnecting')}
            </span>
          </span>
          {retry}
        </>
      )}
    </div>
  );
}
