-- Facts about the deployment itself, not about anyone: the id of the file store the hosts share.
CREATE TABLE deployment (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
