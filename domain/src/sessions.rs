//! A user's own sessions: list them (device, address, last seen), end one, end every other one,
//! and change the password (which ends every other session). A session is named by the first 16
//! hex digits of its token's sha256: enough to tell sessions apart, useless to sign in with.

use crate::accounts::{token_hash, Accounts, LIVE_SESSION};
use crate::db::{now_micros, rfc3339};
use crate::error::Result;
use crate::problem::Problem;
use crate::types::{Password, User};
use crate::views::SessionView;

/// Hex digits of a token's hash that name its session.
const ID_LEN: usize = 16;

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    created_at: i64,
    last_seen: Option<i64>,
    address: Option<String>,
    device: Option<String>,
}

/// "Chrome on Linux", from a User-Agent; one that names no browser we know is shown shortened.
pub fn device_label(agent: &str) -> String {
    let has = |s: &str| agent.contains(s);
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(mark, _)| has(mark))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| has(mark))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        _ => agent.chars().take(60).collect(),
    }
}

impl Accounts {
    /// `user`'s live sessions, most recently used first; `current` (the caller's token) marked.
    pub async fn sessions(&self, user: &User, current: &str) -> Result<Vec<SessionView>> {
        let now = now_micros();
        let rows: Vec<SessionRow> = sqlx::query_as(&format!(
            "SELECT token_hash, created_at, last_seen, address, device FROM sessions s
             WHERE user_id = $1 AND {LIVE_SESSION}
             ORDER BY COALESCE(last_seen, created_at) DESC"
        ))
        .bind(user.id.to_string())
        .bind(now)
        .bind(now - self.limits.idle.as_micros() as i64)
        .fetch_all(self.db.pool())
        .await?;
        let mine = token_hash(current);
        Ok(rows
            .into_iter()
            .map(|r| SessionView {
                current: r.token_hash == mine,
                id: r.token_hash[..ID_LEN].to_owned(),
                device: device_label(r.device.as_deref().unwrap_or_default()),
                address: r.address.unwrap_or_default(),
                created_at: rfc3339(r.created_at),
                last_seen_at: rfc3339(r.last_seen.unwrap_or(r.created_at)),
            })
            .collect())
    }

    /// Ends one of `user`'s sessions (log out on that device). 404 for none of theirs.
    pub async fn end_session_by_id(&self, user: &User, id: &str) -> Result<()> {
        if id.len() != ID_LEN || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Problem::NoSuchSession.into());
        }
        let done = sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND substr(token_hash, 1, 16) = $2",
        )
        .bind(user.id.to_string())
        .bind(id.to_ascii_lowercase())
        .execute(self.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Problem::NoSuchSession.into());
        }
        Ok(())
    }

    /// Ends every session of `user` but `current` ("log out everywhere else"). Returns how many.
    pub async fn end_other_sessions(&self, user: &User, current: &str) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(user.id.to_string())
                .bind(token_hash(current))
                .execute(self.db.pool())
                .await?
                .rows_affected(),
        )
    }

    /// Changes `user`'s password, given the current one (a wrong one counts as a failed log-in:
    /// 401 `bad_credentials`, throttled like log-ins). Every other session ends.
    pub async fn change_password(
        &self,
        user: &User,
        old: &str,
        new: &Password,
        current: &str,
        client: &str,
    ) -> Result<()> {
        // The same check, throttling and timing as a log-in.
        self.confirm_password(user, old, client).await?;
        let phc = crate::accounts::hash_password(new.clone()).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(phc)
            .bind(user.id.to_string())
            .execute(self.db.pool())
            .await?;
        let ended = self.end_other_sessions(user, current).await?;
        tracing::info!(user = %user.handle, ended, "password changed");
        crate::audit::record(
            &self.db,
            Some(user),
            "password.change",
            user.handle.as_str(),
            &format!("{ended} other sessions ended"),
        )
        .await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::device_label;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        for (agent, label) in [
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "Chrome on Linux"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "Safari on iOS"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Windows"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0", "Edge on Windows"),
            ("curl/8.5.0", "curl/8.5.0"),
            ("", ""),
        ] {
            assert_eq!(device_label(agent), label);
        }
    }
}
