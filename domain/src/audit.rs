//! The audit log: every admin action (promote, ban, unban, hide, unhide, delete, pause, resume,
//! retry, fsck, announcements, bucket moves) and every security event (tokens made or revoked),
//! with who, when, from where and on what. Admins browse it in the console and through
//! `GET /api/v1/admin/audit`.
//!
//! "From where" is the client address the server decided for the request being answered
//! ([`CLIENT`], set around every request); the command line records `command line`.

use crate::db::{now_micros, rfc3339, Db};
use crate::error::Result;
use crate::store::{Keyset, Sql};
use crate::types::{Cursor, Page, User};
use crate::views::AuditEntry;
use uuid::Uuid;

tokio::task_local! {
    /// The client address of the request this task is answering.
    pub static CLIENT: String;
}

/// The address of the request being answered, or `command line` outside one.
pub fn client() -> String {
    CLIENT
        .try_with(|c| c.clone())
        .unwrap_or_else(|_| "command line".into())
}

/// Records what `actor` (`None`: the command line) did. A failure to record is logged, not
/// returned: the action itself has happened.
pub async fn record(db: &Db, actor: Option<&User>, action: &str, target: &str, detail: &str) {
    let written = sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_handle, action, target, detail, address)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(now_micros())
    .bind(actor.map(|a| a.id.to_string()))
    .bind(actor.map(|a| a.handle.to_string()))
    .bind(action)
    .bind(target)
    .bind(detail)
    .bind(client())
    .execute(db.pool())
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, action, target, "could not write the audit log");
    }
}

/// [`record`] from code that cannot wait (a job being started): the address is taken now.
pub fn record_soon(db: &Db, actor: &User, action: &'static str, target: String, detail: String) {
    let (db, actor, address) = (db.clone(), actor.clone(), client());
    tokio::spawn(CLIENT.scope(address, async move {
        record(&db, Some(&actor), action, &target, &detail).await
    }));
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: i64,
    actor_handle: Option<String>,
    action: String,
    target: String,
    detail: String,
    address: String,
}

/// Reading the log.
#[derive(Clone)]
pub struct Audit {
    db: Db,
}

impl Audit {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Newest first. `action` filters: `photo` is every `photo.…`, `photo.delete` just that.
    pub async fn page(
        &self,
        action: Option<&str>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<AuditEntry>> {
        let keyset = Keyset::newest_first("at", "id");
        let mut sql = Sql::new(format!(
            "SELECT id, at, actor_handle, action, target, detail, address, {} FROM audit_log WHERE 1 = 1",
            keyset.columns()
        ));
        if let Some(action) = action.map(str::trim).filter(|a| !a.is_empty()) {
            // Actions are dotted words: anything else matches none (and PostgreSQL cannot even
            // compare text holding NUL).
            if !action.chars().all(|c| c.is_ascii_lowercase() || c == '.') {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                });
            }
            let exact = sql.bind(action.to_owned())?;
            let family = sql.bind(format!("{action}.%"))?;
            sql.push(&format!(" AND (action = {exact} OR action LIKE {family})"));
        }
        keyset.page(&mut sql, cursor, limit)?;
        let rows = sql.fetch_all(&self.db).await?;
        keyset.finish(rows, limit, |r: AuditRow| {
            Ok(AuditEntry {
                id: r.id,
                at: rfc3339(r.at),
                actor: r.actor_handle,
                action: r.action,
                target: r.target,
                detail: r.detail,
                address: r.address,
            })
        })
    }
}
