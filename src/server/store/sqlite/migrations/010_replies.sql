-- A message may reply to an earlier message of its room: the seq of that message.
ALTER TABLE events ADD COLUMN reply INTEGER;
