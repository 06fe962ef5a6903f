-- Room topics and direct messages (docs/protocol.md, "Direct messages" and "Room settings").
ALTER TABLE rooms ADD COLUMN topic TEXT NOT NULL DEFAULT '';

-- The people a DM was opened between (rooms.name is dm-… or gdm-…). They, and only they, may
-- re-enter it by opening it again, even after leaving; it lists their nicknames as of opening.
CREATE TABLE dm_users (
  room TEXT NOT NULL REFERENCES rooms (name),
  user_id TEXT NOT NULL,
  nick TEXT NOT NULL,
  PRIMARY KEY (room, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX dm_users_by_user ON dm_users (user_id);
