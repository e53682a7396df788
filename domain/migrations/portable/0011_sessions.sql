-- Sessions users can see and end (issue 11): where each was started and when it was last used,
-- so settings can list them, and an idle session can expire before its absolute end.
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NULL;
ALTER TABLE sessions ADD COLUMN address TEXT NULL;
ALTER TABLE sessions ADD COLUMN device TEXT NULL;
