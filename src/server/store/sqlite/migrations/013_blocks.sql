-- Blocking: `blocker` blocks `blocked` (user ids). The nickname is the blocked user's when
-- blocked, for the list in settings. `blocked_by` answers "who blocks this user?".
CREATE TABLE blocks (
  blocker TEXT NOT NULL,
  blocked TEXT NOT NULL,
  nick TEXT NOT NULL,
  ts INTEGER NOT NULL,
  PRIMARY KEY (blocker, blocked)
) STRICT, WITHOUT ROWID;
CREATE INDEX blocked_by ON blocks (blocked, blocker);
