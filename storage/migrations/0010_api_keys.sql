-- Per-person keys for the HTTP API: the secret is shown once and only its SHA-256 is kept. Scoped to
-- their owner (the primary account when linked); revocable; goes with the person (cascade).
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,          -- key_…: the public handle, for listing and revoking
    owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key_hash     TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_keys_owner ON api_keys(owner_id);
