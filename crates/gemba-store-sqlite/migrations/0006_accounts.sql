-- Accounts a trust can run: leavers, archived teams, password reset links, named API tokens
-- with an expiry.

-- A person who left an organisation keeps their membership row (so an admin can bring them
-- back) but holds no role there while it is deactivated. Someone with no active membership
-- at all cannot sign in, and their sessions and tokens are not found.
ALTER TABLE memberships ADD COLUMN deactivated_at TEXT;

-- An archived team is kept (projects keep their link) but left out of pickers and dashboards.
ALTER TABLE teams ADD COLUMN archived_at TEXT;

-- One-time "set your password" links, kept only as the SHA-256 of their secret.
CREATE TABLE password_resets (
    secret_hash  TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- API tokens get a stable id (to list and revoke them), an expiry and the time of last use.
-- The table is rebuilt because its rowid was not a declared key and may change on VACUUM.
CREATE TABLE api_tokens_v6 (
    id            INTEGER PRIMARY KEY,
    secret_hash   TEXT NOT NULL UNIQUE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    last_used_at  TEXT
);
INSERT INTO api_tokens_v6 (secret_hash, user_id, label, created_at)
    SELECT secret_hash, user_id, label, created_at FROM api_tokens ORDER BY created_at;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_v6 RENAME TO api_tokens;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
