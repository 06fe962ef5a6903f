import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConnInfo } from '../chat-store.ts';
import { NICK_MAX, nickProblem } from '../validate.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';

interface Props {
  readonly initialNick: string;
  /** Why the server refused the last attempt. */
  readonly error?: string | undefined;
  /** Non-null while an attempt is under way. */
  readonly connecting: ConnInfo | null;
  readonly onSubmit: (nick: string) => void;
  readonly onCancel: () => void;
}

export function Login({ initialNick, error, connecting, onSubmit, onCancel }: Props) {
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
    <main class="login">
      <form class="login-card" onSubmit={submit} noValidate>
        <div class="brand brand-lg" aria-hidden="true">
          <span class="brand-mark" />
          Parley
        </div>
        <h1>Choose a nickname</h1>
        <p class="muted">This is how others in the chat will see you.</p>
        <label class="field">
          <span>Nickname</span>
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
          {touched && problem ? problem : `Up to ${NICK_MAX} letters, digits, spaces, "-", "_" or ".".`}
        </p>
        {error && !busy && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {busy ? 'Connecting…' : 'Join the chat'}
        </button>
        {connecting && (
          <div class="login-status">
            <ConnectionBadge conn={connecting} />
            <button type="button" class="link" onClick={onCancel}>
              Cancel
            </button>
          </div>
        )}
      </form>
    </main>
  );
}
