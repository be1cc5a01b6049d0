-- Messages the bot sends a person on its own (not as an answer): a voice's expiry reminder with a
-- Renew button, a note that the voice was used elsewhere. Written by the worker or a chore, sent by
-- the platform's bot process (it alone can reach the chat), marked sent once it went through.
-- Goes with the person (cascade).
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    kind        TEXT NOT NULL,      -- "expiry" | "used"
    subject     TEXT NOT NULL,      -- what it is about: one notice per subject
    body        TEXT NOT NULL,      -- JSON: the text and buttons, in the person's language
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (kind, subject)
);
CREATE INDEX notices_pending ON notices(platform, sent_at);

