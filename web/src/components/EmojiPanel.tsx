import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { EMOJI_GROUPS, loadEmoji, searchEmoji, type Emoji, type EmojiSet } from '../emoji-data.ts';
import { locale, t } from '../i18n/index.ts';

interface Props {
  /** An emoji was chosen. */
  readonly onPick: (emoji: string) => void;
  /** Esc in the search box. */
  readonly onClose: () => void;
  /** Emoji shown as already chosen (your reactions). */
  readonly chosen?: ReadonlySet<string>;
}

/**
 * Every emoji, by group, with a search over names, keywords and shortcodes (in the UI language;
 * shortcodes in English). The data loads when the panel first opens (emoji-data.ts).
 */
export function EmojiPanel({ onPick, onClose, chosen }: Props) {
  const lang = locale();
  const [set, setSet] = useState<EmojiSet | 'failed'>();
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    loadEmoji(lang).then(
      (s) => live && setSet(s),
      () => live && setSet('failed'),
    );
    input.current?.focus();
    return () => {
      live = false;
    };
  }, [lang]);

  const found = useMemo(
    () => (set && set !== 'failed' && query.trim() ? searchEmoji(set, query) : undefined),
    [set, query],
  );

  const button = (e: Emoji) => (
    <button
      key={e.char}
      type="button"
      class="emoji-cell"
      data-emoji={e.char}
      title={e.codes.length > 0 ? `${e.label} :${e.codes[0]}:` : e.label}
      aria-label={e.label}
      aria-pressed={chosen ? chosen.has(e.char) : undefined}
      onClick={() => onPick(e.char)}
    >
      {e.char}
    </button>
  );

  return (
    <div
      class="emoji-panel"
      role="dialog"
      aria-label={t('emoji.panel')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <input
        ref={input}
        type="search"
        class="emoji-search"
        name="emoji-search"
        placeholder={t('emoji.search')}
        aria-label={t('emoji.search')}
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Enter takes the first match, as in Slack and Discord; it never submits the composer.
          if (e.key === 'Enter') {
            e.preventDefault();
            if (found?.[0]) onPick(found[0].char);
          }
        }}
      />
      <div class="emoji-scroll">
        {set === undefined ? (
          <p class="muted emoji-status" role="status">
            {t('emoji.loading')}
          </p>
        ) : set === 'failed' ? (
          <p class="alert emoji-status">{t('emoji.failed')}</p>
        ) : found ? (
          found.length === 0 ? (
            <p class="muted emoji-status">{t('emoji.none')}</p>
          ) : (
            <div class="emoji-grid">{found.slice(0, 400).map(button)}</div>
          )
        ) : (
          EMOJI_GROUPS.map((g) => (
            <section key={g} class="emoji-group" aria-label={t(`emoji.group.${g}`)}>
              <h3>{t(`emoji.group.${g}`)}</h3>
              <div class="emoji-grid">{set.list.filter((e) => e.group === g).map(button)}</div>
            </section>
          ))
        )}
      </div>
    </div>
  );
}
