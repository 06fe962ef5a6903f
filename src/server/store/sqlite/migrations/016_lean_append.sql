-- Fewer B-tree pages per appended message (docs/performance.md, "the per-message path"). With one
-- message per commit, every page an append touches is written whole to the WAL at its commit.
--
-- events: the UNIQUE on id goes (no query looks an event up by id; a nanoid never collides), and
-- with it the autoindex whose random key wrote a random leaf page per message. events_messages
-- goes too: the unread count walks search_docs instead, which holds exactly the messages that are
-- not deleted (sqlite-user-log.ts). A table rebuild, one ordered pass over the log.
CREATE TABLE events_new (
  room TEXT NOT NULL REFERENCES rooms (name),
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  cid TEXT,
  sender_id TEXT NOT NULL,
  sender_nick TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  ts INTEGER NOT NULL,
  ref INTEGER,
  target_id TEXT,
  target_nick TEXT,
  file TEXT,
  reply INTEGER,
  PRIMARY KEY (room, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO events_new (room, seq, id, cid, sender_id, sender_nick, kind, body, ts, ref, target_id, target_nick, file, reply)
SELECT room, seq, id, cid, sender_id, sender_nick, kind, body, ts, ref, target_id, target_nick, file, reply
FROM events ORDER BY room, seq;

DROP TABLE events;
ALTER TABLE events_new RENAME TO events;

-- Idempotent sends: one event per (room, sender, client id), forever.
CREATE UNIQUE INDEX events_by_cid ON events (room, sender_id, cid) WHERE cid IS NOT NULL;
-- A message's delete and latest edit, without walking its reactions. (events_by_ref, its prefix,
-- served no query: the planner does not match `ref = ?` to a partial index on its own.)
CREATE INDEX events_by_ref_kind ON events (room, ref, kind, seq) WHERE ref IS NOT NULL;

-- search_docs: no AUTOINCREMENT, so no sqlite_sequence row to write per message. An insert takes
-- an id above both the highest doc and the lazy index's mark (sqlite-search.ts), so no id at or
-- below search_indexed.upto is ever given to a new doc, even after the newest doc is deleted.
-- (room, seq) is a named unique index: the unread count names it, and a search in one room walks it
-- (sqlite-search.ts: in a room ids and seqs grow together), so search_docs_by_room (room, id) goes.
CREATE TABLE search_docs_new (
  id INTEGER PRIMARY KEY,
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;

INSERT INTO search_docs_new (id, room, seq, body) SELECT id, room, seq, body FROM search_docs ORDER BY id;

DROP TABLE search_docs;
ALTER TABLE search_docs_new RENAME TO search_docs;

CREATE UNIQUE INDEX search_docs_by_seq ON search_docs (room, seq);

-- As in migration 015 (dropped with the old table).
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs
WHEN old.id <= (SELECT upto FROM search_indexed) BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;

CREATE TRIGGER search_docs_au AFTER UPDATE OF body ON search_docs
WHEN old.id <= (SELECT upto FROM search_indexed) BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
