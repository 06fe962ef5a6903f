import { useContext } from 'preact/hooks';
import type { Reaction } from '../fold.ts';
import { t } from '../i18n/index.ts';
import { MessageActionsContext } from '../message-context.ts';

/** Reaction chips under a message: emoji, count, who (tooltip and label); a click toggles yours. */
export function ReactionBar({ seq, reactions }: { seq: number; reactions: readonly Reaction[] }) {
  const actions = useContext(MessageActionsContext);
  const me = actions?.me?.id;
  if (reactions.length === 0) return null;
  return (
    <ul class="reactions" aria-label={t('messages.reactions')}>
      {reactions.map((r) => {
        const mine = me !== undefined && r.users.includes(me);
        const names = r.names.join(', ');
        return (
          <li key={r.emoji}>
            <button
              type="button"
              class={mine ? 'reaction mine' : 'reaction'}
              data-emoji={r.emoji}
              data-count={r.users.length}
              aria-pressed={mine}
              title={names}
              aria-label={t('messages.reactionLabel', { emoji: r.emoji, count: r.users.length, names })}
              disabled={!actions}
              onClick={() => actions?.react(seq, r.emoji, !mine)}
            >
              <span class="reaction-emoji">{r.emoji}</span> <span class="reaction-count">{r.users.length}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
