-- One person on two platforms: after /link, an account (the alias) stands for the person's other
-- account (the primary), so voices, consent and settings are the same on both. Goes with either
-- account (cascade) or by /unlink; each account's own rows stay its own.
CREATE TABLE user_links (
    alias_id   INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    primary_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    linked_at  TEXT NOT NULL
);
CREATE INDEX user_links_primary ON user_links(primary_id);

-- A one-time code from /link (only its SHA-256), good for 10 minutes: goes when used, when a newer
-- one is asked for, when expired (the next code asked for sweeps them), or with the user.
CREATE TABLE link_codes (
    code_hash  TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);
