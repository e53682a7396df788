-- Issue 12: SQLite now keeps a user's search tokens beside its FTS5 row (its 0019). PostgreSQL
-- has kept them in user_search.tokens since 0017, so nothing changes here; the file keeps the
-- two engines' lists of migrations the same.
SELECT 1;
