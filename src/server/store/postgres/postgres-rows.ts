/** SQL shared by the PostgreSQL engine's ports (the row shapes are every engine's: store/event-row.ts). */
import type { UserRef } from '../../../protocol/index.ts';
/** The nickname of a user id: its latest session's, else its account's username, else the id. */
/** Whether the user id has an account (else it is a guest's: UserRef `guest`). */
export const HAS_ACCOUNT = (userIdExpr: string): string =>
  `EXISTS (SELECT 1 FROM accounts a WHERE a.id = ${userIdExpr})`;

/** A UserRef from a row's id, nickname, account flag and the account's display name. */
export const userRef = (id: string, nick: string, account: boolean | number, name?: string | null): UserRef =>
  account ? { id, nick, ...(name === null || name === undefined ? {} : { name }) } : { id, nick, guest: true as const };

export const NICK_OF = (userIdExpr: string): string =>
  `coalesce((SELECT s.nick FROM sessions s WHERE s.user_id = ${userIdExpr} ORDER BY s.created_at DESC LIMIT 1),
            (SELECT a.username FROM accounts a WHERE a.id = ${userIdExpr}), ${userIdExpr})`;
