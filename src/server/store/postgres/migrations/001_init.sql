-- The PostgreSQL store's schema (src/server/store/postgres/): the same tables as the SQLite
-- engine's migrations 001–011, in one step. Times are ms since the epoch (bigint); text that is
-- ordered for clients (room names, user ids) is compared with COLLATE "C", as SQLite's BINARY.

CREATE TABLE rooms (
  name text PRIMARY KEY,
  title text NOT NULL,
  epoch text NOT NULL,
  -- seq of the newest event; an append locks this row (SELECT … FOR UPDATE) and sets it.
  head bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  visibility text NOT NULL DEFAULT 'public',
  owner_id text,
  topic text NOT NULL DEFAULT ''
);

CREATE TABLE events (
  room text NOT NULL REFERENCES rooms (name),
  seq bigint NOT NULL,
  id text NOT NULL UNIQUE,
  cid text,
  sender_id text NOT NULL,
  sender_nick text NOT NULL,
  kind text NOT NULL,
  body text NOT NULL,
  ref bigint,
  target_id text,
  target_nick text,
  -- image / file messages: the attached file's metadata (JSON FileRef), as sent.
  file text,
  reply bigint,
  ts bigint NOT NULL,
  PRIMARY KEY (room, seq)
);

-- Idempotent sends: one event per (room, sender, client id), forever.
CREATE UNIQUE INDEX events_by_cid ON events (room, sender_id, cid) WHERE cid IS NOT NULL;
-- A message's edits, deletes and reactions; unread counts find deletes and latest edits here.
CREATE INDEX events_by_ref_kind ON events (room, ref, kind, seq) WHERE ref IS NOT NULL;
CREATE INDEX events_messages ON events (room, seq) WHERE kind IN ('text', 'image', 'file');

CREATE TABLE members (
  room text NOT NULL REFERENCES rooms (name),
  user_id text NOT NULL,
  joined_at bigint NOT NULL,
  -- 'member' or 'moderator'; the owner is rooms.owner_id.
  role text NOT NULL DEFAULT 'member',
  -- The read watermark; set to the membership event's seq on join and invite.
  read_seq bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (room, user_id)
);

CREATE INDEX members_by_user ON members (user_id);
CREATE INDEX members_by_read ON members (room, read_seq);

CREATE TABLE bans (
  room text NOT NULL REFERENCES rooms (name),
  user_id text NOT NULL,
  banned_at bigint NOT NULL,
  PRIMARY KEY (room, user_id)
);

-- The people a DM was opened between, with their nicknames as of opening.
CREATE TABLE dm_users (
  room text NOT NULL REFERENCES rooms (name),
  user_id text NOT NULL,
  nick text NOT NULL,
  PRIMARY KEY (room, user_id)
);

CREATE INDEX dm_users_by_user ON dm_users (user_id);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  nick text NOT NULL,
  created_at bigint NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (user_id, created_at);

CREATE TABLE accounts (
  id text PRIMARY KEY,
  username text NOT NULL,
  -- The lower-cased username: names are unique case-insensitively.
  username_key text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE login_sessions (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES accounts (id),
  created_at bigint NOT NULL,
  ended_at bigint
);

CREATE INDEX login_sessions_by_user ON login_sessions (user_id);

CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES accounts (id),
  session_id text NOT NULL REFERENCES login_sessions (id),
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint
);

CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

CREATE TABLE files (
  id text PRIMARY KEY,
  room text NOT NULL REFERENCES rooms (name),
  uploader_id text NOT NULL,
  name text NOT NULL,
  size bigint NOT NULL,
  type text NOT NULL,
  width integer,
  height integer,
  thumb boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL
);

CREATE INDEX files_by_room ON files (room);

-- The per-user log: seq = head + 1 per user; an append locks the user's head row.
CREATE TABLE user_heads (
  user_id text PRIMARY KEY,
  head bigint NOT NULL
);

CREATE TABLE user_events (
  user_id text NOT NULL,
  seq bigint NOT NULL,
  -- 'member', 'unmember' or 'read'
  kind text NOT NULL,
  room text NOT NULL,
  read bigint,
  cause text,
  ref bigint,
  by_id text,
  by_nick text,
  ts bigint NOT NULL,
  PRIMARY KEY (user_id, seq)
);

CREATE TABLE last_seen (
  user_id text PRIMARY KEY,
  nick text NOT NULL,
  ts bigint NOT NULL
);
