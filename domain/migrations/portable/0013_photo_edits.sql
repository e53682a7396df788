-- Issue 12: a photo's text alternative (the image's `alt`; the caption is only the fallback),
-- whether it shows in the feeds (public, 0) or only to who has its link (unlisted, 1), and when
-- its owner last changed it.
ALTER TABLE photos ADD COLUMN alt TEXT NOT NULL DEFAULT '';
ALTER TABLE photos ADD COLUMN unlisted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE photos ADD COLUMN edited_at BIGINT NULL;
