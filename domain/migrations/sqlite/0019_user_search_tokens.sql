-- Issue 12: a users search that matches many people walks the most followed in order and
-- checks each one's own tokens (domain/src/search.rs, Search::users), so SQLite keeps them
-- beside the index as PostgreSQL does. The rows made before are dropped (their index entries
-- go with them, by the trigger); the start-up backfill indexes those users again.
DELETE FROM user_search;
ALTER TABLE user_search ADD COLUMN tokens TEXT NOT NULL DEFAULT '';
