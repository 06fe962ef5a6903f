/** "Browse rooms": the public rooms with title, topic and member count, a search filter, and join. */
import { useState } from 'preact/hooks';
import type { RoomInfo } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';

interface Props {
  readonly rooms: readonly RoomInfo[];
  /** Rooms you are a member of: "Open" instead of "Join". */
  readonly mine: ReadonlySet<string>;
  readonly onJoin: (room: string) => void;
  /** Opening it refreshes the list (counts and new rooms). */
  readonly onRefresh: () => void;
}

export function RoomDirectory({ rooms, mine, onJoin, onRefresh }: Props) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  // Private rooms and DMs never come from the server to non-members; leave out your own too.
  const shown = rooms
    .filter((r) => r.visibility !== 'private' && r.dm === undefined)
    .filter((r) => !needle || [r.name, r.title, r.topic ?? ''].some((s) => s.toLowerCase().includes(needle)));
  return (
    <details
      class="directory"
      onToggle={(e) => {
        if (e.currentTarget.open) onRefresh();
      }}
    >
      <summary>{t('rooms.directory')}</summary>
      <input
        name="directory-filter"
        type="search"
        placeholder={t('rooms.directoryFilter')}
        aria-label={t('rooms.directoryFilter')}
        value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)}
      />
      <ul class="directory-list">
        {shown.map((r) => (
          <li key={r.name} class="directory-room" data-room={r.name}>
            <div class="directory-text">
              <span class="directory-name">#{r.name}</span>
              {r.title && r.title !== r.name && <span class="directory-title">{r.title}</span>}
              {r.topic && <span class="directory-topic muted">{r.topic}</span>}
              <span class="directory-count muted">{t('rooms.directoryMembers', { count: r.members ?? 0 })}</span>
            </div>
            <button type="button" class="small" onClick={() => onJoin(r.name)}>
              {mine.has(r.name) ? t('rooms.directoryOpen') : t('rooms.directoryJoin')}
            </button>
          </li>
        ))}
        {shown.length === 0 && <li class="muted">{t('rooms.directoryNone')}</li>}
      </ul>
    </details>
  );
}
