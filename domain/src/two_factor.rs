//! Two-factor sign-in: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of clock
//! drift either way) and ten one-time recovery codes. Turning it on takes the password, then a
//! code from the app (so a secret nobody could read never locks anyone out); turning it off or
//! making new recovery codes takes a code. No code is accepted twice: the newest step a code was
//! accepted for is kept, and a recovery code is spent once used. Wrong codes count as failed
//! log-ins, so guessing is throttled like passwords.

use crate::accounts::{token_hash, Accounts};
use crate::db::{now_micros, rfc3339};
use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::throttle::Action;
use crate::types::User;
use crate::views::{RecoveryCodes, TwoFactorEnrolment, TwoFactorStatus};
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};

/// Seconds a code lasts.
const STEP_SECS: i64 = 30;
/// Steps before and after now whose codes are accepted (clock drift).
const DRIFT_STEPS: i64 = 1;
/// Recovery codes made at a time.
const RECOVERY_CODES: usize = 10;
/// The issuer an authenticator app shows beside the account.
const ISSUER: &str = "PhotoShare";

/// The 6-digit code of `secret` for time step `step` (RFC 4226's HOTP of the step).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let mut mac =
        Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&(step as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let word = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    word % 1_000_000
}

/// The time step of a moment (microseconds since the epoch).
fn step_of(micros: i64) -> i64 {
    micros.div_euclid(1_000_000).div_euclid(STEP_SECS)
}

/// RFC 4648 base32 without padding, as authenticator apps take secrets.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A recovery code as typed, reduced to what is compared: lower case, no spaces or dashes.
fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Ten new recovery codes, `xxxxx-xxxxx` of 31 letters and digits that cannot be misread.
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code: String = (0..10)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect();
            code.insert(5, '-');
            code
        })
        .collect()
}

/// The dark modules of `text`'s QR code as one SVG path, and its size in modules.
fn qr_path(text: &str) -> Result<(u32, String)> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
        .map_err(Error::internal)?;
    let size = code.width();
    let mut path = String::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == qrcode::Color::Dark {
            path.push_str(&format!("M{},{}h1v1h-1z", i % size, i / size));
        }
    }
    Ok((size as u32, path))
}

/// What the account's two-factor columns hold.
#[derive(sqlx::FromRow)]
struct Row {
    totp_secret: Option<String>,
    totp_pending: Option<String>,
    totp_enabled_at: Option<i64>,
}

impl Accounts {
    async fn two_factor_row(&self, user: &User) -> Result<Row> {
        Ok(sqlx::query_as(
            "SELECT totp_secret, totp_pending, totp_enabled_at FROM users WHERE id = $1",
        )
        .bind(user.id.to_string())
        .fetch_one(self.db.pool())
        .await?)
    }

    /// Whether `user` signs in with a second factor.
    pub async fn has_two_factor(&self, user: &User) -> Result<bool> {
        Ok(self.two_factor_row(user).await?.totp_secret.is_some())
    }

    pub async fn two_factor_status(&self, user: &User) -> Result<TwoFactorStatus> {
        let row = self.two_factor_row(user).await?;
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user.id.to_string())
        .fetch_one(self.db.pool())
        .await?;
        Ok(TwoFactorStatus {
            enabled: row.totp_secret.is_some(),
            enabled_at: row.totp_enabled_at.map(rfc3339),
            recovery_codes_left: if row.totp_secret.is_some() { left } else { 0 },
        })
    }

    /// Starts turning two-factor sign-in on, given the password (checked and throttled like a
    /// log-in): a new secret, kept aside until [`Accounts::confirm_two_factor`] gets a code it
    /// made. Starting again replaces a secret not yet confirmed. 409 `two_factor_on` if it is on.
    pub async fn start_two_factor(
        &self,
        user: &User,
        password: &str,
        client: &str,
    ) -> Result<TwoFactorEnrolment> {
        self.confirm_password(user, password, client).await?;
        if self.has_two_factor(user).await? {
            return Err(Problem::TwoFactorOn.into());
        }
        let mut secret = [0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
            .bind(hex::encode(secret))
            .bind(user.id.to_string())
            .execute(self.db.pool())
            .await?;
        let encoded = base32(&secret);
        let otpauth_uri = format!(
            "otpauth://totp/{ISSUER}:{handle}?secret={encoded}&issuer={ISSUER}&algorithm=SHA1&digits=6&period={STEP_SECS}",
            handle = user.handle
        );
        let (qr_size, qr_path) = qr_path(&otpauth_uri)?;
        Ok(TwoFactorEnrolment {
            secret: encoded,
            otpauth_uri,
            qr_size,
            qr_path,
        })
    }

    /// Turns two-factor sign-in on with the first code from the app; returns the recovery codes
    /// (shown once). 409 `two_factor_off` when no enrolment was started, 401
    /// `bad_two_factor_code` for a code the secret did not make now.
    pub async fn confirm_two_factor(&self, user: &User, code: &str) -> Result<RecoveryCodes> {
        let row = self.two_factor_row(user).await?;
        if row.totp_secret.is_some() {
            return Err(Problem::TwoFactorOn.into());
        }
        let pending = row.totp_pending.ok_or(Problem::TwoFactorOff)?;
        let secret = hex::decode(&pending).map_err(Error::internal)?;
        let step = matching_step(&secret, code, now_micros()).ok_or(Problem::BadTwoFactorCode)?;
        let mut tx = self.db.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1,
                totp_enabled_at = $2
             WHERE id = $3 AND totp_pending = $4",
        )
        .bind(step)
        .bind(now_micros())
        .bind(user.id.to_string())
        .bind(&pending)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            // Another enrolment replaced this one meanwhile.
            return Err(Problem::BadTwoFactorCode.into());
        }
        let codes = replace_recovery_codes(&mut tx, user).await?;
        tx.commit().await?;
        crate::audit::record(&self.db, Some(user), "2fa.enable", user.handle.as_str(), "").await;
        Ok(codes)
    }

    /// Turns two-factor sign-in off, given the password and a code (an app's or a recovery
    /// code). Its recovery codes go too.
    pub async fn disable_two_factor(
        &self,
        user: &User,
        password: &str,
        code: &str,
        client: &str,
    ) -> Result<()> {
        self.confirm_password(user, password, client).await?;
        self.check_second_factor(user, code).await?;
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL
             WHERE id = $1",
        )
        .bind(user.id.to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user.id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        crate::audit::record(
            &self.db,
            Some(user),
            "2fa.disable",
            user.handle.as_str(),
            "",
        )
        .await;
        Ok(())
    }

    /// Ten new recovery codes in place of the old ones, given a code.
    pub async fn renew_recovery_codes(&self, user: &User, code: &str) -> Result<RecoveryCodes> {
        self.check_second_factor(user, code).await?;
        let mut tx = self.db.begin_write().await?;
        let codes = replace_recovery_codes(&mut tx, user).await?;
        tx.commit().await?;
        crate::audit::record(
            &self.db,
            Some(user),
            "2fa.recovery_codes",
            user.handle.as_str(),
            "",
        )
        .await;
        Ok(codes)
    }

    /// A code for a signed-in user's own change, counted against their account like a failed
    /// log-in when it is wrong. 409 `two_factor_off` when two-factor sign-in is off.
    pub(crate) async fn check_second_factor(&self, user: &User, code: &str) -> Result<()> {
        if !self.has_two_factor(user).await? {
            return Err(Problem::TwoFactorOff.into());
        }
        let account = user.handle.as_str();
        self.throttle.hit(Action::LoginAccount, account).await?;
        self.second_factor(user, code).await?;
        self.throttle.forgive(Action::LoginAccount, account).await
    }

    /// The second step of a log-in, for a user whose password was right: nothing to do without
    /// two-factor sign-in; else 401 `two_factor_required` without a code and
    /// `bad_two_factor_code` for a wrong or used one.
    pub(crate) async fn second_factor_of_log_in(
        &self,
        user: &User,
        code: Option<&str>,
    ) -> Result<()> {
        if !self.has_two_factor(user).await? {
            return Ok(());
        }
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            None => Err(Problem::TwoFactorRequired.into()),
            Some(code) => self.second_factor(user, code).await,
        }
    }

    /// Spends `code`: a TOTP code of a step newer than the last one accepted, or an unused
    /// recovery code.
    async fn second_factor(&self, user: &User, code: &str) -> Result<()> {
        let id = user.id.to_string();
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
            let secret: Option<String> =
                sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
                    .bind(&id)
                    .fetch_one(self.db.pool())
                    .await?;
            let secret = hex::decode(secret.unwrap_or_default()).map_err(Error::internal)?;
            let step =
                matching_step(&secret, &digits, now_micros()).ok_or(Problem::BadTwoFactorCode)?;
            // Only a newer step than the last accepted: a code seen over a shoulder or sent
            // twice does not work again.
            let done = sqlx::query(
                "UPDATE users SET totp_last_step = $1
                 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(&id)
            .execute(self.db.pool())
            .await?;
            if done.rows_affected() == 0 {
                return Err(Problem::BadTwoFactorCode.into());
            }
            return Ok(());
        }
        let normalised = normalise_recovery(code);
        if normalised.len() != 10 {
            return Err(Problem::BadTwoFactorCode.into());
        }
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_micros())
        .bind(&id)
        .bind(token_hash(&normalised))
        .execute(self.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Problem::BadTwoFactorCode.into());
        }
        crate::audit::record(
            &self.db,
            Some(user),
            "2fa.recovery_used",
            user.handle.as_str(),
            "",
        )
        .await;
        Ok(())
    }
}

/// The step within the drift window whose code `code` is, if any.
fn matching_step(secret: &[u8], code: &str, now: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let now = step_of(now);
    (now - DRIFT_STEPS..=now + DRIFT_STEPS).find(|&step| code_at(secret, step) == wanted)
}

/// Replaces `user`'s recovery codes with new ones, in the caller's transaction.
async fn replace_recovery_codes(
    conn: &mut sqlx::AnyConnection,
    user: &User,
) -> Result<RecoveryCodes> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.id.to_string())
        .execute(&mut *conn)
        .await?;
    let codes = new_recovery_codes();
    for code in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user.id.to_string())
            .bind(token_hash(&normalise_recovery(code)))
            .execute(&mut *conn)
            .await?;
    }
    Ok(RecoveryCodes { codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, the last 6 of its 8 digits.
        let secret = b"12345678901234567890";
        for (unix, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
            (20_000_000_000, 353_130),
        ] {
            assert_eq!(code_at(secret, step_of(unix * 1_000_000)), code, "t={unix}");
        }
    }

    #[test]
    fn base32_is_rfc_4648() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"f", "MY"),
            (b"fo", "MZXQ"),
            (b"foo", "MZXW6"),
            (b"foob", "MZXW6YQ"),
            (b"fooba", "MZXW6YTB"),
            (b"foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(bytes), text);
        }
    }

    #[test]
    fn only_codes_of_the_window_match() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111 * 1_000_000;
        let step = step_of(now);
        for (offset, expected) in [
            (-2, None),
            (-1, Some(step - 1)),
            (0, Some(step)),
            (1, Some(step + 1)),
            (2, None),
        ] {
            let code = format!("{:06}", code_at(secret, step + offset));
            assert_eq!(
                matching_step(secret, &code, now),
                expected,
                "offset {offset}"
            );
        }
        assert_eq!(matching_step(secret, "12345", now), None);
        assert_eq!(matching_step(secret, "abcdef", now), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_read_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        assert!(codes
            .iter()
            .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        assert_eq!(normalise_recovery(" ABCDE-fghjk "), "abcdefghjk");
    }

    #[test]
    fn qr_path_draws_modules() {
        let (size, path) = qr_path("otpauth://totp/PhotoShare:alice?secret=ABC").unwrap();
        assert!((21..=177).contains(&size) && (size - 17) % 4 == 0, "{size}");
        // The top-left finder pattern's corner is dark.
        assert!(path.starts_with("M0,0h1v1h-1z"), "{}", &path[..20]);
    }
}
