/** SQL shared by the PostgreSQL engine's ports (the row shapes are every engine's: store/event-row.ts). */
/** The nickname of a user id: its latest session's, else its account's username, else the id. */
export const NICK_OF = (userIdExpr: string): string =>
  `coalesce((SELECT s.nick FROM sessions s WHERE s.user_id = ${userIdExpr} ORDER BY s.created_at DESC LIMIT 1),
            (SELECT a.username FROM accounts a WHERE a.id = ${userIdExpr}), ${userIdExpr})`;
