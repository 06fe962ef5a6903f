import { t } from '../i18n/index.ts';
import { usePeopleBook } from '../use-people-book.ts';

export const MENTION_LIST_ID = 'mention-list';

interface Props {
  readonly matches: readonly string[];
  readonly active: number;
  readonly onPick: (name: string) => void;
}

/** The names an @mention being typed may complete to, above the composer. */
export function MentionPopup({ matches, active, onPick }: Props) {
  const book = usePeopleBook();
  if (matches.length === 0) return null;
  return (
    <ul class="mention-popup" id={MENTION_LIST_ID} role="listbox" aria-label={t('messages.mentionList')}>
      {matches.map((name, i) => (
        <li
          key={name}
          id={`${MENTION_LIST_ID}-${i}`}
          role="option"
          class={i === active ? 'mention-option active' : 'mention-option'}
          aria-selected={i === active}
          data-nick={name}
          // mousedown, not click: the textarea keeps its focus and caret.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(name);
          }}
        >
          {/* The handle is what gets inserted (unique); the display name helps to pick. */}
          <span class="mention-handle">@{name}</span>
          {book?.byHandle(name)?.name !== undefined && (
            <span class="mention-name muted"> {book.byHandle(name)?.name}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
