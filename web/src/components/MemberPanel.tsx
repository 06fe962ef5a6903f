/**
 * The right-hand panel: the current room's members with their roles, you first, then by role and
 * nickname; online ones marked. Each row has a stable `data-user` (the user id) and, for others,
 * a button that opens a direct message; for owners and moderators, an invite control and kick and
 * ban (each confirmed; the server decides who may be removed and its refusal is shown). Names show
 * `@handle` or a guest tag (PersonName); anyone else can be blocked from here (BlockControls).
 */
import type { ComponentChildren } from 'preact';
import type { Member, RemovalKind, UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';
import { Avatar } from './Avatar.tsx';
import { BlockButton } from './BlockControls.tsx';
import { PersonName } from './PersonName.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { LastSeen } from './LastSeen.tsx';
import { PresenceDot } from './PresenceDot.tsx';

interface Props {
  readonly members: readonly Member[];
  /** The room's member count (the list may stop short of it); the list's length until known. */
  readonly total?: number | undefined;
  readonly error?: string | undefined;
  readonly online: readonly UserRef[];
  readonly me: UserRef | undefined;
  /** While disconnected the list may be out of date. */
  readonly stale: boolean;
  readonly onMessage: (user: UserRef) => void;
  readonly onClose: () => void;
  /** Owners and moderators: the invite control (InvitePicker), and kick and ban by user id. */
  readonly invite?: ComponentChildren;
  readonly onRemove?: ((kind: RemovalKind, user: string) => Promise<void>) | undefined;
}

const ROLE_ORDER = { owner: 0, moderator: 1, member: 2 } as const;

export function MemberPanel(props: Props) {
  const { members, total, error, online, me, stale, onMessage, onClose, invite, onRemove } = props;
  const onlineIds = new Set(online.map((u) => u.id));
  const people = [...members].sort(
    (a, b) =>
      Number(b.user.id === me?.id) - Number(a.user.id === me?.id) ||
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.user.nick.localeCompare(b.user.nick),
  );
  return (
    <aside class="people" aria-label={t('rooms.membersLabel')} data-stale={stale ? 'true' : 'false'}>
      <header class="people-header">
        <h2 data-total={total ?? people.length}>{t('rooms.members', { count: total ?? people.length })}</h2>
        <button type="button" class="icon-button people-close" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {invite}
      {error && <p class="field-error">{t('rooms.membersError', { error })}</p>}
      <ul class="people-list member-list">
        {people.map(({ user, role }) => {
          const mine = user.id === me?.id;
          const isOnline = onlineIds.has(user.id);
          return (
            <li key={user.id} class="person" data-user={user.id} data-role={role} data-online={String(isOnline)}>
              <Avatar user={user} small />
              <PresenceDot userId={user.id} />
              <PersonName user={user} />
              {mine && <span class="muted"> {t('rooms.you')}</span>}
              {!mine && <LastSeen userId={user.id} />}
              {role !== 'member' && <span class="role-badge">{t(`rooms.role.${role}`)}</span>}
              {!mine && (
                <button
                  type="button"
                  class="link person-dm"
                  aria-label={t('rooms.messageLabel', { nick: user.nick })}
                  onClick={() => onMessage(user)}
                >
                  {t('rooms.message')}
                </button>
              )}
              {/* Block (anyone), kick and ban (moderators) on a line of their own under the name. */}
              {!mine && (
                <span class="person-moderate">
                  <BlockButton user={user} />
                  {onRemove && (
                    <>
                      <ConfirmButton
                        class="kick"
                        label={t('rooms.kick')}
                        ariaLabel={t('rooms.kickLabel', { nick: user.nick })}
                        question={t('rooms.kickAsk', { nick: user.nick })}
                        onConfirm={() => onRemove('kick', user.id)}
                      />
                      <ConfirmButton
                        class="ban"
                        label={t('rooms.ban')}
                        ariaLabel={t('rooms.banLabel', { nick: user.nick })}
                        question={t('rooms.banAsk', { nick: user.nick })}
                        onConfirm={() => onRemove('ban', user.id)}
                      />
                    </>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
