//! What the admin console shows of the media store: storage health and this node's cache.

use super::budget::{free_bytes, PINNED};
use super::core::MediaStore;
use super::queue::{StorageStatus, SyncState};
use crate::db::rfc3339;
use crate::error::Result;
use crate::views::{CacheStats, ErrorEvent, StorageHealth};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How often storage health is re-read for the pages' live streams, while any page listens.
pub const STORAGE_POLL: Duration = Duration::from_secs(2);

/// The settings key `migrate-bucket` writes when it switches buckets; every node follows it.
pub const BUCKET_KEY: &str = "s3_bucket";

impl MediaStore {
    /// Storage health as the console shows it. No S3 round trip.
    pub async fn storage_health(&self) -> Result<StorageHealth> {
        let remote = self.remote_status();
        let sync = self.sync_status().await?;
        let pending_deletes = self.pending_deletes().await?;
        let (drained, errors) = {
            let mut r = self.recent();
            (r.drained_last_minute(), r.errors.clone())
        };
        Ok(StorageHealth {
            sync: match sync.state {
                SyncState::Running => "running",
                SyncState::Paused => "paused",
                SyncState::CircuitOpen => "circuit_open",
            }
            .into(),
            s3: match remote.reachable {
                Some(true) => "ok",
                Some(false) => "unreachable",
                None => "unknown",
            }
            .into(),
            bucket: self.remote().bucket(),
            backlog_objects: sync.backlog_objects,
            backlog_bytes: sync.backlog_bytes,
            oldest_unsynced_seconds: sync.oldest_unsynced_seconds,
            drained_last_minute: drained,
            pending_deletes,
            recent_errors: errors
                .into_iter()
                .map(|(at, message)| ErrorEvent {
                    at: rfc3339(at),
                    message,
                })
                .collect(),
        })
    }

    /// This node's cache: size against budget, hit ratio since start, what is pinned.
    pub async fn cache_stats(&self) -> Result<CacheStats> {
        let m = self.metrics();
        let hits = m.cache_hits.load(Ordering::Relaxed);
        let misses = m.cache_misses.load(Ordering::Relaxed);
        let (pinned_objects, pinned_bytes): (i64, i64) = sqlx::query_as(&format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM cache_entries
             WHERE node = $1 AND hash IN ({PINNED})"
        ))
        .bind(self.node())
        .bind(self.limits().pinned_recent)
        .fetch_one(self.db().pool())
        .await?;
        Ok(CacheStats {
            node: self.node().to_owned(),
            bytes: self.cached_bytes().await?,
            budget_bytes: self.limits().max_bytes,
            free_disk_bytes: free_bytes(self.cache().root()).unwrap_or(0),
            hits,
            misses,
            hit_ratio: (hits + misses > 0).then(|| hits as f64 / (hits + misses) as f64),
            evictions: m.cache_evictions.load(Ordering::Relaxed),
            pinned_objects,
            pinned_bytes,
        })
    }

    /// Storage health as users see it, now and whenever it changes (kept current by
    /// [`MediaStore::watch_storage`] while anyone listens).
    pub fn storage_changes(&self) -> tokio::sync::watch::Receiver<Option<StorageStatus>> {
        self.storage_watch().subscribe()
    }

    /// Re-reads storage health and tells the listeners if what users are told changed.
    pub async fn refresh_storage(&self) -> Result<()> {
        let now = self.storage_status().await?;
        self.storage_watch().send_if_modified(|s| {
            // The backlog figures move all the time; only the state is news to a page.
            let changed = s.is_none_or(|s| s.storage != now.storage);
            if changed {
                *s = Some(now);
            }
            changed
        });
        Ok(())
    }

    /// The watcher behind [`MediaStore::storage_changes`]: one database read per node every
    /// [`STORAGE_POLL`] while pages listen, instead of one per page. Runs until `stop` turns true.
    pub async fn watch_storage(self, stop: tokio::sync::watch::Receiver<bool>) {
        crate::live::refresh_while_watched(
            self.storage_watch(),
            STORAGE_POLL,
            stop,
            "the storage status",
            || self.refresh_storage(),
        )
        .await
    }

    /// Follows a bucket switch made by `migrate-bucket` (on any node, or the CLI).
    pub async fn follow_bucket(&self) -> Result<()> {
        if let Some(bucket) = self.db().setting(BUCKET_KEY).await? {
            self.remote().switch_bucket(&bucket);
        }
        Ok(())
    }
}
