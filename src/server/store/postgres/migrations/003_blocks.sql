-- Blocking (../postgres-blocks.ts), as the SQLite engine's migration 013: `blocker` blocks
-- `blocked` (user ids); the nickname is the blocked user's when blocked, for the list.
CREATE TABLE blocks (
  blocker text COLLATE "C" NOT NULL,
  blocked text COLLATE "C" NOT NULL,
  nick text NOT NULL,
  ts bigint NOT NULL,
  PRIMARY KEY (blocker, blocked)
);

CREATE INDEX blocks_blocked_by ON blocks (blocked, blocker);
