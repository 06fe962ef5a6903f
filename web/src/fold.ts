/**
 * The room log as the list shows it: messages and membership lines in seq order, with later
 * edits, deletes and reactions folded into the message they change (`ref`). Pure.
 */
import { isMutationKind, isWrittenKind, type RoomEvent } from '../../src/client/index.ts';

export interface Reaction {
  readonly emoji: string;
  /** Ids of the users who reacted, in order. */
  readonly users: readonly string[];
  /** Their nicknames (the latest seen in the log), in the same order. */
  readonly names: readonly string[];
}

export interface MessageChanges {
  /** The latest edit's text. */
  readonly body?: string;
  readonly deleted: boolean;
  readonly reactions: readonly Reaction[];
}

export interface FoldedLog {
  /** What gets a row: messages and membership changes, ascending by seq. */
  readonly rows: readonly RoomEvent[];
  /** By the seq of the changed message. */
  readonly changes: ReadonlyMap<number, MessageChanges>;
}

/** A message someone wrote (not a system line, a membership change or a change to a message). */
export function isMessage(e: RoomEvent): boolean {
  return isWrittenKind(e.kind);
}

interface Draft {
  body?: string;
  deleted: boolean;
  reactions: Map<string, Set<string>>;
}

export function foldLog(events: readonly RoomEvent[]): FoldedLog {
  const rows: RoomEvent[] = [];
  const drafts = new Map<number, Draft>();
  const nicks = new Map<string, string>();
  for (const e of events) {
    nicks.set(e.sender.id, e.sender.nick);
    if (!isMutationKind(e.kind)) {
      rows.push(e);
      continue;
    }
    if (e.ref === undefined) continue;
    let d = drafts.get(e.ref);
    if (!d) {
      d = { deleted: false, reactions: new Map() };
      drafts.set(e.ref, d);
    }
    // Two racing changes can both be stored: a deleted message ignores what follows.
    if (d.deleted) continue;
    if (e.kind === 'edit') d.body = e.body;
    else if (e.kind === 'delete') {
      d.deleted = true;
      d.reactions.clear();
    } else {
      const users = d.reactions.get(e.body) ?? new Set<string>();
      if (e.kind === 'react') users.add(e.sender.id);
      else users.delete(e.sender.id);
      if (users.size) d.reactions.set(e.body, users);
      else d.reactions.delete(e.body);
    }
  }
  const changes = new Map<number, MessageChanges>();
  for (const [seq, d] of drafts) {
    const reactions = [...d.reactions].map(([emoji, users]) => ({
      emoji,
      users: [...users],
      names: [...users].map((id) => nicks.get(id) ?? id),
    }));
    changes.set(seq, { ...(d.body !== undefined ? { body: d.body } : {}), deleted: d.deleted, reactions });
  }
  return { rows, changes };
}
