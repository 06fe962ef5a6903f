import { useState } from 'preact/hooks';
import { SEARCH_QUERY_MAX } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';

interface Props {
  readonly onSearch: (q: string) => void;
  /** Escape in an empty box closes the results (and leaves the box). */
  readonly onClose: () => void;
  /** The box got focus: show the last results again. */
  readonly onFocus: () => void;
}

/** The search field in the room header: Enter searches, Escape clears, then closes. */
export function SearchBox({ onSearch, onClose, onFocus }: Props) {
  const [q, setQ] = useState('');
  return (
    <form
      class="search-box"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) onSearch(q);
      }}
    >
      <input
        type="search"
        name="q"
        value={q}
        maxLength={SEARCH_QUERY_MAX}
        placeholder={t('search.placeholder')}
        aria-label={t('search.placeholder')}
        autoComplete="off"
        enterKeyHint="search"
        onInput={(e) => setQ(e.currentTarget.value)}
        onFocus={onFocus}
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return;
          // Clearing the box is this Escape's whole job (the panel's own Escape waits for the next).
          e.preventDefault();
          if (q) setQ('');
          else {
            // Also leaves the box, so a phone's widened box (open while focused) closes with the results.
            e.currentTarget.blur();
            onClose();
          }
        }}
      />
    </form>
  );
}
