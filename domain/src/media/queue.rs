//! The sync queue as admins and users see it: its state and backlog, the pause switch, "retry
//! now", and storage health for the banner. The worker that drains it is `sync.rs`.

use super::health::{Health, RemoteStatus};
use crate::db::{now_micros, Db};
use crate::error::Result;
use crate::types::ContentHash;
pub use crate::views::{StorageState, StorageStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// What the sync is doing, as admins see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Running,
    /// An admin paused it (the 2008 operator's switch); survives restarts.
    Paused,
    /// S3 keeps failing; the worker only probes until it answers.
    CircuitOpen,
}

/// The numbers behind `GET /api/v1/admin/sync`, `/healthz` and `photoshare sync status`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SyncStatus {
    pub state: SyncState,
    pub backlog_objects: i64,
    pub backlog_bytes: i64,
    /// Age of the oldest object not yet in S3; 0 when there is none.
    pub oldest_unsynced_seconds: i64,
    pub last_error: Option<String>,
}

/// What users are told of storage, from where the sync stands and what this node last saw of S3.
pub fn storage_status_of(sync: &SyncStatus, remote: &RemoteStatus) -> StorageStatus {
    let storage = match sync.state {
        SyncState::CircuitOpen => StorageState::Degraded,
        _ if remote.reachable == Some(false) => StorageState::Degraded,
        SyncState::Paused if sync.backlog_objects > 0 => StorageState::Paused,
        _ => StorageState::Ok,
    };
    StorageStatus {
        storage,
        backlog_objects: sync.backlog_objects,
        oldest_unsynced_seconds: sync.oldest_unsynced_seconds,
    }
}

const PAUSED_KEY: &str = "sync_paused";

/// Backlog of objects not yet in S3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    pub objects: i64,
    pub bytes: i64,
}

/// The queue of objects not yet in S3, as its callers see it: new work wakes the worker, admins
/// pause, resume and retry it. Clones share it.
#[derive(Clone)]
pub struct SyncQueue {
    inner: Arc<State>,
}

struct State {
    db: Db,
    health: Health,
    wake: Notify,
    /// An admin asked to retry now: the worker probes S3 at once even with the circuit open.
    retry: AtomicBool,
}

impl SyncQueue {
    pub fn new(db: Db, health: Health) -> Self {
        Self {
            inner: Arc::new(State {
                db,
                health,
                wake: Notify::new(),
                retry: AtomicBool::new(false),
            }),
        }
    }

    /// Tells the sync worker there is new work (after a commit).
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.inner.wake.notified().await
    }

    /// Whether an admin asked to retry now (and forgets the request).
    pub(crate) fn take_retry(&self) -> bool {
        self.inner.retry.swap(false, Ordering::SeqCst)
    }

    /// Objects and bytes not yet confirmed by S3.
    pub async fn backlog(&self) -> Result<Backlog> {
        let s = self.status().await?;
        Ok(Backlog {
            objects: s.backlog_objects,
            bytes: s.backlog_bytes,
        })
    }

    /// An admin's "retry now": every queued object is due now, and the sync worker probes S3 at
    /// once even if its circuit is open.
    pub async fn retry_now(&self) -> Result<()> {
        sqlx::query("UPDATE sync_queue SET next_attempt_at = $1 WHERE lease_until IS NULL")
            .bind(now_micros())
            .execute(self.inner.db.pool())
            .await?;
        self.inner.retry.store(true, Ordering::SeqCst);
        self.wake();
        Ok(())
    }

    /// Whether an admin paused the sync (see [`paused`]).
    pub async fn paused(&self) -> Result<bool> {
        paused(&self.inner.db).await
    }

    pub async fn set_paused(&self, paused: bool) -> Result<()> {
        set_paused(&self.inner.db, paused).await?;
        self.wake();
        Ok(())
    }

    /// Where the sync stands, as this process sees it.
    pub async fn status(&self) -> Result<SyncStatus> {
        sync_status(&self.inner.db, &self.inner.health.remote_status()).await
    }

    /// Storage health for users: no S3 round trip, only what this node already knows.
    pub async fn storage_status(&self) -> Result<StorageStatus> {
        let remote = self.inner.health.remote_status();
        Ok(storage_status_of(
            &sync_status(&self.inner.db, &remote).await?,
            &remote,
        ))
    }

    /// Marks an object unsynced and queues it again, so the worker sends the local copy to S3
    /// once more (fsck's repair of a missing or corrupt S3 copy).
    pub(crate) async fn requeue(&self, hash: &ContentHash) -> Result<()> {
        let mut tx = self.inner.db.begin_write().await?;
        sqlx::query("UPDATE objects SET synced_at = NULL WHERE hash = $1")
            .bind(hash.to_hex())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sync_queue (hash, next_attempt_at) VALUES ($1, $2)
             ON CONFLICT (hash) DO UPDATE SET next_attempt_at = excluded.next_attempt_at, lease_until = NULL",
        )
        .bind(hash.to_hex())
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.wake();
        Ok(())
    }
}

/// Whether an admin paused the sync. Kept in the database, so it survives restarts and every node
/// (and the CLI) sees the same switch.
pub async fn paused(db: &Db) -> Result<bool> {
    Ok(db.setting(PAUSED_KEY).await?.as_deref() == Some("1"))
}

pub async fn set_paused(db: &Db, paused: bool) -> Result<()> {
    db.set_setting(PAUSED_KEY, if paused { "1" } else { "0" })
        .await?;
    tracing::info!(paused, "sync switch changed");
    Ok(())
}

/// Where the sync stands. `remote` is what this process saw of S3; its last error, else the
/// newest one recorded on a queued object (what the CLI, with no S3 history of its own, shows).
pub async fn sync_status(db: &Db, remote: &RemoteStatus) -> Result<SyncStatus> {
    // SUM over BIGINT is NUMERIC on Postgres: cast back so both engines answer an integer.
    let (objects, bytes, oldest): (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT), MIN(created_at) FROM objects WHERE synced_at IS NULL",
    )
    .fetch_one(db.pool())
    .await?;
    let state = if paused(db).await? {
        SyncState::Paused
    } else if remote.circuit_open {
        SyncState::CircuitOpen
    } else {
        SyncState::Running
    };
    let last_error = match &remote.last_error {
        Some(e) => Some(e.clone()),
        None => sqlx::query_scalar(
            "SELECT last_error FROM sync_queue WHERE last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT 1",
        )
        .fetch_optional(db.pool())
        .await?,
    };
    Ok(SyncStatus {
        state,
        backlog_objects: objects,
        backlog_bytes: bytes,
        oldest_unsynced_seconds: oldest.map_or(0, |t| ((now_micros() - t) / 1_000_000).max(0)),
        last_error,
    })
}
