-- Authorization: room visibility and owner, member roles, bans, and the target of moderation events.
ALTER TABLE rooms ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public';
ALTER TABLE rooms ADD COLUMN owner_id TEXT;

-- 'member' or 'moderator'; the owner is rooms.owner_id (a role that survives leaving the room).
ALTER TABLE members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';

CREATE TABLE bans (
  room TEXT NOT NULL REFERENCES rooms (name),
  user_id TEXT NOT NULL,
  banned_at INTEGER NOT NULL,
  PRIMARY KEY (room, user_id)
) STRICT, WITHOUT ROWID;

ALTER TABLE events ADD COLUMN target_id TEXT;
ALTER TABLE events ADD COLUMN target_nick TEXT;
