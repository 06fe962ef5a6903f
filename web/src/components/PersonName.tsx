/**
 * A person's name as pickers, member rows and "seen by" show it: the nickname, then `@handle`
 * for an account (unique, theirs for good) or a "guest" tag for a guest (a name held only while
 * online). Two people called "bob" — an account and a guest — never look the same.
 */
import type { UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';

export function PersonName({ user }: { readonly user: UserRef }) {
  return (
    <span class="person-name" data-guest={user.guest ? 'true' : undefined}>
      <span class="person-nick" title={user.nick}>
        {user.nick}
      </span>
      {user.guest ? (
        <span class="guest-tag" title={t('people.guestTitle')}>
          {t('people.guest')}
        </span>
      ) : (
        <span class="person-handle" title={t('people.handleTitle')}>
          @{user.nick}
        </span>
      )}
    </span>
  );
}
