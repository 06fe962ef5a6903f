import { useEffect } from 'preact/hooks';
import type { RoomInfo, SearchResult, UserRef } from '../../../src/client/index.ts';
import { roomLabel } from '../dm.ts';
import { highlightParts } from '../highlight.ts';
import { t } from '../i18n/index.ts';
import { dateFormat } from '../i18n/intl.ts';
import type { SearchState } from '../use-search.ts';
import { Avatar } from './Avatar.tsx';

interface Props {
  readonly search: SearchState;
  /** The room open now, offered as a narrower scope. */
  readonly room: string;
  /** How the open room is named: "#name", or "@ann" for a DM. */
  readonly label: string;
  /** The room list, to name each result's room (a DM by its people, never its dm-… id). */
  readonly rooms: readonly RoomInfo[];
  readonly me: UserRef | undefined;
  readonly onScope: (room: string | undefined) => void;
  readonly onMore: () => void;
  readonly onJump: (result: SearchResult) => void;
  readonly onClose: () => void;
}

const when = { format: (ts: number) => dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(ts) };

/**
 * Search results over the message list (never the composer): room, sender, time, and the snippet
 * with its matches marked — all as text. Escape closes it, wherever the focus is.
 */
export function SearchPanel({ search, room, label, rooms, me, onScope, onMore, onJump, onClose }: Props) {
  const { results, status } = search;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // A dialog or menu open above handles its own Escape.
      if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]')) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  const byName = new Map(rooms.map((r) => [r.name, r]));
  const where = (name: string) => roomLabel(byName.get(name) ?? { name }, me);
  return (
    <aside class="search-panel" aria-label={t('search.results')} data-status={status}>
      <header class="search-header">
        <h2>
          {t('search.resultsFor')} <q>{search.q}</q>
        </h2>
        <button type="button" class="icon-button" aria-label={t('search.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div class="search-scope" role="group" aria-label={t('search.scope')}>
        <button type="button" aria-pressed={search.room === undefined} onClick={() => onScope(undefined)}>
          {t('search.allRooms')}
        </button>
        <button type="button" aria-pressed={search.room === room} onClick={() => onScope(room)}>
          {label}
        </button>
      </div>
      {search.note && (
        <p class="alert search-note" role="status">
          {search.note}
        </p>
      )}
      <ol class="search-results">
        {results.map((r) => (
          <li key={`${r.room}:${r.seq}`}>
            <SearchHit result={r} where={where(r.room)} onJump={onJump} />
          </li>
        ))}
      </ol>
      {status === 'loading' && <p class="muted search-note">{t('search.searching')}</p>}
      {status === 'error' && (
        <p class="alert search-note" role="alert">
          {t('search.failed', { error: search.error ?? '' })}
        </p>
      )}
      {status === 'done' && results.length === 0 && (
        <p class="muted search-note">{search.next === undefined ? t('search.none') : t('search.noneYet')}</p>
      )}
      {status === 'done' && search.next !== undefined && (
        <button type="button" class="load-older" onClick={onMore}>
          {t('search.older')}
        </button>
      )}
    </aside>
  );
}

function SearchHit({
  result,
  where,
  onJump,
}: {
  readonly result: SearchResult;
  readonly where: string;
  readonly onJump: (r: SearchResult) => void;
}) {
  return (
    <button
      type="button"
      class="search-hit"
      data-room={result.room}
      data-seq={result.seq}
      onClick={() => onJump(result)}
    >
      <span class="search-hit-meta">
        <Avatar user={result.sender} small />
        <span class="search-hit-nick">{result.sender.nick}</span>
        <span class="search-hit-room">{where}</span>
        <time dateTime={new Date(result.ts).toISOString()}>{when.format(result.ts)}</time>
      </span>
      <span class="search-hit-text">
        {highlightParts(result.snippet, result.marks).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : p.text))}
      </span>
      {result.file && <span class="search-hit-file muted">{result.file.name}</span>}
    </button>
  );
}
