/**
 * What message rows need beyond their props, without threading it through the list: the actions
 * (edit, delete, react, reply), the room's log for reply quotes, and the names @mentions may use.
 * Separate contexts, so a new event re-renders only the rows that quote something.
 */
import { createContext } from 'preact';
import type { RoomEvent, UserRef } from '../../src/client/index.ts';
import type { MessageChanges } from './fold.ts';

export interface MessageActions {
  readonly me: UserRef | undefined;
  /** Owner or moderator of the room (the server says so): may delete others' messages. */
  readonly moderator: boolean;
  /** The seq of the message being edited inline. */
  readonly editing: number | undefined;
  startEdit(seq: number): void;
  cancelEdit(): void;
  saveEdit(seq: number, body: string): void;
  remove(seq: number): void;
  react(seq: number, emoji: string, on: boolean): void;
  reply(event: RoomEvent, changes: MessageChanges | undefined): void;
}

export const MessageActionsContext = createContext<MessageActions | undefined>(undefined);

export interface QuotedMessage {
  readonly event: RoomEvent;
  readonly changes: MessageChanges | undefined;
}

export interface RoomLog {
  /** The message at this seq, when it is loaded. */
  lookup(seq: number): QuotedMessage | undefined;
  /** Scroll to the message (loading it first) and flash it. */
  jump(seq: number): void;
}

export const RoomLogContext = createContext<RoomLog | undefined>(undefined);

export interface MentionNames {
  /** Your nickname: mentions of it are highlighted more strongly. */
  readonly me: string | undefined;
  /** Nicknames an @mention may name: members seen in the room, longest first. */
  readonly nicks: readonly string[];
}

export const MentionContext = createContext<MentionNames>({ me: undefined, nicks: [] });
