-- The broker's id for a job (engine/jobs/postgres.py: Procrastinate's job).
ALTER TABLE jobs ADD COLUMN broker_id BIGINT;
