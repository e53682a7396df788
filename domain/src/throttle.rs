//! Throttling: how often one account or one client address may try something (log in, sign up,
//! upload, comment, report), counted in the database so the limits hold across nodes and
//! restarts. Each key counts attempts in a fixed window; past the limit the answer is
//! [`Problem::RateLimited`] (429 with `Retry-After`) until the window ends.

use crate::db::{now_micros, Db};
use crate::error::Result;
use crate::problem::Problem;
use std::time::Duration;

/// The address a request came from, as the server decided it (the socket's peer, or the
/// right-most untrusted `X-Forwarded-For` entry behind a trusted proxy). The server puts it in
/// every request's extensions; log-ins and sign-ups are counted by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

/// What is counted, and over how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Failed log-ins to one account (by handle).
    LoginAccount,
    /// Failed log-ins from one client address.
    LoginAddress,
    /// Sign-ups from one client address.
    SignUp,
    /// Uploads by one account (photos and icons).
    Upload,
    /// Comments and reports by one account.
    Comment,
    /// Data exports by one account (each reads every original it has).
    Export,
}

impl Action {
    fn key(self, who: &str) -> String {
        let what = match self {
            Action::LoginAccount => "login_account",
            Action::LoginAddress => "login_address",
            Action::SignUp => "signup",
            Action::Upload => "upload",
            Action::Comment => "comment",
            Action::Export => "export",
        };
        // `who` may be anything a client typed (a handle that does not exist): bounded, and
        // without the control characters PostgreSQL's text cannot hold.
        let who: String = who.chars().filter(|c| !c.is_control()).take(100).collect();
        format!("{what}:{who}")
    }

    pub fn window(self) -> Duration {
        match self {
            Action::LoginAccount | Action::LoginAddress => Duration::from_secs(15 * 60),
            Action::SignUp | Action::Upload | Action::Comment | Action::Export => {
                Duration::from_secs(3600)
            }
        }
    }
}

/// The limits, per window; 0 turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub login_account: u32,
    pub login_address: u32,
    pub signups: u32,
    pub uploads: u32,
    pub comments: u32,
    pub exports: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            login_account: 10,
            login_address: 50,
            signups: 30,
            uploads: 300,
            comments: 120,
            exports: 10,
        }
    }
}

impl Limits {
    /// No limits (tools that act for the operator).
    pub fn off() -> Self {
        Self {
            login_account: 0,
            login_address: 0,
            signups: 0,
            uploads: 0,
            comments: 0,
            exports: 0,
        }
    }

    fn of(&self, action: Action) -> u32 {
        match action {
            Action::LoginAccount => self.login_account,
            Action::LoginAddress => self.login_address,
            Action::SignUp => self.signups,
            Action::Upload => self.uploads,
            Action::Comment => self.comments,
            Action::Export => self.exports,
        }
    }
}

/// The counters. Clones share the database.
#[derive(Clone)]
pub struct Throttle {
    db: Db,
    limits: Limits,
}

impl Throttle {
    pub fn new(db: Db, limits: Limits) -> Self {
        Self { db, limits }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Counts one attempt of `action` by `who`; refuses it (counted all the same) once the
    /// window holds more than the limit. One statement, so parallel attempts cannot all slip
    /// through between a read and a write.
    pub async fn hit(&self, action: Action, who: &str) -> Result<()> {
        let limit = self.limits.of(action);
        if limit == 0 {
            return Ok(());
        }
        let now = now_micros();
        let window = action.window().as_micros() as i64;
        let (count, started): (i64, i64) = sqlx::query_as(
            "INSERT INTO throttle (key, window_start, count) VALUES ($1, $2, 1)
             ON CONFLICT (key) DO UPDATE SET
               count = CASE WHEN throttle.window_start <= $3 THEN 1 ELSE throttle.count + 1 END,
               window_start = CASE WHEN throttle.window_start <= $3 THEN $2 ELSE throttle.window_start END
             RETURNING count, window_start",
        )
        .bind(action.key(who))
        .bind(now)
        .bind(now - window)
        .fetch_one(self.db.pool())
        .await?;
        if count > i64::from(limit) {
            let seconds = ((started + window - now) / 1_000_000).max(1) as u64;
            tracing::warn!(?action, who, count, "throttled");
            return Err(Problem::RateLimited {
                seconds,
                minutes: seconds.div_ceil(60),
            }
            .into());
        }
        Ok(())
    }

    /// Takes back one counted attempt that turned out well (a log-in with the right password
    /// counts only against what limits failures).
    pub async fn forgive(&self, action: Action, who: &str) -> Result<()> {
        if self.limits.of(action) == 0 {
            return Ok(());
        }
        sqlx::query("UPDATE throttle SET count = count - 1 WHERE key = $1 AND count > 0")
            .bind(action.key(who))
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Forgets windows that ended long ago (they would restart at 1 anyway).
    pub async fn sweep(&self) -> Result<u64> {
        let day = 86_400 * 1_000_000;
        Ok(sqlx::query("DELETE FROM throttle WHERE window_start < $1")
            .bind(now_micros() - day)
            .execute(self.db.pool())
            .await?
            .rows_affected())
    }
}
