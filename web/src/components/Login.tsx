import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConnInfo } from '../chat-store.ts';
import { t } from '../i18n/index.ts';
import { useSecondsLeft } from '../use-seconds-left.ts';
import { NICK_MAX, PASSWORD_MAX, PASSWORD_MIN, nickProblem } from '../validate.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { SettingsMenu } from './SettingsMenu.tsx';

export type LoginMode = 'signin' | 'register' | 'guest';

interface Props {
  /** The guest form's nickname (the last guest's). */
  readonly initialNick: string;
  /** The account forms' username (e.g. the account just signed out): never offered as a guest's name. */
  readonly initialUsername: string;
  /** The server lets nickname-only guests in (GET /api/config). */
  readonly guests: boolean;
  /** An account request (sign in / create account) is under way. */
  readonly authPending: boolean;
  readonly onAccount: (mode: 'signin' | 'register', username: string, password: string) => void;
  /** Why the server refused the last attempt. */
  readonly error?: string | undefined;
  /** Sign-in was throttled (HTTP 429): the form waits until then (ms since the epoch). */
  readonly retryAt?: number | undefined;
  /** The form shown first (e.g. `signin` after being signed out); default guest when allowed, unless a username is known. */
  readonly initialMode?: LoginMode | undefined;
  /** Non-null while an attempt is under way. */
  readonly connecting: ConnInfo | null;
  readonly onSubmit: (nick: string) => void;
  readonly onCancel: () => void;
}

export function Login(props: Props) {
  const [mode, setMode] = useState<LoginMode>(
    props.initialMode ?? (props.guests && !props.initialUsername ? 'guest' : 'signin'),
  );
  const modes: LoginMode[] = props.guests ? ['signin', 'register', 'guest'] : ['signin', 'register'];
  useEffect(() => {
    if (!props.guests && mode === 'guest') setMode('signin');
  }, [props.guests, mode]);
  return (
    <main class="login">
      <div class="login-card">
        <div class="login-top">
          <div class="brand brand-lg" aria-hidden="true">
            <span class="brand-mark" />
            Parley
          </div>
          <SettingsMenu />
        </div>
        <div class="login-tabs" role="tablist">
          {modes.map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              class={m === mode ? 'tab active' : 'tab'}
              aria-selected={m === mode}
              onClick={() => setMode(m)}
            >
              {t(`login.tab.${m}`)}
            </button>
          ))}
        </div>
        {mode === 'guest' ? <GuestForm {...props} /> : <AccountForm key={mode} mode={mode} {...props} />}
      </div>
    </main>
  );
}

function AccountForm({
  mode,
  initialUsername,
  error,
  retryAt,
  authPending,
  connecting,
  onAccount,
  onCancel,
}: Props & { mode: 'signin' | 'register' }) {
  // Throttled: count down, then let the user try again.
  const wait = useSecondsLeft(retryAt);
  const shownError = retryAt === undefined ? error : wait > 0 ? t('login.throttled', { seconds: wait }) : undefined;
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const busy = authPending || connecting !== null;
  const userProblem = nickProblem(username);
  const passwordProblem =
    mode === 'register' && Array.from(password).length < PASSWORD_MIN
      ? t('login.passwordShort', { min: PASSWORD_MIN })
      : mode === 'register' && password.trim().toLowerCase() === username.trim().toLowerCase()
        ? t('login.passwordIsUsername')
        : !password
          ? t('login.passwordMissing')
          : undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (userProblem || passwordProblem || busy || wait > 0) return;
    onAccount(mode, username.trim(), password);
  };
  return (
    <form class="login-form" onSubmit={submit} noValidate>
      <h1>{mode === 'register' ? t('login.registerTitle') : t('login.signinTitle')}</h1>
      <label class="field">
        <span>{t('login.username')}</span>
        <input
          name="username"
          autoComplete="username"
          autoFocus
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
          autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
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
          : mode === 'register'
            ? t('login.passwordHint', { min: PASSWORD_MIN, max: PASSWORD_MAX })
            : ''}
      </p>
      <FormFooter
        error={shownError}
        busy={busy}
        blocked={wait > 0}
        label={busy ? t('login.signingIn') : mode === 'register' ? t('login.register') : t('login.signin')}
        connecting={connecting}
        onCancel={onCancel}
      />
    </form>
  );
}

function GuestForm({ initialNick, error, connecting, onSubmit, onCancel }: Props) {
  const [nick, setNick] = useState(initialNick);
  const [touched, setTouched] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setNick(initialNick);
    setTouched(false);
  }, [initialNick, error]);

  useEffect(() => {
    if (!connecting) input.current?.select();
  }, [connecting, error]);

  const problem = nickProblem(nick);
  const busy = connecting !== null;

  const submit = (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (problem || busy) return;
    onSubmit(nick.trim());
  };

  return (
    <form class="login-form" onSubmit={submit} noValidate>
      <h1>{t('login.guestTitle')}</h1>
      <p class="muted">{t('login.guestHelp')}</p>
      <p class="hint guest-lifetime">{t('session.guestLifetime')}</p>
      <label class="field">
        <span>{t('login.nick')}</span>
        <input
          ref={input}
          name="nick"
          autoComplete="nickname"
          autoFocus
          maxLength={NICK_MAX * 2}
          value={nick}
          disabled={busy}
          aria-invalid={touched && problem ? 'true' : undefined}
          aria-describedby="nick-help"
          onInput={(e) => setNick(e.currentTarget.value)}
        />
      </label>
      <p id="nick-help" class={touched && problem ? 'field-error' : 'hint'}>
        {touched && problem ? problem : t('login.nickHint', { max: NICK_MAX })}
      </p>
      <FormFooter
        error={error}
        busy={busy}
        label={busy ? t('login.connecting') : t('login.join')}
        connecting={connecting}
        onCancel={onCancel}
      />
    </form>
  );
}

/** The refusal, the submit button and, while connecting, the connection state with Cancel. */
function FormFooter(props: {
  readonly error: string | undefined;
  readonly busy: boolean;
  /** Submitting is not allowed yet (throttled); the error says until when. */
  readonly blocked?: boolean;
  readonly label: string;
  readonly connecting: ConnInfo | null;
  readonly onCancel: () => void;
}) {
  return (
    <>
      {props.error && !props.busy && (
        <p class="alert" role="alert">
          {props.error}
        </p>
      )}
      <button class="primary" type="submit" disabled={props.busy || props.blocked === true}>
        {props.label}
      </button>
      {props.connecting && (
        <div class="login-status">
          <ConnectionBadge conn={props.connecting} />
          <button type="button" class="link" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      )}
    </>
  );
}
