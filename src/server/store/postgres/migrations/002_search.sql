-- Full-text search (../postgres-search.ts): the current text of every message that is not
-- deleted, written by each append in its own transaction as the core decides
-- (core/room-log/search-doc.ts). `folded` is the text lower-cased by the server (JavaScript's
-- toLowerCase, the same folding the match uses), indexed by trigrams (pg_trgm): any substring of
-- three or more characters in any script, so Chinese needs no word breaks. Shorter terms scan.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE search_docs (
  -- Grows with each message: orders results (newest first) and is the paging cursor.
  id bigserial PRIMARY KEY,
  room text NOT NULL,
  seq bigint NOT NULL,
  body text NOT NULL,
  folded text NOT NULL,
  UNIQUE (room, seq)
);

CREATE INDEX search_docs_by_room ON search_docs (room, id);
CREATE INDEX search_docs_trgm ON search_docs USING gin (folded gin_trgm_ops);
