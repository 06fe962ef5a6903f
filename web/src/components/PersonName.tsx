/**
 * A person's name as pickers, member rows and "seen by" show it: the display name (else the
 * nickname), then `@handle` for an account (unique, theirs for good) or a "guest" tag for a guest
 * (a name held only while online). Two people called "bob" — an account and a guest — never look
 * the same. The freshest name the app knows wins (people-book.ts).
 */
import type { UserRef } from '../../../src/client/index.ts';
import { hueOf } from '../format.ts';
import { t } from '../i18n/index.ts';
import { shownName } from '../people-book.ts';
import { useFresh } from '../use-people-book.ts';

export function PersonName({ user }: { readonly user: UserRef }) {
  const u = useFresh(user);
  const shown = shownName(u);
  return (
    <span class="person-name" data-guest={u.guest ? 'true' : undefined}>
      <span class="person-nick" title={shown}>
        {shown}
      </span>
      <PersonTag user={u} />
    </span>
  );
}

/** `@handle` (muted) for an account, the "guest" tag for a guest. */
export function PersonTag({ user }: { readonly user: UserRef }) {
  return user.guest ? (
    <span class="guest-tag" title={t('people.guestTitle')}>
      {t('people.guest')}
    </span>
  ) : (
    <span class="person-handle" title={t('people.handleTitle')}>
      @{user.nick}
    </span>
  );
}

/**
 * A message sender: the display name; beside it `@handle` when a display name hides it, or the
 * guest tag. Room events carry only {id, nick}: the directory supplies the name and guest flag.
 */
export function SenderName({ user, plain = false }: { readonly user: UserRef; readonly plain?: boolean }) {
  const u = useFresh(user);
  // For screen readers under a grouped message: the name as text only.
  if (plain) return <>{u.name === undefined ? u.nick : `${u.name} @${u.nick}`}</>;
  return (
    <>
      <span class="nick" style={{ '--hue': String(hueOf(u.id)) }} title={u.guest ? undefined : `@${u.nick}`}>
        {shownName(u)}
      </span>
      {(u.guest || u.name !== undefined) && (
        <>
          {' '}
          <PersonTag user={u} />
        </>
      )}
    </>
  );
}
