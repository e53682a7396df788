-- Personal access tokens (issue 11): for scripts and mobile clients, `Authorization: Bearer`.
-- Only the sha256 of a token is stored, as for sessions; `scopes` is a space-separated subset of
-- read, write, admin.
CREATE TABLE IF NOT EXISTS api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NULL
);
CREATE INDEX IF NOT EXISTS api_tokens_user ON api_tokens(user_id, created_at);
