-- Mutation events (edit, delete, react, unreact) point at the seq of the message they change.
ALTER TABLE events ADD COLUMN ref INTEGER;

CREATE INDEX events_by_ref ON events (room, ref) WHERE ref IS NOT NULL;
