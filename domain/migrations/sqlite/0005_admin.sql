-- Admin tools: bans, moderation, the blocklist, deleting objects from S3, image announcements,
-- moving to a new bucket.

-- set while the account is suspended: no log-in, no posting
ALTER TABLE users ADD COLUMN banned_at INTEGER NULL;

-- open (unreviewed) reports; past the configured threshold the photo is hidden
ALTER TABLE photos ADD COLUMN reports_count INTEGER NOT NULL DEFAULT 0;
-- set while hidden pending review; hidden_by is 'reports' (automatic) or 'admin'
ALTER TABLE photos ADD COLUMN hidden_at INTEGER NULL;
ALTER TABLE photos ADD COLUMN hidden_by TEXT NULL;
-- when it entered the moderation queue (first open report, or hidden); NULL: not in the queue
ALTER TABLE photos ADD COLUMN flagged_at INTEGER NULL;
-- sha256 of the bytes as uploaded (before metadata was stripped): for the blocklist and imports
ALTER TABLE photos ADD COLUMN upload_hash TEXT NULL;
CREATE INDEX photos_flagged ON photos(flagged_at DESC, id DESC) WHERE flagged_at IS NOT NULL;
CREATE INDEX photos_upload ON photos(owner_id, upload_hash) WHERE upload_hash IS NOT NULL;

CREATE TABLE reports (
    photo_id    TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    reporter_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    -- set when an admin reviewed the photo and kept it; resolved reports no longer count
    resolved_at INTEGER NULL,
    PRIMARY KEY (photo_id, reporter_id)
);

-- Content refused on upload (451): the sha256 of deleted photos, as uploaded and as stored.
CREATE TABLE blocklist (
    hash       TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Objects to remove from S3. The sync worker works it, so deleting works during an S3 outage.
CREATE TABLE delete_queue (
    hash            TEXT PRIMARY KEY,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT NULL
);

CREATE TABLE announcements (
    id         TEXT PRIMARY KEY,
    image_hash TEXT NOT NULL REFERENCES objects(hash),
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    alt        TEXT NOT NULL,
    link       TEXT NULL,
    -- NULL when posted from the command line
    author_id  TEXT NULL REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NULL,
    deleted_at INTEGER NULL
);
CREATE INDEX announcements_recent ON announcements(created_at DESC, id DESC);

-- migrate-bucket: objects already copied into a bucket and verified there, so a run can resume.
CREATE TABLE bucket_copies (
    bucket    TEXT NOT NULL,
    hash      TEXT NOT NULL,
    copied_at INTEGER NOT NULL,
    PRIMARY KEY (bucket, hash)
);
