import { t } from '../i18n/index.ts';
import type { EmojiMatch } from '../use-emoji-complete.ts';

export const EMOJI_LIST_ID = 'emoji-list';

interface Props {
  readonly matches: readonly EmojiMatch[];
  readonly active: number;
  readonly onPick: (m: EmojiMatch) => void;
}

/** The emoji a `:shortcode` being typed may complete to, above the composer. */
export function EmojiPopup({ matches, active, onPick }: Props) {
  if (matches.length === 0) return null;
  return (
    <ul class="mention-popup emoji-popup" id={EMOJI_LIST_ID} role="listbox" aria-label={t('emoji.completions')}>
      {matches.map((m, i) => (
        <li
          key={m.code}
          id={`${EMOJI_LIST_ID}-${i}`}
          role="option"
          class={i === active ? 'mention-option emoji-option active' : 'mention-option emoji-option'}
          aria-selected={i === active}
          data-code={m.code}
          // mousedown, not click: the textarea keeps its focus and caret.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(m);
          }}
        >
          <span class="emoji-option-char">{m.emoji.char}</span> :{m.code}:
        </li>
      ))}
    </ul>
  );
}
