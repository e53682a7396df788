-- Times are microseconds since the Unix epoch (BIGINT): one representation for SQLite and Postgres.
-- Ids are UUID text, so the same queries run on both engines through sqlx's Any driver.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    handle        TEXT NOT NULL UNIQUE,
    -- argon2id PHC string
    password_hash TEXT NOT NULL,
    is_admin      BIGINT NOT NULL DEFAULT 0,
    -- the user's icon, a stored object (NULL until they set one)
    icon_hash     TEXT NULL,
    created_at    BIGINT NOT NULL
);

-- Only the sha256 of a session token is stored, so a leaked database does not leak sessions.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Every stored blob, named by the sha256 of its bytes.
CREATE TABLE objects (
    hash         TEXT PRIMARY KEY,
    size         BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    -- the app node whose local cache holds the object until it reaches S3 (multi-node reads)
    node         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    -- set once S3 confirmed a checksum-verified copy; NULL means the local cache holds the only copy
    synced_at    BIGINT NULL
);
CREATE INDEX objects_unsynced ON objects(created_at) WHERE synced_at IS NULL;

CREATE TABLE photos (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users(id),
    caption       TEXT NOT NULL,
    original_hash TEXT NOT NULL REFERENCES objects(hash),
    large_hash    TEXT NOT NULL REFERENCES objects(hash),
    thumb_hash    TEXT NOT NULL REFERENCES objects(hash),
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
-- Recent feed: keyset pagination on (created_at, id), newest first.
CREATE INDEX photos_recent ON photos(created_at DESC, id DESC);
CREATE INDEX photos_owner ON photos(owner_id, created_at DESC, id DESC);

-- Write-behind queue: one row per object that still has to reach S3.
CREATE TABLE sync_queue (
    hash            TEXT PRIMARY KEY REFERENCES objects(hash),
    attempts        BIGINT NOT NULL DEFAULT 0,
    -- when the row may next be tried (exponential backoff after failures)
    next_attempt_at BIGINT NOT NULL,
    -- a worker owns the row until then; a worker that died loses it when the lease runs out
    lease_until     BIGINT NULL,
    last_error      TEXT NULL
);
CREATE INDEX sync_queue_due ON sync_queue(next_attempt_at);

-- Small durable switches (demo data seeded, sync paused, ...).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
