-- Two-factor sign-in (TOTP, RFC 6238) and its one-time recovery codes (issue 11). The secret is
-- hex; `totp_pending` holds a secret being enrolled until the first code confirms it, and
-- `totp_last_step` the newest 30-second step a code was accepted for, so no code works twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT NULL;
ALTER TABLE users ADD COLUMN totp_pending TEXT NULL;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NULL;
ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT NULL;
CREATE TABLE IF NOT EXISTS recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- sha256 hex of the normalised code (lower case, no dashes)
    code_hash TEXT NOT NULL,
    used_at   BIGINT NULL,
    PRIMARY KEY (user_id, code_hash)
);
