//! The media store: the local cache first, S3 behind it, a durable queue between them.
//!
//! Write path: the caller stages bytes into the cache, [`MediaStore::keep`]s them under their
//! sha256, then records them with [`MediaStore::record`] in the same database transaction as the
//! rows that use them. S3 is never in that path; the [`sync::SyncWorker`] copies objects later.
//!
//! Read path: [`MediaStore::read`] serves a verified local copy, or fetches from S3, verifies,
//! caches and serves. Bytes that do not match their hash are never returned.

pub mod breaker;
pub mod budget;
pub mod cache;
pub mod delete;
pub mod fsck;
pub mod health;
pub mod hot;
pub mod imaging;
pub mod metadata;
pub mod migrate;
pub mod remote;
pub mod sync;

use crate::db::{now_micros, Db};
use crate::error::{Error, Problem, Result};
use crate::metrics::Metrics;
use crate::types::ContentHash;
use bytes::Bytes;
use cache::{LocalCache, Staged};
use remote::Remote;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// An object in the cache, ready to be recorded in the database.
#[derive(Debug, Clone)]
pub struct StoredObject {
    pub hash: ContentHash,
    pub size: u64,
    pub content_type: String,
}

/// Bytes to serve, with their type.
pub struct Media {
    pub bytes: Bytes,
    pub content_type: String,
    pub hash: ContentHash,
}

/// What the sync side last saw of S3, for health checks and the UI.
#[derive(Debug, Clone, Default)]
pub struct RemoteStatus {
    /// `None` until S3 was first contacted.
    pub reachable: Option<bool>,
    pub last_error: Option<String>,
    /// The sync worker's circuit breaker is open: S3 is failing and is only probed.
    pub circuit_open: bool,
}

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

/// Storage health as every user sees it (`GET /api/v1/status`, the page banner).
pub use crate::views::{StorageState, StorageStatus};

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

#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    cache: LocalCache,
    remote: Remote,
    node: String,
    limits: budget::CacheLimits,
    metrics: Arc<Metrics>,
    wake: Notify,
    status: Mutex<RemoteStatus>,
    /// Cache reads not yet written to `cache_entries.last_access` (hash → time).
    reads: Mutex<HashMap<ContentHash, i64>>,
    /// Recently served objects, verified when loaded.
    hot: hot::HotSet,
    /// What the console shows of the last minutes: S3 errors and confirmed objects.
    recent: Mutex<health::Recent>,
    /// An admin asked to retry now: the worker probes S3 at once even with the circuit open.
    retry: std::sync::atomic::AtomicBool,
    /// Storage health as users see it, for the pages' live streams (see `health.rs`).
    storage: tokio::sync::watch::Sender<Option<StorageStatus>>,
    /// The fsck the console started on this node: running, or the last one finished here.
    fsck_run: Mutex<crate::views::FsckRun>,
}

impl MediaStore {
    pub fn new(
        db: Db,
        cache: LocalCache,
        remote: Remote,
        node: String,
        limits: budget::CacheLimits,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                cache,
                remote,
                node,
                limits,
                metrics,
                wake: Notify::new(),
                status: Mutex::new(RemoteStatus::default()),
                reads: Mutex::new(HashMap::new()),
                hot: hot::HotSet::new(limits.memory_bytes),
                recent: Mutex::new(health::Recent::default()),
                retry: std::sync::atomic::AtomicBool::new(false),
                storage: tokio::sync::watch::channel(None).0,
                fsck_run: Mutex::new(Default::default()),
            }),
        }
    }

    pub fn node(&self) -> &str {
        &self.inner.node
    }

    pub(crate) fn hot(&self) -> &hot::HotSet {
        &self.inner.hot
    }

    pub fn limits(&self) -> budget::CacheLimits {
        self.inner.limits
    }

    fn note_read(&self, hash: &ContentHash) {
        if let Ok(mut r) = self.inner.reads.lock() {
            r.insert(*hash, now_micros());
        }
    }

    fn take_reads(&self) -> HashMap<ContentHash, i64> {
        self.inner
            .reads
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }

    pub fn cache(&self) -> &LocalCache {
        &self.inner.cache
    }

    pub fn remote(&self) -> &Remote {
        &self.inner.remote
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Moves a staged upload under its content name in the cache.
    pub async fn keep(&self, staged: Staged, content_type: &str) -> Result<StoredObject> {
        let obj = StoredObject {
            hash: staged.hash,
            size: staged.len,
            content_type: content_type.to_owned(),
        };
        self.inner.cache.commit(staged).await?;
        Ok(obj)
    }

    /// Stores bytes made on the server (resized variants, generated images).
    pub async fn keep_bytes(&self, bytes: &[u8], content_type: &str) -> Result<StoredObject> {
        let staged = self.inner.cache.stage_bytes(bytes).await?;
        self.keep(staged, content_type).await
    }

    /// Records objects and queues them for S3, inside the caller's transaction. An object that is
    /// already known (identical content) is not recorded or queued twice.
    pub async fn record(
        &self,
        conn: &mut sqlx::AnyConnection,
        objects: &[&StoredObject],
    ) -> Result<()> {
        let now = now_micros();
        for obj in objects {
            let hash = obj.hash.to_hex();
            let inserted = sqlx::query(
                "INSERT INTO objects (hash, size, content_type, node, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (hash) DO NOTHING",
            )
            .bind(&hash)
            .bind(obj.size as i64)
            .bind(&obj.content_type)
            .bind(&self.inner.node)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            if inserted.rows_affected() == 1 {
                sqlx::query("INSERT INTO sync_queue (hash, next_attempt_at) VALUES ($1, $2)")
                    .bind(&hash)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
            }
            self.remember_cached(conn, &obj.hash, obj.size).await?;
        }
        Ok(())
    }

    /// Tells the sync worker there is new work (after a commit).
    pub fn wake_sync(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.inner.wake.notified().await
    }

    /// Reads an object: from memory, the verified local copy, or S3's copy verified and cached.
    pub async fn read(&self, hash: &ContentHash) -> Result<Media> {
        if let Some((bytes, content_type)) = self.inner.hot.get(hash) {
            Metrics::inc(&self.inner.metrics.cache_hits);
            self.note_read(hash);
            return Ok(Media {
                bytes,
                content_type: content_type.to_string(),
                hash: *hash,
            });
        }
        let media = self.load(hash).await?;
        self.inner
            .hot
            .insert(*hash, media.bytes.clone(), &media.content_type);
        Ok(media)
    }

    /// [`MediaStore::read`] below the in-memory set: the verified disk copy, or S3's.
    #[tracing::instrument(skip_all, fields(hash = %hash))]
    async fn load(&self, hash: &ContentHash) -> Result<Media> {
        let content_type: Option<String> =
            sqlx::query_scalar("SELECT content_type FROM objects WHERE hash = $1")
                .bind(hash.to_hex())
                .fetch_optional(self.inner.db.pool())
                .await?;
        let content_type = content_type.ok_or_else(|| Error::from(Problem::NoSuchImage))?;
        let m = &self.inner.metrics;
        match self.inner.cache.lookup(hash).await? {
            cache::Lookup::Hit(bytes) => {
                Metrics::inc(&m.cache_hits);
                self.note_read(hash);
                return Ok(Media {
                    bytes,
                    content_type,
                    hash: *hash,
                });
            }
            cache::Lookup::Corrupt => {
                Metrics::inc(&m.corrupt_objects);
                self.forget_cached(hash).await?;
            }
            cache::Lookup::Missing => self.forget_cached(hash).await?,
        }
        Metrics::inc(&m.cache_misses);
        if self.remote_status().circuit_open {
            // S3 is known to be down: answer at once instead of waiting on it for every image.
            return Err(Problem::Unavailable.into());
        }
        let bytes = match self.inner.remote.get(hash).await {
            Ok(Some(b)) => b,
            Ok(None) => {
                tracing::error!("object is in the database but neither in the cache nor in S3");
                return Err(Problem::Unavailable.into());
            }
            Err(e) => {
                self.note_remote(Err(&e));
                tracing::warn!(error = %e, "read-through from S3 failed");
                return Err(Problem::Unavailable.into());
            }
        };
        self.note_remote(Ok(()));
        if cache::sha256(&bytes) != *hash {
            Metrics::inc(&m.corrupt_objects);
            tracing::error!("S3 returned bytes that do not match their sha256; not served");
            return Err(Problem::Unavailable.into());
        }
        self.inner.cache.store_verified(hash, &bytes).await?;
        let mut conn = self.inner.db.pool().acquire().await?;
        self.remember_cached(&mut conn, hash, bytes.len() as u64)
            .await?;
        Ok(Media {
            bytes,
            content_type,
            hash: *hash,
        })
    }

    /// Objects and bytes not yet confirmed by S3.
    pub async fn backlog(&self) -> Result<Backlog> {
        let s = self.sync_status().await?;
        Ok(Backlog {
            objects: s.backlog_objects,
            bytes: s.backlog_bytes,
        })
    }

    pub fn remote_status(&self) -> RemoteStatus {
        self.inner
            .status
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    pub(crate) fn note_remote(&self, outcome: std::result::Result<(), &remote::RemoteError>) {
        if let Ok(mut s) = self.inner.status.lock() {
            match outcome {
                Ok(()) => {
                    s.reachable = Some(true);
                }
                Err(e) => {
                    s.reachable = Some(false);
                    s.last_error = Some(e.to_string());
                    self.recent().error(e.to_string());
                }
            }
        }
    }

    pub(crate) fn storage_watch(&self) -> &tokio::sync::watch::Sender<Option<StorageStatus>> {
        &self.inner.storage
    }

    pub(crate) fn recent(&self) -> std::sync::MutexGuard<'_, health::Recent> {
        self.inner
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An admin pauses, resumes or retries the sync (the console, `POST /api/v1/admin/sync/…`).
    #[tracing::instrument(skip_all, fields(?action, admin = %by.handle))]
    pub async fn control_sync(
        &self,
        action: crate::views::SyncAction,
        by: &crate::types::User,
    ) -> Result<()> {
        use crate::views::SyncAction;
        match action {
            SyncAction::Pause => self.set_paused(true).await?,
            SyncAction::Resume => self.set_paused(false).await?,
            SyncAction::Retry => self.retry_now().await?,
        }
        tracing::warn!("sync changed by an admin");
        Ok(())
    }

    /// An admin's "retry now": every queued object is due now, and the sync worker probes S3 at
    /// once even if its circuit is open.
    pub async fn retry_now(&self) -> Result<()> {
        let now = now_micros();
        sqlx::query("UPDATE sync_queue SET next_attempt_at = $1 WHERE lease_until IS NULL")
            .bind(now)
            .execute(self.inner.db.pool())
            .await?;
        sqlx::query("UPDATE delete_queue SET next_attempt_at = $1 WHERE done_at IS NULL")
            .bind(now)
            .execute(self.inner.db.pool())
            .await?;
        self.inner
            .retry
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.wake_sync();
        Ok(())
    }

    /// Whether an admin asked to retry now (and forgets the request).
    pub(crate) fn take_retry(&self) -> bool {
        self.inner
            .retry
            .swap(false, std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether an admin paused the sync (see [`paused`]).
    pub async fn paused(&self) -> Result<bool> {
        paused(&self.inner.db).await
    }

    pub async fn set_paused(&self, paused: bool) -> Result<()> {
        set_paused(&self.inner.db, paused).await?;
        self.wake_sync();
        Ok(())
    }

    pub(crate) fn set_circuit_open(&self, open: bool) {
        if let Ok(mut s) = self.inner.status.lock() {
            s.circuit_open = open;
        }
    }

    /// Where the sync stands, as this process sees it.
    pub async fn sync_status(&self) -> Result<SyncStatus> {
        sync_status(&self.inner.db, &self.remote_status()).await
    }

    /// Storage health for users: no S3 round trip, only what this node already knows.
    pub async fn storage_status(&self) -> Result<StorageStatus> {
        let remote = self.remote_status();
        Ok(storage_status_of(
            &sync_status(&self.inner.db, &remote).await?,
            &remote,
        ))
    }

    /// Asks S3 whether it is there, and remembers the answer.
    pub async fn probe_remote(&self) -> bool {
        let r = self.inner.remote.probe().await;
        self.note_remote(r.as_ref().map(|_| ()));
        r.is_ok()
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
