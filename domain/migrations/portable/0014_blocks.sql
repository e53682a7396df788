-- Issue 12: blocking (the two users stop seeing and reaching each other: their photos and
-- comments are hidden both ways, and the blocked one cannot favorite, comment on or be a fan of
-- the blocker's photos) and muting (the muted user's photos leave the muter's feeds only).
CREATE TABLE IF NOT EXISTS blocks (
    blocker_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX IF NOT EXISTS blocks_blocked ON blocks(blocked_id, blocker_id);
CREATE TABLE IF NOT EXISTS mutes (
    muter_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    muted_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (muter_id, muted_id)
);
