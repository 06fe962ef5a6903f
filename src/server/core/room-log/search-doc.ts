/**
 * What the search index holds (docs/protocol.md, _Search_): the current text of every written
 * message (text, image, file; a caption may be empty) that is not deleted, and for an image or
 * file its file name on a line of its own after the caption, so files are found by name. The
 * engine applies the change in the event's own transaction; how it stores and matches text is
 * its own business.
 */
import { isWrittenKind, type RoomEvent } from '../../../protocol/index.ts';

export type SearchChange =
  /** A new message: index its text under (room, seq). */
  | { readonly op: 'add'; readonly room: string; readonly seq: number; readonly text: string }
  /** An edit: the message's text is now this; nothing when it is not indexed (deleted). */
  | { readonly op: 'replace'; readonly room: string; readonly seq: number; readonly text: string }
  /** A delete: the message leaves the index. */
  | { readonly op: 'remove'; readonly room: string; readonly seq: number };

/** A message's search text: the text, and an upload's file name on the line after it. */
export function searchText(body: string, fileName: string | undefined): string {
  return fileName === undefined ? body : `${body}\n${fileName}`;
}

/** The message's text back from its search text (search results show the text alone). */
export function bodyOfSearchText(text: string, fileName: string | undefined): string {
  const tail = fileName === undefined ? '' : `\n${fileName}`;
  return tail && text.endsWith(tail) ? text.slice(0, -tail.length) : text;
}

/**
 * The index change a new event makes, if any. `editedFile` is, for an edit of an image or file
 * message, that message's file name (an edit event does not carry it): it stays searchable.
 */
export function searchChangeFor(e: RoomEvent, editedFile?: string): SearchChange | undefined {
  if (isWrittenKind(e.kind)) return { op: 'add', room: e.room, seq: e.seq, text: searchText(e.body, e.file?.name) };
  if (e.ref === undefined) return undefined;
  if (e.kind === 'edit') return { op: 'replace', room: e.room, seq: e.ref, text: searchText(e.body, editedFile) };
  if (e.kind === 'delete') return { op: 'remove', room: e.room, seq: e.ref };
  return undefined;
}
