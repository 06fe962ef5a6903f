/**
 * State and actions of the message UI for the open room: which message is edited inline, which
 * one the composer replies to, reply-quote jumps, and the names @mentions may use. Feeds the
 * contexts of message-context.ts (MessageContexts.tsx) and the composer.
 */
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { isModeratorRole, type RoomEvent, type UserRef } from '../../src/client/index.ts';
import type { ChatStore, RoomView } from './chat-store.ts';
import { foldLog } from './fold.ts';
import type { MentionNames, MessageActions, RoomLog } from './message-context.ts';
import { showMessage } from './message-jump.ts';
import { currentText, excerpt, lastEditable } from './message-text.ts';
import { shownName } from './people-book.ts';
import { useMessageFocus, type MessageFocus } from './use-message-focus.ts';

export interface ReplyTarget {
  readonly room: string;
  readonly seq: number;
  readonly nick: string;
  /** A one-line excerpt of the original. */
  readonly text: string;
}

export interface MessageUi {
  readonly actions: MessageActions;
  readonly log: RoomLog;
  readonly names: MentionNames;
  /** The message the composer replies to, in this room. */
  readonly reply: ReplyTarget | undefined;
  cancelReply(): void;
  /** Start editing your newest message (ArrowUp in the empty composer); false when there is none. */
  editLast(): boolean;
}

const NO_EVENTS: readonly RoomEvent[] = [];

function focusComposer(): void {
  document.querySelector<HTMLTextAreaElement>('.composer textarea[name="message"]')?.focus();
}

export function useMessageUi(
  store: ChatStore,
  room: string,
  view: RoomView | undefined,
  me: UserRef | undefined,
): MessageUi {
  const [editing, setEditing] = useState<{ room: string; seq: number }>();
  const [replyTo, setReplyTo] = useState<ReplyTarget>();
  const [focus, setFocus] = useState<MessageFocus>();
  const jumps = useRef(0);
  /** Originals of replies that are not loaded, fetched one by one, by `room:seq`. */
  const [fetched, setFetched] = useState<ReadonlyMap<string, RoomEvent>>(new Map());
  const asked = useRef(new Set<string>());
  useMessageFocus(focus);

  const events = view?.events ?? NO_EVENTS;
  const folded = useMemo(() => foldLog(events), [events]);
  const bySeq = useMemo(() => new Map(folded.rows.map((e) => [e.seq, e])), [folded]);
  // Read at render: the role arrives with the join and changes with role events, both of which re-render.
  const role = view?.status === 'joined' ? store.role(room) : undefined;
  const moderator = isModeratorRole(role);
  const editingSeq = editing?.room === room ? editing.seq : undefined;

  const actions = useMemo<MessageActions>(
    () => ({
      me,
      moderator,
      editing: editingSeq,
      startEdit: (seq) => setEditing({ room, seq }),
      cancelEdit: () => {
        setEditing(undefined);
        focusComposer();
      },
      saveEdit: (seq, body) => {
        store.edit(room, seq, body);
        setEditing(undefined);
        focusComposer();
      },
      remove: (seq) => store.remove(room, seq),
      react: (seq, emoji, on) => store.react(room, seq, emoji, on),
      reply: (event, changes) => {
        const nick = shownName(store.people.fresh(event.sender));
        setReplyTo({ room, seq: event.seq, nick, text: excerpt(currentText(event, changes)) });
        focusComposer();
      },
    }),
    [store, room, me, moderator, editingSeq],
  );

  const log = useMemo<RoomLog>(
    () => ({
      lookup: (seq) => {
        const key = `${room}:${seq}`;
        // Later edits and deletes of an unloaded original are folded too (by their ref).
        const event = bySeq.get(seq) ?? fetched.get(key);
        if (event) return { event, changes: folded.changes.get(seq) };
        if (!asked.current.has(key)) {
          asked.current.add(key);
          // Not during the render that asked: fetch, then render the quote again.
          queueMicrotask(() => {
            store.message(room, seq).then(
              (found) => found && setFetched((m) => new Map(m).set(key, found)),
              () => asked.current.delete(key),
            );
          });
        }
        return undefined;
      },
      jump: (seq) => {
        void showMessage(store, room, seq).then((result) => {
          if (result === 'shown') setFocus({ room, seq, token: ++jumps.current });
        });
      },
    }),
    [store, room, bySeq, folded, fetched],
  );

  // A string key keeps the names object stable while the set of names stays the same.
  const online = view?.online;
  const key = useMemo(() => {
    const all = new Set<string>();
    for (const e of events) if (e.kind !== 'system') all.add(e.sender.nick);
    for (const u of online ?? []) all.add(u.nick);
    if (me) all.add(me.nick);
    return [...all].sort((a, b) => b.length - a.length || a.localeCompare(b)).join('\n');
  }, [events, online, me]);
  const names = useMemo<MentionNames>(() => ({ me: me?.nick, nicks: key ? key.split('\n') : [] }), [key, me]);

  const cancelReply = useCallback(() => setReplyTo(undefined), []);
  const editLast = (): boolean => {
    const seq = lastEditable(folded.rows, folded.changes, me?.id);
    if (seq === undefined) return false;
    setEditing({ room, seq });
    return true;
  };

  return { actions, log, names, reply: replyTo?.room === room ? replyTo : undefined, cancelReply, editLast };
}
