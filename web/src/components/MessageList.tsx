import type { JSX } from 'preact';
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import type { UserRef } from '../../../src/client/index.ts';
import { pendingItems, sentCids, type RoomView } from '../chat-store.ts';
import { foldLog } from '../fold.ts';
import { dayKey, formatDay } from '../format.ts';
import { dividerSeq, seenBy } from '../read-marks.ts';
import { useMarkRead } from '../use-mark-read.ts';
import { MessageItem, PendingItem } from './MessageItem.tsx';
import { NewMessagesDivider, SeenBy } from './ReadMarks.tsx';

interface Props {
  readonly view: RoomView;
  readonly me: UserRef | undefined;
  readonly onLoadOlder: () => void;
  readonly onRetry: (key: string) => void;
  readonly onDiscard: (key: string) => void;
  readonly onRejoin: () => void;
  readonly onReloadHistory: () => void;
  /** The reader has seen the room up to this seq (while the tab is visible). */
  readonly onRead?: (seq: number) => void;
}

/** How close to the bottom (px) still counts as "reading the newest messages". */
const STICK_PX = 48;

export function MessageList({ view, me, onLoadOlder, onRetry, onDiscard, onRejoin, onReloadHistory, onRead }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prev = useRef<{ room: string; first: number | undefined; height: number; pending: number } | null>(null);
  const pending = useMemo(() => pendingItems(view), [view]);
  const sent = useMemo(() => sentCids(view), [view]);
  const log = useMemo(() => foldLog(view.events), [view.events]);
  const firstUnread = useMemo(() => dividerSeq(view.events, view.divider, me?.id), [view.events, view.divider, me]);
  const seen = useMemo(() => seenBy(view.events, view.receipts, me?.id), [view.events, view.receipts, me]);
  useMarkRead(ref, view.events, onRead);

  // Keep the view pinned to the newest message while the reader is at the bottom, and keep
  // the same messages in place when older ones are prepended.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const first = view.events[0]?.seq;
    const p = prev.current;
    if (!p || p.room !== view.name) {
      stick.current = true;
      el.scrollTop = el.scrollHeight;
    } else if (p.first !== undefined && first !== undefined && first < p.first && !stick.current) {
      el.scrollTop += el.scrollHeight - p.height;
    } else if (stick.current || pending.length > p.pending) {
      el.scrollTop = el.scrollHeight;
    }
    prev.current = { room: view.name, first, height: el.scrollHeight, pending: pending.length };
  });

  const onScroll = () => {
    const el = ref.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
  };

  // One flat, keyed list: a day divider before the first message of each day.
  const rows: JSX.Element[] = [];
  let lastDay = '';
  for (const e of log.rows) {
    const day = dayKey(e.ts);
    if (day !== lastDay) {
      rows.push(
        <div class="day" key={`day-${day}`} role="separator">
          <span>{formatDay(e.ts)}</span>
        </div>,
      );
      lastDay = day;
    }
    if (e.seq === firstUnread) rows.push(<NewMessagesDivider key="new-messages" />);
    rows.push(
      <MessageItem
        key={e.seq}
        event={e}
        mine={e.sender.id === me?.id}
        sent={e.cid !== undefined && sent.has(e.cid)}
        changes={log.changes.get(e.seq)}
      />,
    );
  }

  return (
    <div
      class="messages"
      ref={ref}
      data-room={view.name}
      data-status={view.status}
      data-loaded={view.loaded ? 'true' : 'false'}
      onScroll={onScroll}
      role="log"
      aria-live="polite"
      aria-relevant="additions"
      aria-label={`Messages in ${view.name}`}
    >
      <div class="messages-top">
        {view.status === 'joining' && <p class="muted">Joining #{view.name}…</p>}
        {view.status === 'error' && (
          <p class="alert">
            Could not join #{view.name}: {view.error}{' '}
            <button type="button" class="link" onClick={onRejoin}>
              Try again
            </button>
          </p>
        )}
        {view.historyError && (
          <p class="alert">
            Could not load messages: {view.historyError}{' '}
            <button type="button" class="link" onClick={onReloadHistory}>
              Try again
            </button>
          </p>
        )}
        {view.hasOlder && (
          <button type="button" class="load-older" onClick={onLoadOlder} disabled={view.loadingOlder}>
            {view.loadingOlder ? 'Loading…' : 'Load older messages'}
          </button>
        )}
        {view.loaded && !view.hasOlder && (
          <p class="room-start muted">
            {view.events.length || pending.length
              ? `This is the start of #${view.name}.`
              : 'No messages yet — say hello!'}
          </p>
        )}
      </div>
      {rows}
      <SeenBy users={seen} />
      {me &&
        pending.map((o) => (
          <PendingItem key={o.key} item={o} me={me} onRetry={() => onRetry(o.key)} onDiscard={() => onDiscard(o.key)} />
        ))}
    </div>
  );
}
