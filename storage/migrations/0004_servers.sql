-- A chat server's own settings (a Discord guild: who may clone, speak and use the voice channel,
-- the speak-for-me channel, the longest text, per-server daily quotas; JSON). Owned by the server,
-- not by a person: it goes when the bot leaves the server (ServerRepo.delete).
CREATE TABLE servers (
    platform   TEXT NOT NULL,
    server_id  TEXT NOT NULL,
    settings   TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (platform, server_id)
);

-- What was asked of a server today, for its daily quotas: one row per line or training, no text.
-- Goes with the server's settings, and with the person who asked (ON DELETE CASCADE).
CREATE TABLE server_usage (
    platform  TEXT NOT NULL,
    server_id TEXT NOT NULL,
    owner_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX server_usage_recent ON server_usage(platform, server_id, kind, at);
