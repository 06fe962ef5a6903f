import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { RoomEvent } from '../../../src/client/index.ts';
import type { MessageChanges } from '../fold.ts';
import { t } from '../i18n/index.ts';
import { MessageActionsContext } from '../message-context.ts';
import { BlockButton } from './BlockControls.tsx';
import { EmojiPanel } from './EmojiPanel.tsx';

/** Sent when a message's panel opens: any other message's panel closes (one toolbar at a time). */
const PANEL_OPEN = 'parley:message-panel';

/** The quick row's emoji; "More emoji" opens the full searchable set. */
export const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'] as const;

interface Props {
  readonly event: RoomEvent;
  readonly changes: MessageChanges | undefined;
}

/**
 * A message's toolbar, shown on hover or focus (a tap focuses the message on touch screens):
 * react, reply, and for your own messages edit and delete; moderators may delete any message.
 * Deleting asks first.
 */
export function MessageActions({ event, changes }: Props) {
  const actions = useContext(MessageActionsContext);
  const [panel, setPanel] = useState<'react' | 'more' | 'confirm' | undefined>();
  const ref = useRef<HTMLDivElement>(null);
  const open = panel !== undefined;
  // An open panel closes when another one opens or on a click anywhere else.
  useEffect(() => {
    if (!open) return;
    document.dispatchEvent(new CustomEvent(PANEL_OPEN, { detail: event.id }));
    const other = (e: Event): void => {
      if ((e as CustomEvent<string>).detail !== event.id) setPanel(undefined);
    };
    const outside = (e: PointerEvent): void => {
      if (!ref.current?.contains(e.target as Node)) setPanel(undefined);
    };
    document.addEventListener(PANEL_OPEN, other);
    document.addEventListener('pointerdown', outside, true);
    return () => {
      document.removeEventListener(PANEL_OPEN, other);
      document.removeEventListener('pointerdown', outside, true);
    };
  }, [open, event.id]);
  if (!actions?.me || changes?.deleted || actions.editing === event.seq) return null;
  const meId = actions.me.id;
  const mine = event.sender.id === meId;
  const reacted = new Set(changes?.reactions.filter((r) => r.users.includes(meId)).map((r) => r.emoji));
  const close = () => setPanel(undefined);

  return (
    <div
      ref={ref}
      class="message-actions"
      role="toolbar"
      aria-label={t('messages.actions')}
      data-open={panel ? 'true' : undefined}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && panel) {
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        type="button"
        class="action action-react"
        title={t('messages.react')}
        aria-label={t('messages.react')}
        aria-expanded={panel === 'react' || panel === 'more'}
        onClick={() => setPanel(panel === 'react' || panel === 'more' ? undefined : 'react')}
      >
        ☺+
      </button>
      <button type="button" class="action action-reply" onClick={() => actions.reply(event, changes)}>
        {t('messages.reply')}
      </button>
      {mine && (
        <button type="button" class="action action-edit" onClick={() => actions.startEdit(event.seq)}>
          {t('messages.edit')}
        </button>
      )}
      {(mine || actions.moderator) && (
        <button type="button" class="action action-delete" onClick={() => setPanel('confirm')}>
          {t('messages.delete')}
        </button>
      )}
      {!mine && <BlockButton user={event.sender} />}
      {panel === 'react' && (
        <div class="emoji-picker" role="group" aria-label={t('messages.react')}>
          {QUICK_EMOJI.map((emoji) => (
            <button
              key={emoji}
              type="button"
              class="emoji-pick"
              data-emoji={emoji}
              aria-label={t('messages.reactWith', { emoji })}
              aria-pressed={reacted.has(emoji)}
              onClick={() => {
                actions.react(event.seq, emoji, !reacted.has(emoji));
                close();
              }}
            >
              {emoji}
            </button>
          ))}
          <button
            type="button"
            class="emoji-pick emoji-more"
            title={t('emoji.more')}
            aria-label={t('emoji.more')}
            onClick={() => setPanel('more')}
          >
            …
          </button>
        </div>
      )}
      {panel === 'more' && (
        <EmojiPanel
          chosen={reacted}
          onClose={close}
          onPick={(emoji) => {
            actions.react(event.seq, emoji, !reacted.has(emoji));
            close();
          }}
        />
      )}
      {panel === 'confirm' && (
        <div class="delete-confirm" role="alertdialog" aria-label={t('messages.deleteConfirm')}>
          <span>{t('messages.deleteConfirm')}</span>
          <button
            type="button"
            class="danger confirm-delete"
            onClick={() => {
              actions.remove(event.seq);
              close();
            }}
          >
            {t('messages.deleteYes')}
          </button>
          <button type="button" class="link" onClick={close}>
            {t('messages.cancel')}
          </button>
        </div>
      )}
    </div>
  );
}
