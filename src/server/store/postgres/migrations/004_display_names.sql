-- Display names, as the SQLite engine's migration 014: an account's chosen name shown beside its
-- handle (the username); NULL when none is set.
ALTER TABLE accounts ADD COLUMN display_name text;
