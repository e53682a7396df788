-- Throttling (issue 11): attempts counted per key — an action and who tries it, e.g.
-- `login_account:aiko`, `login_address:203.0.113.7`, `upload:<user id>` — in fixed windows.
-- In the database, so every node and a restart see the same counts.
CREATE TABLE IF NOT EXISTS throttle (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL
);
