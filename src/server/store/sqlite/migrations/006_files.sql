-- Uploads (src/server/files/): metadata here, bytes in the FileStorage under <data-dir>/files.
CREATE TABLE files (
  id TEXT PRIMARY KEY,
  room TEXT NOT NULL REFERENCES rooms (name),
  uploader_id TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  -- Sniffed from the content, never the client's Content-Type.
  type TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  thumb INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX files_by_room ON files (room);

-- image / file messages: the attached file's metadata (JSON FileRef), copied in when sent, so history carries it.
ALTER TABLE events ADD COLUMN file TEXT;
