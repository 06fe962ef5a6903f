import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { UserRef } from '../../../src/client/index.ts';
import { pendingItems, sentCids, type RoomView } from '../chat-store.ts';
import { hiddenInDm, roomLabel } from '../dm.ts';
import { foldLog, isMessage } from '../fold.ts';
import { t } from '../i18n/index.ts';
import { intlLocale } from '../i18n/intl.ts';
import { dayName, formatDate, listRows, pendingGroups, type ListRow } from '../list-rows.ts';
import { dividerSeq, seenBy } from '../read-marks.ts';
import { useMarkRead } from '../use-mark-read.ts';
import { REVEAL_EVENT, type RevealDetail } from '../use-message-focus.ts';
import { VirtualRows } from '../virtual-rows.ts';
import { MessageItem, PendingItem } from './MessageItem.tsx';
import { NewMessagesDivider, SeenBy } from './ReadMarks.tsx';

interface Props {
  readonly view: RoomView;
  readonly me: UserRef | undefined;
  readonly onLoadOlder: () => void;
  /** The page after the window, while it stops short of the newest messages. */
  readonly onLoadNewer: () => void;
  /** Load the page around `seq` into the window (a jump far back); false when that failed. */
  readonly onJumpTo: (seq: number) => Promise<boolean>;
  /** Back to the newest messages after the window moved away from them. */
  readonly onShowLatest: () => void;
  readonly onRetry: (key: string) => void;
  readonly onDiscard: (key: string) => void;
  readonly onRejoin: () => void;
  readonly onReloadHistory: () => void;
  /** The reader has seen the room up to this seq (while the tab is visible). */
  readonly onRead?: (seq: number) => void;
}

/**
 * The room's messages as a virtualized list (virtual-rows.ts): only the rows in view plus an
 * overscan are in the DOM. Reaching the top loads older pages, reaching the bottom of a window
 * far back loads newer ones; the row being read stays put. At the bottom the list follows new
 * messages; scrolled up it counts them on a button instead.
 */
export function MessageList(props: Props) {
  const { view, me, onLoadOlder, onRetry, onDiscard, onRejoin, onReloadHistory, onRead } = props;
  const ref = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const [, setTick] = useState(0);
  // One per room: measured heights are keyed by seq.
  const virt = useMemo(() => new VirtualRows(), [view.name]);
  virt.onChange = () => setTick((n) => n + 1);
  virt.canStick = !view.hasNewer;

  const pending = useMemo(() => pendingItems(view), [view]);
  const sent = useMemo(() => sentCids(view), [view]);
  const log = useMemo(() => foldLog(view.events), [view.events]);
  const firstUnread = useMemo(() => dividerSeq(view.events, view.divider, me?.id), [view.events, view.divider, me]);
  const seen = useMemo(() => seenBy(view.events, view.receipts, me?.id), [view.events, view.receipts, me]);
  const dm = view.info?.dm !== undefined;
  const rows = useMemo(
    () => listRows(dm ? log.rows.filter((e) => !hiddenInDm(e.kind)) : log.rows, firstUnread),
    [log.rows, firstUnread, dm],
  );
  const where = roomLabel(view.info ?? { name: view.name }, me);
  // "Seen by" between the log and your unsent messages starts a new group.
  const pendingGrouped = useMemo(
    () => pendingGroups(seen.length > 0 ? undefined : rows[rows.length - 1]?.event, pending, me?.id),
    [rows, pending, me, seen],
  );
  const keys = useMemo(() => rows.map((r) => r.key), [rows]);
  useMarkRead(ref, view.events, onRead);

  virt.setKeys(keys);
  const { start, end, padTop, padBottom } = virt.range();

  // New messages below while scrolled up: counted from the last row seen at the bottom.
  const seenKey = useRef<{ room: string; key: number | undefined }>({ room: view.name, key: undefined });
  if (seenKey.current.room !== view.name || virt.stuck || seenKey.current.key === undefined) {
    seenKey.current = { room: view.name, key: keys[keys.length - 1] };
  }
  const newBelow = view.hasNewer ? 0 : countNewBelow(rows, seenKey.current.key, virt.bottomIndex, me?.id);

  // First unread out of view above (or not even loaded): offer to jump to it.
  const oldest = view.events[0]?.seq;
  const unreadAt = firstUnread === undefined ? undefined : virt.indexOf(firstUnread);
  const divider = view.divider;
  const unreadAbove =
    divider !== null &&
    divider !== undefined &&
    (unreadAt !== undefined ? unreadAt < virt.topIndex : view.hasOlder && oldest !== undefined && divider + 1 < oldest);
  const wantUnread = useRef(false);

  // The latest props, for the scroll handler.
  const latest = useRef(props);
  latest.current = props;
  const loadEdges = (): void => {
    const p = latest.current;
    const near = ref.current?.clientHeight ?? 600;
    if (!p.view.loaded) return;
    if (p.view.hasOlder && !p.view.loadingOlder && virt.aboveRows < near) p.onLoadOlder();
    if (p.view.hasNewer && !p.view.loadingNewer && virt.belowRows < near) p.onLoadNewer();
  };

  // Your own new message: go down to it.
  const pendingCount = useRef(pending.length);
  useLayoutEffect(() => {
    if (pending.length > pendingCount.current) virt.toBottom();
    pendingCount.current = pending.length;
    const el = ref.current;
    const body = bodyRef.current;
    if (el && body) virt.attach(el, body);
  });
  // A new page or a new window may leave the reader near an edge: keep loading (a failed page
  // waits for the next scroll or the button, so an error does not loop).
  useEffect(loadEdges, [keys, view.loaded, view.hasOlder, view.hasNewer]);
  useEffect(() => () => virt.detach(), [virt]);
  useEffect(() => {
    if (wantUnread.current && firstUnread !== undefined && unreadAt !== undefined) {
      wantUnread.current = false;
      virt.reveal(firstUnread);
    }
  });

  // A search result asks for a message (use-message-focus.ts).
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const on = (e: Event): void => {
      const d = (e as CustomEvent<RevealDetail>).detail;
      virt.reveal(d.seq, d.done);
    };
    el.addEventListener(REVEAL_EVENT, on);
    return () => el.removeEventListener(REVEAL_EVENT, on);
  }, [virt]);

  const onScroll = (): void => {
    virt.onScroll();
    loadEdges();
  };

  const jumpToUnread = async (): Promise<void> => {
    if (divider === null || divider === undefined) return;
    if (firstUnread !== undefined && unreadAt !== undefined) {
      virt.reveal(firstUnread);
      return;
    }
    wantUnread.current = true;
    if (!(await props.onJumpTo(divider + 1))) wantUnread.current = false;
  };

  const toLatest = (): void => {
    if (view.hasNewer) props.onShowLatest();
    virt.toBottom();
  };

  const now = Date.now();
  return (
    <div
      class="messages"
      ref={ref}
      data-room={view.name}
      data-status={view.status}
      data-loaded={view.loaded ? 'true' : 'false'}
      data-window={`${oldest ?? ''}-${view.events[view.events.length - 1]?.seq ?? ''}`}
      onScroll={onScroll}
      onWheel={() => virt.cancelReveal()}
      onTouchStart={() => virt.cancelReveal()}
      onKeyDown={() => virt.cancelReveal()}
      role="log"
      // Rows come and go as the list scrolls: announce additions only while following the bottom.
      aria-live={virt.stuck ? 'polite' : 'off'}
      aria-relevant="additions"
      aria-label={t('log.messagesIn', { room: view.name })}
    >
      {unreadAbove && (
        <div class="jump-bar jump-bar-top">
          <button type="button" class="jump-button jump-unread" onClick={() => void jumpToUnread()}>
            {t('history.firstUnread')} ↑
          </button>
        </div>
      )}
      <div class="messages-top">
        {view.status === 'joining' && <p class="muted">{t('log.joining', { room: where })}</p>}
        {view.status === 'error' && (
          <p class="alert">
            {t('log.joinFailed', { room: where, error: view.error ?? '' })}{' '}
            <button type="button" class="link" onClick={onRejoin}>
              {t('common.tryAgain')}
            </button>
          </p>
        )}
        {view.historyError && (
          <p class="alert">
            {t('log.historyFailed', { error: view.historyError })}{' '}
            <button type="button" class="link" onClick={onReloadHistory}>
              {t('common.tryAgain')}
            </button>
          </p>
        )}
        {view.hasOlder &&
          (view.loadingOlder ? (
            <p class="loading-row muted" role="status">
              {t('history.loadingOlder')}
            </p>
          ) : (
            <button type="button" class="load-older" onClick={onLoadOlder}>
              {t('log.loadOlder')}
            </button>
          ))}
        {view.loaded && !view.hasOlder && (
          <p class="room-start muted">
            {view.events.length || pending.length ? t('log.start', { room: where }) : t('log.empty')}
          </p>
        )}
      </div>
      <div class="message-rows" ref={bodyRef} style={{ paddingTop: `${padTop}px`, paddingBottom: `${padBottom}px` }}>
        {rows.slice(start, end).map((r) => (
          <div class={r.grouped ? 'message-row grouped' : 'message-row'} key={r.key} data-row={r.key}>
            {r.day !== undefined && <DaySeparator ts={r.event.ts} day={r.day} now={now} />}
            {r.firstUnread && <NewMessagesDivider />}
            <MessageItem
              event={r.event}
              mine={r.event.sender.id === me?.id}
              sent={r.event.cid !== undefined && sent.has(r.event.cid)}
              changes={log.changes.get(r.event.seq)}
              grouped={r.grouped}
            />
          </div>
        ))}
      </div>
      {view.hasNewer ? (
        view.loadingNewer && (
          <p class="loading-row muted" role="status">
            {t('history.loadingNewer')}
          </p>
        )
      ) : (
        <>
          <SeenBy users={seen} />
          {me &&
            pending.map((o, i) => (
              <PendingItem
                key={o.key}
                item={o}
                me={me}
                grouped={pendingGrouped[i]}
                onRetry={() => onRetry(o.key)}
                onDiscard={() => onDiscard(o.key)}
              />
            ))}
        </>
      )}
      {(newBelow > 0 || view.hasNewer || (!virt.stuck && virt.belowRows > (ref.current?.clientHeight ?? 0))) && (
        <div class="jump-bar jump-bar-bottom">
          <button type="button" class="jump-button jump-latest" onClick={toLatest}>
            {newBelow > 1
              ? t('history.newMany', { count: newBelow })
              : newBelow === 1
                ? t('history.newOne')
                : t('history.latest')}{' '}
            ↓
          </button>
        </div>
      )}
    </div>
  );
}

/** Messages by others below the last row the reader has seen (at the bottom, or on screen). */
function countNewBelow(rows: readonly ListRow[], seenKey: number | undefined, bottom: number, me: string | undefined) {
  if (seenKey === undefined) return 0;
  let n = 0;
  for (let i = rows.length - 1; i > bottom && i >= 0; i--) {
    const e = rows[i]!.event;
    if (e.seq <= seenKey) break;
    if (isMessage(e) && e.sender.id !== me) n++;
  }
  return n;
}

function DaySeparator({ ts, day, now }: { ts: number; day: string; now: number }) {
  const name = dayName(ts, now);
  const label =
    name === 'today'
      ? t('history.today')
      : name === 'yesterday'
        ? t('history.yesterday')
        : formatDate(ts, now, intlLocale());
  return (
    <div class="day" role="separator" data-day={day}>
      <span>{label}</span>
    </div>
  );
}
