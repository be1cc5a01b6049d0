-- The durable job queue (engine/queue_sqlite.py). Rebuilt rather than altered: a job now outlives a
-- deleted voice (voice_id SET NULL) so its outcome stays readable, and leases/retries need columns.
-- Times used for scheduling (not_before, lease_until, heartbeat_at) are Unix seconds.
CREATE TABLE jobs_new (
    id               TEXT PRIMARY KEY,
    owner_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('train', 'speak', 'batch')),
    voice_id         TEXT REFERENCES voices(id) ON DELETE SET NULL,
    status           TEXT NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    priority         INTEGER NOT NULL DEFAULT 0,
    idempotency_key  TEXT,
    payload          TEXT NOT NULL DEFAULT '{}',   -- request; text is dropped when the job ends
    result           TEXT,
    error            TEXT,
    error_code       TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_tries        INTEGER NOT NULL DEFAULT 3,
    not_before       REAL NOT NULL DEFAULT 0,
    worker_id        TEXT,
    lease_until      REAL,
    claim_seq        INTEGER,                      -- order of claims, for round-robin by owner
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    current_step     TEXT,
    percent          REAL NOT NULL DEFAULT 0,
    checkpoint       TEXT,                         -- JSON the runner resumes from
    started_at       REAL,
    finished_at      REAL,
    delivered_at     REAL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (owner_id, idempotency_key)
);
INSERT INTO jobs_new (id, owner_id, kind, voice_id, status, priority, idempotency_key, payload, result,
                      error, created_at, updated_at)
    SELECT id, owner_id, kind, voice_id, status, priority, idempotency_key, payload, result, error,
           created_at, updated_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_queue ON jobs(status, priority, not_before);
CREATE INDEX jobs_owner_claims ON jobs(owner_id, claim_seq);
CREATE INDEX jobs_voice ON jobs(voice_id);

-- What a watcher reads in order: queued, started, progress, chunk, requeued, done, failed, cancelled.
CREATE TABLE job_events (
    job_id     TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    type       TEXT NOT NULL,
    data       TEXT,
    created_at REAL NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Long-running workers announce themselves, so a CLI knows whether to run one in-process.
CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    pid          INTEGER NOT NULL,
    host         TEXT NOT NULL,
    kinds        TEXT NOT NULL,
    started_at   REAL NOT NULL,
    heartbeat_at REAL NOT NULL
);
