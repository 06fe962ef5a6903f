-- Login sessions: one per login (register or sign-in), the family of its rotating refresh tokens.
-- Access tokens carry the id as `sid`; ending the session ends all of them (logout, replay).
CREATE TABLE login_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES accounts (id),
  created_at INTEGER NOT NULL,
  ended_at INTEGER
) STRICT;

CREATE INDEX login_sessions_by_user ON login_sessions (user_id);

-- No REFERENCES here: existing rows get their ids below before their sessions exist.
ALTER TABLE refresh_tokens ADD COLUMN session_id TEXT;

-- Each refresh token issued before this migration becomes its own session.
UPDATE refresh_tokens SET session_id = lower(hex(randomblob(12)));
INSERT INTO login_sessions (id, user_id, created_at, ended_at)
  SELECT session_id, user_id, created_at, revoked_at FROM refresh_tokens;

CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
