-- Owner receipts: where each generation was asked (platform, server, chat) and by whom when it was
-- not the voice's owner (a voice lent to a server), so `/usage` can say it and the owner can be told.
-- An excerpt of the text only when the owner opted in (`/settings excerpts on`). Goes with the
-- receipt; `requested_by` is cleared when that person is forgotten.
ALTER TABLE generations ADD COLUMN platform TEXT;
ALTER TABLE generations ADD COLUMN server TEXT;
ALTER TABLE generations ADD COLUMN chat TEXT;
ALTER TABLE generations ADD COLUMN requested_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE generations ADD COLUMN excerpt TEXT;
