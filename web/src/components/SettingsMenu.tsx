import { useEffect, useRef, useState } from 'preact/hooks';
import { LOCALES, locale, setLocale, t, type Locale } from '../i18n/index.ts';
import { notificationsSupported, notifyEnabled, setNotifyEnabled } from '../notifications.ts';
import { THEMES, savedTheme, setTheme, type ThemeChoice } from '../theme.ts';
import { BlockedList } from './BlockControls.tsx';
import { DisplayNameField } from './DisplayNameField.tsx';

/** Language and theme pickers; with `notifications`, the notification switch too (asks permission on click only). */
export function SettingsMenu({ notifications = false }: { readonly notifications?: boolean }) {
  const [theme, setThemeState] = useState<ThemeChoice>(savedTheme);
  const ref = useRef<HTMLDetailsElement>(null);
  // A click elsewhere or Escape closes the menu, as menus do.
  useEffect(() => {
    const close = (e: Event): void => {
      const menu = ref.current;
      if (!menu?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !menu.contains(e.target as Node)) menu.open = false;
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  return (
    <details class="settings-menu" ref={ref}>
      <summary class="icon-button settings-toggle" aria-label={t('settings.title')} title={t('settings.title')}>
        <span aria-hidden="true">⚙</span>
      </summary>
      <div class="settings-panel">
        {/* Accounts in the chat only. */}
        <DisplayNameField />
        <label class="field">
          <span>{t('settings.language')}</span>
          <select name="language" value={locale()} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {t(`settings.language.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('settings.theme')}</span>
          <select
            name="theme"
            value={theme}
            onChange={(e) => {
              const next = e.currentTarget.value as ThemeChoice;
              setTheme(next);
              setThemeState(next);
            }}
          >
            {THEMES.map((th) => (
              <option key={th} value={th}>
                {t(`settings.theme.${th}`)}
              </option>
            ))}
          </select>
        </label>
        {notifications && <NotificationSetting />}
        {/* In the chat only (no list on the sign-in card). */}
        <BlockedList />
      </div>
    </details>
  );
}

function NotificationSetting() {
  const supported = notificationsSupported();
  const [permission, setPermission] = useState(() => (supported ? Notification.permission : 'denied'));
  const [on, setOn] = useState(() => notifyEnabled() && permission === 'granted');
  const enable = async (): Promise<void> => {
    // Asked from this click only, never on load.
    const result = permission === 'granted' ? permission : await Notification.requestPermission();
    setPermission(result);
    setNotifyEnabled(result === 'granted');
    setOn(result === 'granted');
  };
  return (
    <fieldset class="field settings-notify">
      <legend>{t('settings.notify')}</legend>
      {!supported ? (
        <p class="muted">{t('settings.notify.unsupported')}</p>
      ) : permission === 'denied' ? (
        <p class="muted">{t('settings.notify.denied')}</p>
      ) : permission === 'granted' ? (
        <label class="check">
          <input
            type="checkbox"
            name="notify"
            checked={on}
            onChange={(e) => {
              setNotifyEnabled(e.currentTarget.checked);
              setOn(e.currentTarget.checked);
            }}
          />
          <span>{t('settings.notify.toggle')}</span>
        </label>
      ) : (
        <button type="button" class="small" name="notify-enable" onClick={() => void enable()}>
          {t('settings.notify.enable')}
        </button>
      )}
    </fieldset>
  );
}
