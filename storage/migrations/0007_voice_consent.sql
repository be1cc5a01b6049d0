-- Voice-verified consent: the challenge a person is asked to read (a random code, single use,
-- short-lived) and, per voice, the recording that proved the speaker agreed. Both go with the voice
-- or the person (cascade); the recording's audio is a file under the voice's folder.
CREATE TABLE consent_challenges (
    id          TEXT PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    voice_id    TEXT REFERENCES voices(id) ON DELETE CASCADE,  -- NULL: for a voice not made yet (CLI/API)
    language    TEXT NOT NULL,
    code        TEXT NOT NULL,
    sentence    TEXT NOT NULL,              -- exactly what was shown to be read
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX consent_challenges_owner ON consent_challenges(owner_id, voice_id);

CREATE TABLE voice_consents (
    voice_id        TEXT PRIMARY KEY REFERENCES voices(id) ON DELETE CASCADE,
    owner_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    challenge_id    TEXT NOT NULL,
    sentence_hash   TEXT NOT NULL,          -- SHA-256 of the sentence read
    words_checked   INTEGER NOT NULL,       -- 1: a recogniser heard the code; 0: speaker match only
    heard           TEXT,                   -- the digits it heard
    speaker_score   REAL,                   -- against the samples there were (NULL: none yet)
    embedding       BLOB NOT NULL,          -- the reference later samples are compared with
    recording_hash  TEXT NOT NULL,          -- SHA-256 of the decoded speech: a replay is refused
    created_at      TEXT NOT NULL
);
CREATE INDEX voice_consents_recording ON voice_consents(owner_id, recording_hash);
