-- The broker's id for a job (engine/jobs/postgres.py: Procrastinate's job); NULL in the embedded queue.
ALTER TABLE jobs ADD COLUMN broker_id INTEGER;
