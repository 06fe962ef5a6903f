-- The FTS index follows search_docs lazily (sqlite-search.ts, catchUp): an append writes
-- search_docs in its own transaction, and a later transaction of its own indexes every doc above
-- `upto` (after a short delay, before every search, at start and at close). FTS5 pays its cost at
-- COMMIT, so this keeps the index off the append's commit.
CREATE TABLE search_indexed (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  -- Every doc with id <= upto is in search_fts with its current body; none above it is.
  upto INTEGER NOT NULL
) STRICT;

-- Until now every doc was indexed by its insert.
INSERT INTO search_indexed (one, upto) SELECT 1, coalesce(max(id), 0) FROM search_docs;

DROP TRIGGER search_docs_ai;
DROP TRIGGER search_docs_ad;
DROP TRIGGER search_docs_au;

-- An edit or delete of an indexed doc updates the index at once. Of a doc not yet indexed, it
-- only changes search_docs (FTS5's 'delete' of a row it does not hold corrupts the index); the
-- catch-up then indexes the current text.
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs
WHEN old.id <= (SELECT upto FROM search_indexed) BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;

CREATE TRIGGER search_docs_au AFTER UPDATE OF body ON search_docs
WHEN old.id <= (SELECT upto FROM search_indexed) BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
