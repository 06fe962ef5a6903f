-- Presence: when each user's last connection closed (after the grace period), so "last seen"
-- survives restarts. The nickname is the one the user had then.
CREATE TABLE last_seen (
  user_id TEXT PRIMARY KEY,
  nick TEXT NOT NULL,
  ts INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
