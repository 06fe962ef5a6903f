-- What the search index holds is decided by the server's core (src/server/core/room-log/search-doc.ts)
-- and written by the store in each append's transaction, no longer by triggers on events. The index
-- the triggers built holds exactly what the core writes (a message's current text, deleted ones
-- left out), so it stays as it is. The triggers that keep search_fts in step with search_docs stay:
-- they are how SQLite stores the index, not a rule about what it holds.
DROP TRIGGER IF EXISTS events_search_message;
DROP TRIGGER IF EXISTS events_search_edit;
DROP TRIGGER IF EXISTS events_search_delete;
