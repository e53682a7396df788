-- Issue 12: notifications — someone favorited my photo, became my fan, commented on my photo,
-- mentioned me, or an admin hid or removed my photo. One row per event; the page groups them per
-- photo and day. `users.notify_off` lists the kinds a user turned off (comma-separated).
CREATE TABLE IF NOT EXISTS notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- favorite | fan | comment | mention | hidden | removed
    kind       TEXT NOT NULL,
    actor_id   TEXT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- no foreign key: a removed photo's notification stays
    photo_id   TEXT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT NULL
);
CREATE INDEX IF NOT EXISTS notifications_recent ON notifications(user_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
ALTER TABLE users ADD COLUMN notify_off TEXT NOT NULL DEFAULT '';
