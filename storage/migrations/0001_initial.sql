-- Every user-data table hangs off users(id) with ON DELETE CASCADE (or SET NULL for audit rows),
-- so deleting a user removes everything they own.
CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    platform         TEXT NOT NULL CHECK (platform IN ('telegram', 'discord', 'cli')),
    platform_user_id TEXT NOT NULL,
    locale           TEXT NOT NULL DEFAULT 'en',
    created_at       TEXT NOT NULL,
    UNIQUE (platform, platform_user_id)
);

CREATE TABLE consents (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    statement_version TEXT NOT NULL,
    statement_hash    TEXT NOT NULL,
    method            TEXT NOT NULL,
    accepted_at       TEXT NOT NULL,
    revoked_at        TEXT
);
CREATE INDEX consents_user ON consents(user_id);

CREATE TABLE voices (
    id            TEXT PRIMARY KEY,
    owner_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    languages     TEXT NOT NULL,           -- JSON list of language codes
    voice_type    TEXT NOT NULL CHECK (voice_type IN ('instant', 'standard', 'premium', 'professional')),
    engine        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('collecting', 'processing', 'completed', 'failed')),
    progress      REAL NOT NULL DEFAULT 0,
    current_step  TEXT,
    error         TEXT,
    analysis      TEXT,                    -- JSON audioAnalysis
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    UNIQUE (owner_id, name)
);
CREATE INDEX voices_expiry ON voices(expires_at);

CREATE TABLE samples (
    id              TEXT PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    voice_id        TEXT REFERENCES voices(id) ON DELETE CASCADE,
    content_hash    TEXT NOT NULL,
    duration        REAL NOT NULL,
    speech_duration REAL NOT NULL,
    language        TEXT,
    emotion         TEXT,
    transcript      TEXT,
    quality         TEXT NOT NULL CHECK (quality IN ('good', 'fair', 'poor')),
    metrics         TEXT NOT NULL,         -- JSON per-sample measurements and feedback
    embedding       BLOB,                  -- speaker embedding (float32), for consistency checks
    created_at      TEXT NOT NULL,
    UNIQUE (owner_id, voice_id, content_hash)
);
CREATE INDEX samples_voice ON samples(voice_id);

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('train', 'speak', 'batch')),
    voice_id        TEXT REFERENCES voices(id) ON DELETE CASCADE,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    priority        INTEGER NOT NULL DEFAULT 0,
    idempotency_key TEXT,
    payload         TEXT NOT NULL DEFAULT '{}',
    result          TEXT,
    error           TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (owner_id, idempotency_key)
);
CREATE INDEX jobs_status ON jobs(status, priority);

-- Receipts for usage accounting: no text is kept, only its length.
CREATE TABLE generations (
    id          TEXT PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    voice_id    TEXT REFERENCES voices(id) ON DELETE SET NULL,
    job_id      TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    text_chars  INTEGER NOT NULL,
    duration    REAL NOT NULL,
    format      TEXT NOT NULL,
    sample_rate INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX generations_owner ON generations(owner_id, created_at);

-- Kept after a user is deleted (user_id becomes NULL); purged after the retention period.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    subject    TEXT,
    detail     TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX audit_created ON audit_log(created_at);
