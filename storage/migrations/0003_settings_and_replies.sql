-- A person's own defaults for chat speech (JSON: language, voiceId, speed, pitch, emotion,
-- outputFormat, sampleRate); owned by the user row, so it goes when the user is deleted.
ALTER TABLE users ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

-- Where a chat job's outcome goes (JSON: platform, chat, locale, how to send), so a bot that restarts
-- still delivers what finished while it was down. Goes with the job.
ALTER TABLE jobs ADD COLUMN reply_to TEXT;
CREATE INDEX jobs_undelivered ON jobs(delivered_at) WHERE delivered_at IS NULL AND reply_to IS NOT NULL;
