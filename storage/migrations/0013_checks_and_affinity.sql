-- A "check" job (an incoming voice note checked by a worker: a pool's bot host loads no model), so
-- the kind rule is rebuilt (SQLite cannot alter a CHECK); and the voices a worker has loaded, which
-- its heartbeat reports so speech goes where the voice is warm (engine/jobs/records.py).
CREATE TABLE jobs_new (
    id               TEXT PRIMARY KEY,
    owner_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('train', 'speak', 'batch', 'check')),
    voice_id         TEXT REFERENCES voices(id) ON DELETE SET NULL,
    status           TEXT NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    priority         INTEGER NOT NULL DEFAULT 0,
    idempotency_key  TEXT,
    payload          TEXT NOT NULL DEFAULT '{}',
    result           TEXT,
    error            TEXT,
    error_code       TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_tries        INTEGER NOT NULL DEFAULT 3,
    not_before       REAL NOT NULL DEFAULT 0,
    worker_id        TEXT,
    lease_until      REAL,
    claim_seq        INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    current_step     TEXT,
    percent          REAL NOT NULL DEFAULT 0,
    checkpoint       TEXT,
    started_at       REAL,
    finished_at      REAL,
    delivered_at     REAL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    reply_to         TEXT,
    broker_id        INTEGER,
    UNIQUE (owner_id, idempotency_key)
);
INSERT INTO jobs_new (rowid, id, owner_id, kind, voice_id, status, priority, idempotency_key, payload,
                      result, error, error_code, attempts, max_tries, not_before, worker_id, lease_until,
                      claim_seq, cancel_requested, current_step, percent, checkpoint, started_at,
                      finished_at, delivered_at, created_at, updated_at, reply_to, broker_id)
    SELECT rowid, id, owner_id, kind, voice_id, status, priority, idempotency_key, payload, result, error,
           error_code, attempts, max_tries, not_before, worker_id, lease_until, claim_seq,
           cancel_requested, current_step, percent, checkpoint, started_at, finished_at, delivered_at,
           created_at, updated_at, reply_to, broker_id FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_queue ON jobs(status, priority, not_before);
CREATE INDEX jobs_owner_claims ON jobs(owner_id, claim_seq);
CREATE INDEX jobs_voice ON jobs(voice_id);
CREATE INDEX jobs_undelivered ON jobs(delivered_at) WHERE delivered_at IS NULL AND reply_to IS NOT NULL;
ALTER TABLE workers ADD COLUMN voices TEXT NOT NULL DEFAULT '[]';
