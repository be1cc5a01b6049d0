-- Provenance: the SHA-256 of each generated file as it was written, so `voicebot verify` knows an
-- exact copy even with its metadata stripped. Goes with the receipt (and so with the user).
ALTER TABLE generations ADD COLUMN fingerprint TEXT;
CREATE INDEX generations_fingerprint ON generations(fingerprint) WHERE fingerprint IS NOT NULL;
