-- Profiles, favorites, fans and comments. Counts are kept on the rows they describe (updated in
-- the same transaction as the change), so feeds and pages never count at read time.

ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
-- the icon in its large size (icon_hash holds the small one)
ALTER TABLE users ADD COLUMN icon_large_hash TEXT NULL;
-- the UI language the user chose ('en', 'ja'); NULL: follow the browser
ALTER TABLE users ADD COLUMN locale TEXT NULL;
ALTER TABLE users ADD COLUMN fans_count BIGINT NOT NULL DEFAULT 0;
-- how many users this user is a fan of
ALTER TABLE users ADD COLUMN idols_count BIGINT NOT NULL DEFAULT 0;
-- Top users: keyset on (fans_count, id).
CREATE INDEX users_top ON users(fans_count DESC, id DESC);

ALTER TABLE photos ADD COLUMN favorites_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE photos ADD COLUMN comments_count BIGINT NOT NULL DEFAULT 0;
-- Popular: log2(1 + favorites) + (created_at - 2024-01-01) / 1 day. See docs/ARCHITECTURE.md.
ALTER TABLE photos ADD COLUMN hot DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE photos SET hot = (created_at - 1704067200000000) / 86400000000.0;
CREATE INDEX photos_popular ON photos(hot DESC, id DESC);

CREATE TABLE favorites (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    photo_id   TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, photo_id)
);
-- A user's favorites, newest first; and who favorited a photo.
CREATE INDEX favorites_of_user ON favorites(user_id, created_at DESC, photo_id DESC);
CREATE INDEX favorites_of_photo ON favorites(photo_id, created_at DESC, user_id DESC);
-- The latest favorites of anyone: their photos stay in every node's cache (see media/budget.rs).
CREATE INDEX favorites_recent ON favorites(created_at DESC);

-- fan_id is a fan of idol_id.
CREATE TABLE fans (
    fan_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    idol_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (fan_id, idol_id),
    CHECK (fan_id <> idol_id)
);
CREATE INDEX fans_of_idol ON fans(idol_id, created_at DESC, fan_id DESC);
CREATE INDEX fans_by_fan ON fans(fan_id, created_at DESC, idol_id DESC);

CREATE TABLE comments (
    id         TEXT PRIMARY KEY,
    photo_id   TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    author_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- A photo's comments, oldest first.
CREATE INDEX comments_of_photo ON comments(photo_id, created_at, id);
