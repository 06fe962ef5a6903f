CREATE TABLE rooms (
  name TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  epoch TEXT NOT NULL,
  head INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE events (
  room TEXT NOT NULL REFERENCES rooms (name),
  seq INTEGER NOT NULL,
  id TEXT NOT NULL UNIQUE,
  cid TEXT,
  sender_id TEXT NOT NULL,
  sender_nick TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  ts INTEGER NOT NULL,
  PRIMARY KEY (room, seq)
) STRICT, WITHOUT ROWID;

-- Idempotent sends: one event per (room, sender, client id), forever.
CREATE UNIQUE INDEX events_by_cid ON events (room, sender_id, cid) WHERE cid IS NOT NULL;

CREATE TABLE members (
  room TEXT NOT NULL REFERENCES rooms (name),
  user_id TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (room, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  nick TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
