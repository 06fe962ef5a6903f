-- The per-user log (user-scoped events, seq = head + 1 per user) and read watermarks.
CREATE TABLE user_heads (
  user_id TEXT PRIMARY KEY,
  head INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE user_events (
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  -- 'member', 'unmember' or 'read'
  kind TEXT NOT NULL,
  room TEXT NOT NULL,
  -- read: the new watermark
  read INTEGER,
  -- member / unmember: the room event that caused it, and who did it when not the user
  cause TEXT,
  ref INTEGER,
  by_id TEXT,
  by_nick TEXT,
  ts INTEGER NOT NULL,
  PRIMARY KEY (user_id, seq)
) STRICT, WITHOUT ROWID;

-- A member's last-read seq in the room; set to the membership event's seq on join and invite.
ALTER TABLE members ADD COLUMN read_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX members_by_read ON members (room, read_seq);
CREATE INDEX members_by_user ON members (user_id);

-- Unread counts walk only the messages after a watermark, and find a message's delete or
-- latest edit without walking its reactions (a popular message has thousands).
CREATE INDEX events_messages ON events (room, seq) WHERE kind IN ('text', 'image', 'file');
CREATE INDEX events_by_ref_kind ON events (room, ref, kind, seq) WHERE ref IS NOT NULL;

-- Nicknames of readers ("seen by") come from a user's latest session.
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id, created_at);
