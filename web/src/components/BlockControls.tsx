/**
 * Blocking in the web app: a block / unblock button (member rows, the message menu, a DM's
 * header), a message from a blocked person folded away with "Show", and the list in settings.
 * Everything goes by user id (block-list.ts).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { RoomEvent, UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';
import { useBlocks } from '../use-blocks.ts';
import { ConfirmButton } from './ConfirmButton.tsx';
import { PersonName } from './PersonName.tsx';

/** Block (asked first) or unblock `user`; nothing outside the chat. */
export function BlockButton({ user }: { readonly user: UserRef }) {
  const blocks = useBlocks();
  if (!blocks) return null;
  if (blocks.has(user.id)) {
    return (
      <button
        type="button"
        class="link unblock"
        aria-label={t('people.unblockLabel', { nick: user.nick })}
        onClick={() => void blocks.unblock(user.id).catch(() => undefined)}
      >
        {t('people.unblock')}
      </button>
    );
  }
  return (
    <ConfirmButton
      class="block"
      label={t('people.block')}
      ariaLabel={t('people.blockLabel', { nick: user.nick })}
      question={t('people.blockAsk', { nick: user.nick })}
      onConfirm={() => blocks.block(user.id)}
    />
  );
}

const MESSAGE_KINDS = new Set(['text', 'image', 'file']);
/** Event ids shown with "Show": kept outside the row, which the list may mount again. */
const revealed = new Set<string>();

/** A message of someone you block, folded to one line with "Show" (and "Hide" again). */
export function BlockedFold({ event, children }: { readonly event: RoomEvent; readonly children: ComponentChildren }) {
  const blocks = useBlocks();
  const [shown, setShownState] = useState(() => revealed.has(event.id));
  const setShown = (on: boolean): void => {
    if (on) revealed.add(event.id);
    else revealed.delete(event.id);
    setShownState(on);
  };
  if (!blocks?.has(event.sender.id) || !MESSAGE_KINDS.has(event.kind)) return <>{children}</>;
  return (
    <div class="blocked-message" data-seq={event.seq} data-blocked="true">
      <p class="blocked-note muted">
        {t('people.hidden')}{' '}
        <button type="button" class="link blocked-toggle" aria-expanded={shown} onClick={() => setShown(!shown)}>
          {shown ? t('people.hide') : t('people.show')}
        </button>
      </p>
      {shown && children}
    </div>
  );
}

/** The settings menu's list of people you block, each with "Unblock". */
export function BlockedList() {
  const blocks = useBlocks();
  if (!blocks) return null;
  return (
    <fieldset class="field settings-blocked">
      <legend>{t('people.blockedList')}</legend>
      {blocks.users.length === 0 ? (
        <p class="muted">{t('people.blockedNone')}</p>
      ) : (
        <ul class="blocked-list">
          {blocks.users.map((u) => (
            <li key={u.id} data-user={u.id}>
              <PersonName user={u} />
              <BlockButton user={u} />
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
