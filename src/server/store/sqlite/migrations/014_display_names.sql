-- Display names (docs/protocol.md, _Display names_): an account's chosen name, shown beside its
-- unique handle (the username). NULL: none set, show the handle. Validated by the protocol schema.
ALTER TABLE accounts ADD COLUMN display_name TEXT;
