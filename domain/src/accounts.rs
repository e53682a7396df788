//! Accounts and sessions. Password hashing (argon2id) runs on the blocking pool, never on the async
//! threads.

use crate::db::{now_micros, Db};
use crate::error::{Error, Problem, Result};
use crate::media::{imaging, MediaStore};
use crate::store::{hash_url, Keyset, Sql};
use crate::types::{Bio, Cursor, DisplayName, Handle, Locale, Page, Password, UserId, UserView};
use crate::views::{AdminUserView, ProfileChange};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long a session lasts without logging in again.
pub const SESSION_DAYS: i64 = 30;

use crate::throttle::{Action, Throttle};
pub use crate::types::User;

/// The cookie that carries a session.
pub const SESSION_COOKIE: &str = "photoshare_session";

/// The session token among a request's `Cookie` header values.
pub fn token_from_cookies<'a>(headers: impl Iterator<Item = &'a str>) -> Option<String> {
    headers
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// `Set-Cookie` for a new session: HttpOnly so scripts never see it, SameSite=Lax so other sites
/// cannot post with it.
pub fn session_cookie(token: &str, max_age: std::time::Duration) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        max_age.as_secs()
    )
}

/// `Set-Cookie` that ends the session in the browser.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The condition a session `s` must meet to be live, given now (`$2`) and the idle limit's start
/// (`$3`): before its end, and used since. Shared by the log-in check and the list in settings.
pub(crate) const LIVE_SESSION: &str =
    "s.expires_at > $2 AND COALESCE(s.last_seen, s.created_at) > $3";

/// A session token as the client holds it (the cookie's value). Only its hash is stored.
pub struct SessionToken(pub String);

#[derive(Clone)]
pub struct Accounts {
    pub(crate) db: Db,
    pub(crate) throttle: Throttle,
    pub(crate) limits: SessionLimits,
    /// Administrators may act as such only with two-factor sign-in on (`--require-admin-2fa`).
    pub(crate) require_admin_2fa: bool,
}

/// How long sessions last: at most `max` from the log-in, and only while used at least every
/// `idle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub max: std::time::Duration,
    pub idle: std::time::Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            max: std::time::Duration::from_secs(SESSION_DAYS as u64 * 86_400),
            idle: std::time::Duration::from_secs(14 * 86_400),
        }
    }
}

pub(crate) async fn hash_password(password: Password) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(Error::internal)
    })
    .await
    .map_err(Error::internal)?
}

async fn verify_password(password: String, phc: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(Error::internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(Error::internal)?
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The columns of a [`UserRow`], from `users`.
pub(crate) const USER_COLUMNS: &str = "id, handle, display_name, is_admin, icon_hash, locale";

/// A row of [`USER_COLUMNS`] (the log-in's query adds the password's hash and the ban).
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    handle: String,
    display_name: String,
    is_admin: i64,
    icon_hash: Option<String>,
    locale: Option<String>,
}

impl UserRow {
    pub(crate) fn user(self) -> Result<User> {
        Ok(User {
            id: self.id.parse()?,
            handle: Handle::parse(&self.handle)?,
            display_name: self.display_name,
            is_admin: self.is_admin != 0,
            icon: self.icon_hash.map(|h| h.parse()).transpose()?,
            locale: self.locale.as_deref().and_then(|l| Locale::parse(l).ok()),
        })
    }
}

/// What a log-in reads: the user, the password's hash and whether the account is banned.
#[derive(sqlx::FromRow)]
struct LogInRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
    banned_at: Option<i64>,
}

impl Accounts {
    pub fn new(db: Db, throttle: Throttle) -> Self {
        Self {
            db,
            throttle,
            limits: SessionLimits::default(),
            require_admin_2fa: false,
        }
    }

    /// The same accounts, requiring (or not) two-factor sign-in of administrators.
    pub fn with_require_admin_2fa(mut self, required: bool) -> Self {
        self.require_admin_2fa = required;
        self
    }

    /// Whether `user` may act as an administrator: 403 `admins_only` for others, and 403
    /// `two_factor_needed` for an administrator without two-factor sign-in when it is required.
    pub async fn check_admin(&self, user: &User) -> Result<()> {
        if !user.is_admin {
            return Err(Problem::AdminsOnly.into());
        }
        if self.require_admin_2fa && !self.has_two_factor(user).await? {
            return Err(Problem::TwoFactorNeeded.into());
        }
        Ok(())
    }

    /// The same accounts with other session lifetimes.
    pub fn with_session_limits(mut self, limits: SessionLimits) -> Self {
        self.limits = limits;
        self
    }

    pub fn session_limits(&self) -> SessionLimits {
        self.limits
    }

    /// A visitor signs up from `client` (their address): as [`Accounts::sign_up`], counted
    /// against the sign-ups an address may make (429 `rate_limited` past them).
    pub async fn sign_up_from(
        &self,
        client: &str,
        handle: &Handle,
        password: &Password,
    ) -> Result<User> {
        self.throttle.hit(Action::SignUp, client).await?;
        self.sign_up(handle, password, false).await
    }

    /// Creates an account. Fails with [`Problem::HandleTaken`] if the handle is taken.
    #[tracing::instrument(skip_all, fields(handle = %handle))]
    pub async fn sign_up(
        &self,
        handle: &Handle,
        password: &Password,
        is_admin: bool,
    ) -> Result<User> {
        let phc = hash_password(password.clone()).await?;
        let id = Uuid::now_v7();
        let mut tx = self.db.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, handle, password_hash, is_admin, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (handle) DO NOTHING",
        )
        .bind(id.to_string())
        .bind(handle.as_str())
        .bind(phc)
        .bind(is_admin as i64)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Problem::HandleTaken {
                handle: handle.to_string(),
            }
            .into());
        }
        crate::search::index_user(
            &mut tx,
            self.db.backend(),
            &id.to_string(),
            handle.as_str(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(User {
            id: UserId::from_uuid(id),
            handle: handle.clone(),
            display_name: String::new(),
            is_admin,
            icon: None,
            locale: None,
        })
    }

    /// Checks a handle and password sent from `client` (an address), and the second factor
    /// (`code`: an authenticator app's code or a recovery code) when the account has two-factor
    /// sign-in on: without one the answer is 401 `two_factor_required`, so the client asks for
    /// it and sends all three again. Takes about as long for an unknown handle as for a wrong
    /// password, so the timing does not reveal which handles exist. Every try counts against the
    /// account and the address; a try that passes takes it back. Past either limit the answer is
    /// 429 `rate_limited`, even for the right password, while other accounts and addresses are
    /// unaffected.
    #[tracing::instrument(skip_all)]
    pub async fn log_in(
        &self,
        handle: &str,
        password: &str,
        code: Option<&str>,
        client: &str,
    ) -> Result<User> {
        self.throttled(handle, client, async {
            let user = self.check_password(handle, password).await?;
            self.second_factor_of_log_in(&user, code).await?;
            Ok(user)
        })
        .await
    }

    /// A signed-in user types their password again before a change that needs it (a new
    /// password, two-factor sign-in, deleting the account): checked, throttled and timed like a
    /// log-in, without the second factor.
    pub async fn confirm_password(&self, user: &User, password: &str, client: &str) -> Result<()> {
        let handle = user.handle.as_str();
        self.throttled(handle, client, self.check_password(handle, password))
            .await
            .map(drop)
    }

    /// Runs `check` counted against `handle`'s account and `client`'s address (429 past either
    /// limit); a check that passes takes its try back.
    async fn throttled(
        &self,
        handle: &str,
        client: &str,
        check: impl std::future::Future<Output = Result<User>>,
    ) -> Result<User> {
        let account = handle.trim().to_lowercase();
        self.throttle.hit(Action::LoginAddress, client).await?;
        if let Err(e) = self.throttle.hit(Action::LoginAccount, &account).await {
            self.throttle.forgive(Action::LoginAddress, client).await?;
            return Err(e);
        }
        let result = check.await;
        // The right password of an account that still needs its second factor is no failure
        // either: the next try, with the code, counts on its own.
        let passed = matches!(
            &result,
            Ok(_) | Err(Error::Refused(Problem::TwoFactorRequired))
        );
        if passed {
            self.throttle.forgive(Action::LoginAddress, client).await?;
            self.throttle
                .forgive(Action::LoginAccount, &account)
                .await?;
        }
        result
    }

    async fn check_password(&self, handle: &str, password: &str) -> Result<User> {
        // A syntactically impossible handle cannot exist; still spend the hashing time.
        let row = match Handle::parse(handle) {
            Ok(h) => {
                sqlx::query_as::<_, LogInRow>(&format!(
                    "SELECT {USER_COLUMNS}, password_hash, banned_at FROM users WHERE handle = $1"
                ))
                .bind(h.as_str())
                .fetch_optional(self.db.pool())
                .await?
            }
            Err(_) => None,
        };
        let phc = match &row {
            Some(r) => r.password_hash.clone(),
            None => dummy_hash(),
        };
        let ok = verify_password(password.to_owned(), phc).await?;
        match row {
            Some(r) if ok && r.banned_at.is_some() => Err(Problem::Suspended.into()),
            Some(r) if ok => r.user.user(),
            _ => Err(Problem::BadCredentials.into()),
        }
    }

    /// Starts a session for `user` from `client` (an address) on `device` (the browser's
    /// User-Agent, shortened) and returns its token: a new one at every log-in.
    pub async fn create_session(
        &self,
        user: &User,
        client: &str,
        device: &str,
    ) -> Result<SessionToken> {
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        let now = now_micros();
        let device: String = device
            .chars()
            .filter(|c| !c.is_control() && !crate::types::is_bidi_override(*c))
            .take(200)
            .collect();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen, address, device)
             VALUES ($1, $2, $3, $4, $3, $5, $6)",
        )
        .bind(token_hash(&token))
        .bind(user.id.to_string())
        .bind(now)
        .bind(now + self.limits.max.as_micros() as i64)
        .bind(client)
        .bind(device)
        .execute(self.db.pool())
        .await?;
        Ok(SessionToken(token))
    }

    /// The user a session token belongs to, if the session is live: before its end and used
    /// within the idle limit. Notes the use (to the minute, not on every request).
    pub async fn user_for_session(&self, token: &str) -> Result<Option<User>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            last_seen: Option<i64>,
        }
        let now = now_micros();
        let hash = token_hash(token);
        let row: Option<Row> = sqlx::query_as(&format!(
            "SELECT u.id, u.handle, u.display_name, u.is_admin, u.icon_hash, u.locale, s.last_seen
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND {LIVE_SESSION} AND u.banned_at IS NULL"
        ))
        .bind(&hash)
        .bind(now)
        .bind(now - self.limits.idle.as_micros() as i64)
        .fetch_optional(self.db.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if row.last_seen.is_none_or(|t| now - t > 60_000_000) {
            sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&hash)
                .execute(self.db.pool())
                .await?;
        }
        row.user.user().map(Some)
    }

    /// Ends a session. Ending one that does not exist is not an error.
    pub async fn end_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    pub async fn by_handle(&self, handle: &Handle) -> Result<Option<User>> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE handle = $1"
        ))
        .bind(handle.as_str())
        .fetch_optional(self.db.pool())
        .await?;
        row.map(UserRow::user).transpose()
    }

    /// Makes the user's icon from an uploaded image (cropped to its centre square, small and large
    /// sizes) and points the account at it, in one transaction with the objects' sync-queue rows.
    pub async fn set_icon_bytes(
        &self,
        media: &MediaStore,
        user: &User,
        bytes: &[u8],
    ) -> Result<UserView> {
        self.throttle
            .hit(Action::Upload, &user.id.to_string())
            .await?;
        let owned = bytes.to_vec();
        let icon = tokio::task::spawn_blocking(move || imaging::process_icon(&owned))
            .await
            .map_err(Error::internal)??;
        let small = media
            .objects()
            .keep_bytes(&icon.small, "image/jpeg")
            .await?;
        let large = media
            .objects()
            .keep_bytes(&icon.large, "image/jpeg")
            .await?;
        let mut tx = self.db.begin_write().await?;
        media.objects().record(&mut tx, &[&small, &large]).await?;
        sqlx::query("UPDATE users SET icon_hash = $1, icon_large_hash = $2 WHERE id = $3")
            .bind(small.hash.to_hex())
            .bind(large.hash.to_hex())
            .bind(user.id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        media.queue().wake();
        Ok(User {
            icon: Some(small.hash),
            ..user.clone()
        }
        .view())
    }

    /// Changes what the user shows about themselves; `None` leaves a field as it is.
    /// Applies `change` to the user's account. Every field is checked before anything is
    /// written: a refused field changes nothing.
    pub async fn change_profile(&self, user: &User, change: &ProfileChange) -> Result<UserView> {
        let display_name = change
            .display_name
            .as_deref()
            .map(DisplayName::parse)
            .transpose()?;
        let bio = change.bio.as_deref().map(Bio::parse).transpose()?;
        let locale = change.locale.as_deref().map(Locale::parse).transpose()?;
        self.update_profile(user, display_name, bio, locale).await
    }

    pub async fn update_profile(
        &self,
        user: &User,
        display_name: Option<DisplayName>,
        bio: Option<Bio>,
        locale: Option<Locale>,
    ) -> Result<UserView> {
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "UPDATE users SET display_name = COALESCE($1, display_name), bio = COALESCE($2, bio),
                locale = COALESCE($3, locale)
             WHERE id = $4",
        )
        .bind(display_name.as_ref().map(|d| d.as_str().to_owned()))
        .bind(bio.as_ref().map(|b| b.as_str().to_owned()))
        .bind(locale.map(|l| l.code().to_owned()))
        .bind(user.id.to_string())
        .execute(&mut *tx)
        .await?;
        if let Some(name) = &display_name {
            crate::search::index_user(
                &mut tx,
                self.db.backend(),
                &user.id.to_string(),
                user.handle.as_str(),
                name.as_str(),
            )
            .await?;
        }
        tx.commit().await?;
        let row: UserRow =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                .bind(user.id.to_string())
                .fetch_one(self.db.pool())
                .await?;
        Ok(row.user()?.view())
    }

    /// Makes a user an admin. Promoting an admin again is not an error.
    /// An admin promotes, bans or unbans a user; what the console then shows of them.
    #[tracing::instrument(skip_all, fields(?action, user = %handle, admin = %by.handle))]
    pub async fn admin_action(
        &self,
        handle: &Handle,
        action: crate::views::UserAction,
        by: &User,
    ) -> Result<AdminUserView> {
        use crate::views::UserAction;
        match action {
            UserAction::Promote => self.promote(handle).await?,
            UserAction::Ban => self.set_banned(handle, true).await?,
            UserAction::Unban => self.set_banned(handle, false).await?,
        }
        tracing::warn!("user changed by an admin");
        let what = match action {
            UserAction::Promote => "user.promote",
            UserAction::Ban => "user.ban",
            UserAction::Unban => "user.unban",
        };
        crate::audit::record(&self.db, Some(by), what, handle.as_str(), "").await;
        self.admin_view(handle).await
    }

    pub async fn promote(&self, handle: &Handle) -> Result<()> {
        let done = sqlx::query("UPDATE users SET is_admin = 1 WHERE handle = $1")
            .bind(handle.as_str())
            .execute(self.db.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(no_such_user(handle));
        }
        tracing::warn!(%handle, "user promoted to admin");
        Ok(())
    }

    /// Bans a user (ending every session they have) or lifts the ban. Admins cannot be banned.
    pub async fn set_banned(&self, handle: &Handle, banned: bool) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT id, is_admin FROM users WHERE handle = $1")
                .bind(handle.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let (id, is_admin) = row.ok_or_else(|| no_such_user(handle))?;
        if banned && is_admin != 0 {
            return Err(Problem::AdminNotBannable.into());
        }
        sqlx::query("UPDATE users SET banned_at = $1 WHERE id = $2")
            .bind(banned.then(now_micros))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        if banned {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        tracing::warn!(%handle, banned, "ban changed");
        Ok(())
    }

    /// Users for the admin console, newest first; `query` matches part of the handle.
    pub async fn list_for_admin(
        &self,
        query: &str,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<AdminUserView>> {
        // (PostgreSQL cannot even compare text holding NUL; no handle holds a control character.)
        if query.chars().any(char::is_control) {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        let pattern = format!(
            "%{}%",
            query
                .trim()
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let keyset = Keyset::newest_first("u.created_at", "u.id");
        let mut sql = Sql::new(format!(
            "SELECT {ADMIN_VIEW_COLUMNS}, {} FROM users u",
            keyset.columns()
        ));
        let pattern = sql.bind(pattern)?;
        sql.push(&format!(" WHERE u.handle LIKE {pattern} ESCAPE '\\'"));
        keyset.page(&mut sql, cursor, limit)?;
        let rows = sql.fetch_all(&self.db).await?;
        keyset.finish(rows, limit, AdminUserRow::view)
    }

    /// One user as the console shows them.
    pub async fn admin_view(&self, handle: &Handle) -> Result<AdminUserView> {
        let row: AdminUserRow = sqlx::query_as(&format!(
            "SELECT {ADMIN_VIEW_COLUMNS} FROM users u WHERE u.handle = $1"
        ))
        .bind(handle.as_str())
        .fetch_optional(self.db.pool())
        .await?
        .ok_or_else(|| no_such_user(handle))?;
        row.view()
    }

    pub async fn count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.db.pool())
            .await?)
    }
}

fn no_such_user(handle: &Handle) -> Error {
    Problem::NoSuchUser {
        handle: handle.to_string(),
    }
    .into()
}

/// Users as the console shows them (read as [`AdminUserRow`]s).
const ADMIN_VIEW_COLUMNS: &str =
    "u.id, u.handle, u.display_name, u.icon_hash, u.is_admin, u.banned_at, u.created_at,
        (SELECT COUNT(*) FROM photos p WHERE p.owner_id = u.id) AS photos_count";

/// A row of [`ADMIN_VIEW_COLUMNS`], from `users u`.
#[derive(sqlx::FromRow)]
struct AdminUserRow {
    id: String,
    handle: String,
    display_name: String,
    icon_hash: Option<String>,
    is_admin: i64,
    banned_at: Option<i64>,
    created_at: i64,
    photos_count: i64,
}

impl AdminUserRow {
    fn view(self) -> Result<AdminUserView> {
        Ok(AdminUserView {
            id: self.id,
            handle: self.handle,
            display_name: self.display_name,
            icon_url: self.icon_hash.as_deref().map(hash_url).transpose()?,
            is_admin: self.is_admin != 0,
            banned: self.banned_at.is_some(),
            photos_count: self.photos_count,
            joined_at: crate::db::rfc3339(self.created_at),
        })
    }
}

/// A valid argon2 hash of a random password, computed once, for timing-safe unknown-handle log-ins.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            let mut pw = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut pw);
            Argon2::default()
                .hash_password(&pw, &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        })
        .clone()
}
