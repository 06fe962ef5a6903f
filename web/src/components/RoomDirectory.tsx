/**
 * "Browse rooms": a dialog listing the public rooms you are not in (store/room-list.ts
 * directoryRooms, so it never disagrees with the sidebar), with a filter, a preview of the picked
 * room's latest messages read without joining (nobody is told; formatted and named as in the room), and a "Join" button — the only
 * way the app joins a room you are not in. Escape or the backdrop closes it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RoomEvent, RoomInfo, UserRef } from '../../../src/client/index.ts';
import { foldLog, isMessage } from '../fold.ts';
import { errorText } from '../format.ts';
import { t } from '../i18n/index.ts';
import { dateFormat } from '../i18n/intl.ts';
import { SenderName } from './PersonName.tsx';
import { RichText } from './RichText.tsx';

/** Messages the preview shows, newest last. */
const PREVIEW_LIMIT = 30;

interface Props {
  readonly open: boolean;
  /** Public rooms you are not in. */
  readonly rooms: readonly RoomInfo[];
  readonly onClose: () => void;
  readonly onJoin: (room: string) => void;
  readonly loadPreview: (room: string, limit: number) => Promise<RoomEvent[]>;
}

type Preview =
  | { readonly room: string; readonly status: 'loading' }
  | { readonly room: string; readonly status: 'done'; readonly lines: readonly PreviewLine[] }
  | { readonly room: string; readonly status: 'error'; readonly error: string };

interface PreviewLine {
  readonly seq: number;
  readonly sender: UserRef;
  readonly ts: number;
  readonly text: string;
  readonly file?: string;
}

/** The messages of a page as they read now: edits applied, deleted ones left out. */
export function previewLines(events: readonly RoomEvent[]): PreviewLine[] {
  const { rows, changes } = foldLog(events);
  return rows
    .filter((e) => isMessage(e) && !changes.get(e.seq)?.deleted)
    .map((e) => ({
      seq: e.seq,
      sender: e.sender,
      ts: e.ts,
      text: changes.get(e.seq)?.body ?? e.body,
      ...(e.file ? { file: e.file.name } : {}),
    }));
}

const time = { format: (ts: number) => dateFormat({ dateStyle: 'short', timeStyle: 'short' }).format(ts) };

export function RoomDirectory({ open, rooms, onClose, onJoin, loadPreview }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [filter, setFilter] = useState('');
  const [preview, setPreview] = useState<Preview>();
  const asked = useRef('');

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
    if (!open) setPreview(undefined);
  }, [open]);

  const pick = (room: string) => {
    asked.current = room;
    setPreview({ room, status: 'loading' });
    loadPreview(room, PREVIEW_LIMIT).then(
      (events) => asked.current === room && setPreview({ room, status: 'done', lines: previewLines(events) }),
      (err: unknown) => asked.current === room && setPreview({ room, status: 'error', error: errorText(err) }),
    );
  };

  const needle = filter.trim().toLowerCase();
  const shown = rooms.filter(
    (r) => !needle || [r.name, r.title, r.topic ?? ''].some((s) => s.toLowerCase().includes(needle)),
  );
  // A room that left the list (joined in another tab, banned) leaves the preview too.
  const picked = preview && rooms.find((r) => r.name === preview.room);
  return (
    <dialog
      ref={dialog}
      class="directory"
      aria-labelledby="directory-heading"
      // Escape: closed now; the close event comes a task later and is stale if reopened by then.
      onCancel={onClose}
      onClose={() => !dialog.current?.open && onClose()}
      onClick={(e) => e.target === dialog.current && onClose()}
    >
      <header class="directory-header">
        <h2 id="directory-heading">{t('rooms.directory')}</h2>
        <button type="button" class="icon-button" aria-label={t('directory.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <input
        name="directory-filter"
        type="search"
        placeholder={t('rooms.directoryFilter')}
        aria-label={t('rooms.directoryFilter')}
        value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)}
      />
      <div class="directory-body">
        <ul class="directory-list">
          {shown.map((r) => (
            <li key={r.name}>
              <button
                type="button"
                class="directory-room"
                data-room={r.name}
                aria-pressed={picked?.name === r.name}
                title={r.title || r.name}
                onClick={() => pick(r.name)}
              >
                <span class="directory-name">#{r.name}</span>
                {r.title && r.title !== r.name && <span class="directory-title">{r.title}</span>}
                {r.topic && <span class="directory-topic muted">{r.topic}</span>}
                <span class="directory-count muted">{t('rooms.directoryMembers', { count: r.members ?? 0 })}</span>
              </button>
            </li>
          ))}
          {shown.length === 0 && (
            <li class="muted directory-empty">{needle ? t('rooms.directoryNone') : t('directory.none')}</li>
          )}
        </ul>
        <section class="directory-preview" aria-live="polite" aria-label={picked ? `#${picked.name}` : undefined}>
          {picked && preview ? (
            <PreviewPane room={picked} preview={preview} onJoin={() => onJoin(picked.name)} />
          ) : (
            <p class="muted">{t('directory.pick')}</p>
          )}
        </section>
      </div>
    </dialog>
  );
}

function PreviewPane({
  room,
  preview,
  onJoin,
}: {
  readonly room: RoomInfo;
  readonly preview: Preview;
  readonly onJoin: () => void;
}) {
  return (
    <>
      <header class="preview-head">
        <h3>#{room.name}</h3>
        {room.topic && <p class="muted">{room.topic}</p>}
        <button type="button" class="primary preview-join" onClick={onJoin}>
          {t('directory.join', { room: room.name })}
        </button>
      </header>
      <p class="muted preview-note">{t('directory.note', { room: room.name })}</p>
      {preview.status === 'loading' && <p class="muted">{t('directory.loading', { room: room.name })}</p>}
      {preview.status === 'error' && (
        <p class="field-error" role="alert">
          {t('directory.failed', { room: room.name, error: preview.error })}
        </p>
      )}
      {preview.status === 'done' &&
        (preview.lines.length === 0 ? (
          <p class="muted">{t('directory.empty')}</p>
        ) : (
          <ol class="preview-messages">
            {preview.lines.map((l) => (
              <li key={l.seq} data-seq={l.seq}>
                <span class="preview-meta">
                  <b>
                    <SenderName user={l.sender} />
                  </b>{' '}
                  <time dateTime={new Date(l.ts).toISOString()}>{time.format(l.ts)}</time>
                </span>
                {l.text && (
                  <div class="preview-text">
                    <RichText text={l.text} />
                  </div>
                )}
                {l.file && <span class="preview-file muted">{t('directory.file', { name: l.file })}</span>}
              </li>
            ))}
          </ol>
        ))}
    </>
  );
}
