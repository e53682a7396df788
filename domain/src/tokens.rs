//! Personal access tokens: for scripts and mobile clients, sent as `Authorization: Bearer pst_…`.
//! A token acts for its owner within its scopes; only its sha256 is stored (the secret is shown
//! once, when it is made); its owner lists and revokes it. Tokens are made and revoked only from
//! a signed-in session, so a leaked token cannot make more.

use crate::accounts::{token_hash, UserRow, USER_COLUMNS};
use crate::db::{now_micros, rfc3339, Db};
use crate::error::Result;
use crate::problem::Problem;
use crate::types::{TokenName, User};
use crate::views::{NewToken, Scope, TokenView};
use base64::Engine;
use rand::RngCore;
use uuid::Uuid;

/// The prefix of every token's secret (secret scanners can recognise a leaked one).
pub const PREFIX: &str = "pst_";
/// Most tokens one account may hold.
pub const MAX_PER_USER: i64 = 50;

#[derive(Clone)]
pub struct Tokens {
    db: Db,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    name: String,
    scopes: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl TokenRow {
    fn view(self) -> TokenView {
        TokenView {
            id: self.id,
            name: self.name,
            scopes: parse_scopes(&self.scopes),
            created_at: rfc3339(self.created_at),
            last_used_at: self.last_used_at.map(rfc3339),
        }
    }
}

fn parse_scopes(stored: &str) -> Vec<Scope> {
    stored
        .split(' ')
        .filter_map(|s| Scope::parse(s).ok())
        .collect()
}

/// A token's owner and what it may do, once its secret checked out.
pub struct Bearer {
    pub user: User,
    pub scopes: Vec<Scope>,
}

impl Tokens {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Makes a token for `owner`. `admin` only for admins; at least one scope; duplicates
    /// collapse. The secret is in the answer and nowhere else.
    pub async fn create(
        &self,
        owner: &User,
        name: &TokenName,
        scopes: &[Scope],
    ) -> Result<NewToken> {
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() {
            return Err(Problem::BadScope {
                scope: String::new(),
            }
            .into());
        }
        if scopes.contains(&Scope::Admin) && !owner.is_admin {
            return Err(Problem::AdminsOnly.into());
        }
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE user_id = $1")
            .bind(owner.id.to_string())
            .fetch_one(self.db.pool())
            .await?;
        if held >= MAX_PER_USER {
            return Err(Problem::BadInput {
                detail: format!("an account holds at most {MAX_PER_USER} tokens; revoke one first"),
            }
            .into());
        }
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let secret = format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
        );
        let id = Uuid::now_v7().to_string();
        let now = now_micros();
        let stored = scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, scopes, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(owner.id.to_string())
        .bind(name.as_str())
        .bind(&stored)
        .bind(token_hash(&secret))
        .bind(now)
        .execute(self.db.pool())
        .await?;
        tracing::info!(owner = %owner.handle, %id, scopes = %stored, "access token created");
        crate::audit::record(
            &self.db,
            Some(owner),
            "token.create",
            name.as_str(),
            &stored,
        )
        .await;
        Ok(NewToken {
            token: TokenView {
                id,
                name: name.as_str().to_owned(),
                scopes,
                created_at: rfc3339(now),
                last_used_at: None,
            },
            secret,
        })
    }

    /// `owner`'s tokens, newest first.
    pub async fn list(&self, owner: &User) -> Result<Vec<TokenView>> {
        let rows: Vec<TokenRow> = sqlx::query_as(
            "SELECT id, name, scopes, created_at, last_used_at FROM api_tokens
             WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(owner.id.to_string())
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(TokenRow::view).collect())
    }

    /// Revokes one of `owner`'s tokens: it stops working at once. 404 for another's or none.
    pub async fn revoke(&self, owner: &User, id: &str) -> Result<()> {
        if Uuid::parse_str(id).is_err() {
            return Err(Problem::NoSuchToken.into());
        }
        let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(owner.id.to_string())
            .execute(self.db.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(Problem::NoSuchToken.into());
        }
        tracing::info!(owner = %owner.handle, %id, "access token revoked");
        crate::audit::record(&self.db, Some(owner), "token.revoke", id, "").await;
        Ok(())
    }

    /// The owner and scopes of a token's secret; `None` for an unknown or revoked one, or one
    /// whose owner is banned. Notes when it was used (to the minute, not on every request).
    pub async fn bearer(&self, secret: &str) -> Result<Option<Bearer>> {
        if !secret.starts_with(PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            token_id: String,
            scopes: String,
            last_used_at: Option<i64>,
        }
        let columns = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let row: Option<Row> = sqlx::query_as(&format!(
            "SELECT {columns}, t.id AS token_id, t.scopes, t.last_used_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND u.banned_at IS NULL"
        ))
        .bind(token_hash(secret))
        .fetch_optional(self.db.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let now = now_micros();
        if row.last_used_at.is_none_or(|t| now - t > 60_000_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&row.token_id)
                .execute(self.db.pool())
                .await?;
        }
        Ok(Some(Bearer {
            scopes: parse_scopes(&row.scopes),
            user: row.user.user()?,
        }))
    }
}
