-- Issue 13: `Idempotency-Key` on POST /api/v1/photos. A retried upload with a key its user has
-- sent before answers with the photo the first request made (200, not 201), never a second photo.
-- The key lives as long as its photo (or its user).
CREATE TABLE IF NOT EXISTS upload_keys (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    idem_key   TEXT NOT NULL,
    photo_id   TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX IF NOT EXISTS upload_keys_photo ON upload_keys(photo_id);
