/**
 * What the search index holds (docs/protocol.md, _Search_): the current text of every written
 * message (text, image, file; a caption may be empty) that is not deleted. The engine applies the
 * change in the event's own transaction; how it stores and matches text is its own business.
 */
import { isWrittenKind, type RoomEvent } from '../../../protocol/index.ts';

export type SearchChange =
  /** A new message: index its text under (room, seq). */
  | { readonly op: 'add'; readonly room: string; readonly seq: number; readonly text: string }
  /** An edit: the message's text is now this; nothing when it is not indexed (deleted). */
  | { readonly op: 'replace'; readonly room: string; readonly seq: number; readonly text: string }
  /** A delete: the message leaves the index. */
  | { readonly op: 'remove'; readonly room: string; readonly seq: number };

/** The index change a new event makes, if any. */
export function searchChangeFor(e: RoomEvent): SearchChange | undefined {
  if (isWrittenKind(e.kind)) return { op: 'add', room: e.room, seq: e.seq, text: e.body };
  if (e.ref === undefined) return undefined;
  if (e.kind === 'edit') return { op: 'replace', room: e.room, seq: e.ref, text: e.body };
  if (e.kind === 'delete') return { op: 'remove', room: e.room, seq: e.ref };
  return undefined;
}
