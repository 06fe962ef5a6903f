import { useEffect, useRef, useState } from 'preact/hooks';
import '../styles/session.css';
import { t } from '../i18n/index.ts';
import { NICK_MAX, PASSWORD_MAX, PASSWORD_MIN, nickProblem } from '../validate.ts';

interface Props {
  /** The guest's nickname: the suggested username. */
  readonly nick: string;
  /** Creates the account from this guest (same user: rooms and DMs kept); rejects with the reason. */
  readonly onUpgrade: (username: string, password: string) => Promise<void>;
}

/**
 * Tells a guest plainly what closing the last tab costs, and offers to keep everything by
 * creating an account from this guest.
 */
export function GuestNotice({ nick, onUpgrade }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <div class="guest-notice" role="status">
        <span class="guest-notice-text">{t('session.guestWarning')}</span>
        <button type="button" class="small primary" name="keep-guest" onClick={() => setOpen(true)}>
          {t('session.keep')}
        </button>
      </div>
      {open && <UpgradeDialog nick={nick} onUpgrade={onUpgrade} onClose={() => setOpen(false)} />}
    </>
  );
}

function UpgradeDialog({ nick, onUpgrade, onClose }: Props & { readonly onClose: () => void }) {
  const [username, setUsername] = useState(nick);
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    first.current?.select();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  const userProblem = nickProblem(username);
  const passwordProblem =
    Array.from(password).length < PASSWORD_MIN
      ? t('login.passwordShort', { min: PASSWORD_MIN })
      : password.trim().toLowerCase() === username.trim().toLowerCase()
        ? t('login.passwordIsUsername')
        : undefined;
  const submit = (e: Event): void => {
    e.preventDefault();
    setTouched(true);
    if (userProblem || passwordProblem || busy) return;
    setBusy(true);
    setError(undefined);
    onUpgrade(username.trim(), password).catch((err: unknown) => {
      setBusy(false);
      setError(err instanceof Error ? err.message : String(err));
    });
  };
  return (
    <div class="upgrade-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="login-card upgrade-dialog" role="dialog" aria-modal="true" aria-labelledby="upgrade-title">
        <form class="login-form" onSubmit={submit} noValidate>
          <h1 id="upgrade-title">{t('session.upgradeTitle')}</h1>
          <p class="muted">{t('session.upgradeHelp')}</p>
          <label class="field">
            <span>{t('login.username')}</span>
            <input
              ref={first}
              name="username"
              autoComplete="username"
              maxLength={NICK_MAX * 2}
              value={username}
              disabled={busy}
              aria-invalid={touched && userProblem ? 'true' : undefined}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </label>
          {touched && userProblem && <p class="field-error">{userProblem}</p>}
          <label class="field">
            <span>{t('login.password')}</span>
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              maxLength={PASSWORD_MAX}
              value={password}
              disabled={busy}
              aria-invalid={touched && passwordProblem ? 'true' : undefined}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <p class={touched && passwordProblem ? 'field-error' : 'hint'}>
            {touched && passwordProblem
              ? passwordProblem
              : t('login.passwordHint', { min: PASSWORD_MIN, max: PASSWORD_MAX })}
          </p>
          {error && !busy && (
            <p class="alert" role="alert">
              {error}
            </p>
          )}
          <div class="upgrade-actions">
            <button type="button" class="link" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </button>
            <button class="primary" type="submit" disabled={busy}>
              {busy ? t('login.signingIn') : t('session.upgrade')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
