//! The database: SQLite by default, Postgres for several app nodes. One set of queries serves both
//! through sqlx's Any driver; the schema keeps to types both engines agree on (TEXT, BIGINT).

use crate::error::Result;
use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Which engine a [`Db`] talks to, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections plus the engine it talks to. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// The schema up to 0006, written once per engine (they differ only in type names; kept as they
/// were applied, since sqlx checks every applied migration's checksum), and the later changes
/// that only one engine's SQL can say (search: FTS5 on SQLite, tsvector on PostgreSQL), each
/// under the same number in both directories.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
/// Every migration from 0007 on: one file that both engines run (see its README for the
/// portable subset of SQL).
static PORTABLE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/portable");

/// The engine's own migrations and the portable ones, in the order of their numbers, as one
/// migrator.
fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    let engine = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    let mut all = engine.migrations.to_vec();
    all.extend(PORTABLE_MIGRATIONS.migrations.iter().cloned());
    all.sort_by_key(|m| m.version);
    // sqlx's `migrate!` fills these fields itself; they are public for that (and pinned with
    // sqlx's version in Cargo.lock).
    sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(all),
        ..sqlx::migrate::Migrator::DEFAULT
    }
}

impl Db {
    /// The engine a URL names (SQLite unless it is a PostgreSQL URL).
    pub fn backend_of(url: &str) -> Backend {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`). A SQLite file is created if missing.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Self::backend_of(url);
        if backend == Backend::Sqlite && !url.starts_with("sqlite:") {
            return Err(crate::error::Error::internal(
                "the database URL must start with sqlite:// or postgres://",
            ));
        }
        let options = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_secs(10))
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; FULL sync keeps an
                        // acknowledged upload's rows across a power cut.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            });
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let pool = options.connect(&url).await?;
        Ok(Self { pool, backend })
    }

    /// Brings the schema up to date. The caller stops if this fails.
    pub async fn migrate(&self) -> Result<()> {
        migrator(self.backend).run(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that may write. On SQLite it is `BEGIN IMMEDIATE`: it takes the write
    /// lock at once, waiting up to the busy timeout for another writer. A plain (deferred) `BEGIN`
    /// would start as a reader, and a reader that later writes while another connection holds or
    /// has just released the write lock fails at once with "database is locked" (SQLITE_BUSY or
    /// BUSY_SNAPSHOT): the busy timeout does not cover an upgrade. PostgreSQL locks rows, not the
    /// database, so its ordinary `BEGIN` is right.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<AnyQueryResult> {
        Ok(sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?)
    }

    pub async fn close(&self) {
        self.pool.close().await
    }
}

/// Now, in microseconds since the Unix epoch: the time type of every table.
pub fn now_micros() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000) as i64
}

/// Formats a stored time as RFC 3339 (UTC) for the API.
pub fn rfc3339(micros: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(micros as i128 * 1_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both engines run the same migrations in the same order: their own (up to 0006, then the
    /// few only one engine's SQL can say), named alike, and the portable ones from 0007 on, no
    /// number used twice.
    #[test]
    fn both_engines_run_one_ordered_list_of_migrations() {
        let names = |b| {
            migrator(b)
                .migrations
                .iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        let (sqlite, postgres) = (names(Backend::Sqlite), names(Backend::Postgres));
        assert_eq!(sqlite, postgres);
        assert!(sqlite.windows(2).all(|w| w[0].0 < w[1].0), "{sqlite:?}");
        assert_eq!(
            sqlite.len(),
            SQLITE_MIGRATIONS.migrations.len() + PORTABLE_MIGRATIONS.migrations.len()
        );
        assert_eq!(sqlite[5].0, 6);
        assert!(PORTABLE_MIGRATIONS.migrations.iter().all(|m| m.version > 6));
    }
}
