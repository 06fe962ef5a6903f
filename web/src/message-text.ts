/** Short plain-text forms of a message, for reply quotes and the "Replying to" bar. Pure. */
import type { RoomEvent } from '../../src/client/index.ts';
import type { MessageChanges } from './fold.ts';
import { plainMarkdown } from './markdown.ts';

const EXCERPT_MAX = 80;

/** The first EXCERPT_MAX characters of `text` on one line, without Markdown, "…" marking a cut. */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  const line = plainMarkdown(text).replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

/** The message's current text (after edits); for a file without caption, its name. */
export function currentText(event: RoomEvent, changes: MessageChanges | undefined): string {
  const body = changes?.body ?? event.body;
  return body || event.file?.name || '';
}

/** The newest message of `userId` that can still be edited (text, not deleted), or undefined. */
export function lastEditable(
  rows: readonly RoomEvent[],
  changes: ReadonlyMap<number, MessageChanges>,
  userId: string | undefined,
): number | undefined {
  if (userId === undefined) return undefined;
  for (let i = rows.length - 1; i >= 0; i--) {
    const e = rows[i]!;
    if (e.sender.id === userId && e.kind === 'text' && !changes.get(e.seq)?.deleted) return e.seq;
  }
  return undefined;
}
