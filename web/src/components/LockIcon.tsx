import { t } from '../i18n/index.ts';

/** A private room's lock, named for screen readers and in a tooltip. */
export function LockIcon() {
  return (
    <svg class="lock" viewBox="0 0 16 16" width="12" height="12" role="img" aria-label={t('layout.private')}>
      <title>{t('layout.private')}</title>
      <path
        fill="currentColor"
        d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5A1 1 0 0 1 13 8v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h.5Zm1.5 0h4V5a2 2 0 0 0-4 0v2Z"
      />
    </svg>
  );
}
