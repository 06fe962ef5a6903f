-- Full-text search (src/server/store/sqlite-search.ts, docs/protocol.md "Search").
-- search_docs holds the current text of every message (text / image / file; a caption may be
-- empty) that is not deleted. Its id grows with commit order, so it is also the paging cursor.
CREATE TABLE search_docs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (room, seq)
) STRICT;

-- Newest first within one room (search with `room`).
CREATE INDEX search_docs_by_room ON search_docs (room, id);

-- trigram, not unicode61: Chinese has no spaces, so unicode61 makes a whole sentence one token
-- and finds "开会" in "明天开会讨论" only as a prefix. trigram finds any substring of three or
-- more characters, in any script, case-insensitively; shorter terms fall back to LIKE.
CREATE VIRTUAL TABLE search_fts USING fts5 (
  body,
  content = 'search_docs',
  content_rowid = 'id',
  tokenize = 'trigram',
  -- Results are ordered by recency, never by bm25 rank: no per-row token counts needed.
  columnsize = 0
);

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
  INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;

CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;

CREATE TRIGGER search_docs_au AFTER UPDATE OF body ON search_docs BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;

-- The index follows the log inside the append's own transaction, whichever code appends:
-- a message adds its text, an edit replaces it, a delete removes it (an edit racing past a
-- delete finds no row and changes nothing).
CREATE TRIGGER events_search_message AFTER INSERT ON events
WHEN new.kind IN ('text', 'image', 'file') BEGIN
  INSERT INTO search_docs (room, seq, body) VALUES (new.room, new.seq, new.body);
END;

CREATE TRIGGER events_search_edit AFTER INSERT ON events
WHEN new.kind = 'edit' BEGIN
  UPDATE search_docs SET body = new.body WHERE room = new.room AND seq = new.ref;
END;

CREATE TRIGGER events_search_delete AFTER INSERT ON events
WHEN new.kind = 'delete' BEGIN
  DELETE FROM search_docs WHERE room = new.room AND seq = new.ref;
END;

-- Existing messages: the latest edit's text, deleted ones left out, in commit order. Set-based
-- (each edit and delete read once), so a large log migrates in one pass.
INSERT INTO search_docs (room, seq, body)
SELECT m.room, m.seq, coalesce(edited.body, m.body)
FROM events m
LEFT JOIN (
  -- With max(), SQLite takes body from the row holding the greatest seq: the latest edit.
  SELECT room, ref, body, max(seq) FROM events WHERE kind = 'edit' GROUP BY room, ref
) edited ON edited.room = m.room AND edited.ref = m.seq
LEFT JOIN (
  SELECT DISTINCT room, ref FROM events WHERE kind = 'delete'
) deleted ON deleted.room = m.room AND deleted.ref = m.seq
WHERE m.kind IN ('text', 'image', 'file') AND deleted.ref IS NULL
ORDER BY m.ts, m.room, m.seq;
