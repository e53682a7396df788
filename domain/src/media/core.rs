//! The media store's shared state and its plain accessors: the one object every part of the
//! media module works on. It uses none of those parts, so they can all use it.

use super::cache::LocalCache;
use super::hot::HotSet;
use super::recent::Recent;
use super::remote::{Remote, RemoteError};
use crate::db::{now_micros, Db};
use crate::metrics::Metrics;
use crate::types::ContentHash;
use crate::views::StorageStatus;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// What the sync side last saw of S3, for health checks and the UI.
#[derive(Debug, Clone, Default)]
pub struct RemoteStatus {
    /// `None` until S3 was first contacted.
    pub reachable: Option<bool>,
    pub last_error: Option<String>,
    /// The sync worker's circuit breaker is open: S3 is failing and is only probed.
    pub circuit_open: bool,
}

/// Limits on the local disk.
#[derive(Debug, Clone, Copy)]
pub struct CacheLimits {
    /// Bytes of cached objects above which synced, unpinned ones are evicted.
    pub max_bytes: u64,
    /// Free bytes on the cache's disk below which uploads are refused.
    pub min_free_bytes: u64,
    /// How many of the newest photos stay in every node's cache (the Recent pages).
    pub pinned_recent: i64,
    /// Bytes of recently served objects held in memory (verified when loaded).
    pub memory_bytes: usize,
}

impl Default for CacheLimits {
    fn default() -> Self {
        Self {
            max_bytes: 10_000_000_000,
            min_free_bytes: 512 << 20,
            pinned_recent: 300,
            memory_bytes: 256 << 20,
        }
    }
}

#[derive(Clone)]
pub struct MediaStore {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) db: Db,
    pub(super) cache: LocalCache,
    pub(super) remote: Remote,
    pub(super) node: String,
    pub(super) limits: CacheLimits,
    pub(super) metrics: Arc<Metrics>,
    pub(super) wake: Notify,
    pub(super) status: Mutex<RemoteStatus>,
    /// Cache reads not yet written to `cache_entries.last_access` (hash → time).
    pub(super) reads: Mutex<HashMap<ContentHash, i64>>,
    /// Recently served objects, verified when loaded.
    pub(super) hot: HotSet,
    /// What the console shows of the last minutes: S3 errors and confirmed objects.
    pub(super) recent: Mutex<Recent>,
    /// An admin asked to retry now: the worker probes S3 at once even with the circuit open.
    pub(super) retry: std::sync::atomic::AtomicBool,
    /// Storage health as users see it, for the pages' live streams (see `health.rs`).
    pub(super) storage: tokio::sync::watch::Sender<Option<StorageStatus>>,
    /// The fsck the console started on this node: running, or the last one finished here.
    pub(super) fsck_run: Mutex<crate::views::FsckRun>,
    /// The bucket move the console started on this node: running, or the last one finished.
    pub(super) migrate_run: Mutex<crate::views::MigrateRun>,
}

impl MediaStore {
    pub fn new(
        db: Db,
        cache: LocalCache,
        remote: Remote,
        node: String,
        limits: CacheLimits,
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
                hot: HotSet::new(limits.memory_bytes),
                recent: Mutex::new(Recent::default()),
                retry: std::sync::atomic::AtomicBool::new(false),
                storage: tokio::sync::watch::channel(None).0,
                fsck_run: Mutex::new(Default::default()),
                migrate_run: Mutex::new(Default::default()),
            }),
        }
    }

    pub fn node(&self) -> &str {
        &self.inner.node
    }

    pub(crate) fn hot(&self) -> &HotSet {
        &self.inner.hot
    }

    pub fn limits(&self) -> CacheLimits {
        self.inner.limits
    }

    pub(super) fn note_read(&self, hash: &ContentHash) {
        if let Ok(mut r) = self.inner.reads.lock() {
            r.insert(*hash, now_micros());
        }
    }

    pub(super) fn take_reads(&self) -> HashMap<ContentHash, i64> {
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

    /// Tells the sync worker there is new work (after a commit).
    pub fn wake_sync(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.inner.wake.notified().await
    }

    pub fn remote_status(&self) -> RemoteStatus {
        self.inner
            .status
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    pub(crate) fn note_remote(&self, outcome: std::result::Result<(), &RemoteError>) {
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

    pub(crate) fn recent(&self) -> std::sync::MutexGuard<'_, Recent> {
        self.inner
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether an admin asked to retry now (and forgets the request).
    pub(crate) fn take_retry(&self) -> bool {
        self.inner
            .retry
            .swap(false, std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) fn set_circuit_open(&self, open: bool) {
        if let Ok(mut s) = self.inner.status.lock() {
            s.circuit_open = open;
        }
    }
}
