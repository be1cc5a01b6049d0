-- A "check" job (a voice note checked by a worker), and the voices a worker has loaded.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('train', 'speak', 'batch', 'check'));
ALTER TABLE workers ADD COLUMN voices TEXT NOT NULL DEFAULT '[]';
