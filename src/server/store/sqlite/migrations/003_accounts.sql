-- Registered accounts. username_key is the lower-cased username: names are unique case-insensitively.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,
  -- Self-describing: scheme, cost parameters, salt and hash (src/server/auth/passwords.ts).
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Opaque refresh tokens, stored only as a SHA-256 hash. Rotation revokes the old one.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES accounts (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
