-- Provenance: the SHA-256 of each generated file as it was written, so `voicebot verify` knows an
-- exact copy even with its metadata stripped. Goes with the receipt (and so with the user).
ALTER TABLE generations ADD COLUMN fingerprint TEXT;
CREATE INDEX generations_fingerprint ON generations(fingerprint) WHERE fingerprint IS NOT NULL;

-- When the speech file of a receipt was removed (`[storage] output_retention_days`); the receipt
-- itself stays for quotas and provenance.
ALTER TABLE generations ADD COLUMN output_purged_at TEXT;
CREATE INDEX generations_unpurged ON generations(created_at) WHERE output_purged_at IS NULL;
