-- The audit log (issue 11): every admin action and every security event, with who, when, from
-- where and on what. Rows are only ever added.
CREATE TABLE IF NOT EXISTS audit_log (
    id           TEXT PRIMARY KEY,
    at           BIGINT NOT NULL,
    -- NULL for the command line
    actor_id     TEXT NULL,
    actor_handle TEXT NULL,
    -- `user.ban`, `photo.delete`, `sync.pause`, `token.create`, … (docs/API.md)
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    -- the client address, or `command line`
    address      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_recent ON audit_log(at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log(action, at DESC);
