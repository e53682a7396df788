-- Issue 12: `#tags` in captions. One row per photo and tag, dated with the photo, so a tag's page
-- reads its newest photos from one index and "trending" counts the last 7 days' rows.
CREATE TABLE IF NOT EXISTS photo_tags (
    photo_id   TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (photo_id, tag)
);
CREATE INDEX IF NOT EXISTS photo_tags_page ON photo_tags(tag, created_at DESC, photo_id DESC);
CREATE INDEX IF NOT EXISTS photo_tags_recent ON photo_tags(created_at);
