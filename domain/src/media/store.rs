//! The media store as its callers hold it: the focused parts, built once over one database, one
//! cache and one S3, and the few views and actions that take more than one part.

use super::budget::{CacheBudget, CacheLimits};
use super::cache::LocalCache;
use super::delete::DeleteQueue;
use super::fsck::FsckJob;
use super::health::{Health, STORAGE_POLL};
use super::migrate::BucketMove;
use super::objects::Objects;
use super::queue::{SyncQueue, SyncState};
use super::remote::Remote;
use crate::cluster::Cluster;
use crate::db::{rfc3339, Db};
use crate::error::Result;
use crate::metrics::Metrics;
use crate::views::{ErrorEvent, StorageHealth, SyncAction};
use std::sync::Arc;

/// What [`MediaStore::hand_over`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct HandOver {
    /// Objects now also held by another node.
    pub handed: usize,
    /// Objects that stay on this node's disk only.
    pub kept: usize,
}

/// The media store. Clones share everything.
#[derive(Clone)]
pub struct MediaStore {
    objects: Objects,
    queue: SyncQueue,
    deletes: DeleteQueue,
    budget: CacheBudget,
    health: Health,
    fsck: FsckJob,
    bucket_move: BucketMove,
}

impl MediaStore {
    pub fn new(
        db: Db,
        cache: LocalCache,
        remote: Remote,
        limits: CacheLimits,
        metrics: Arc<Metrics>,
        cluster: Cluster,
    ) -> Self {
        let health = Health::new(remote.clone());
        let objects = Objects::new(
            db.clone(),
            cache,
            remote,
            metrics,
            health.clone(),
            cluster,
            limits.memory_bytes,
        );
        let queue = SyncQueue::new(db, health.clone());
        Self {
            deletes: DeleteQueue::new(objects.clone()),
            budget: CacheBudget::new(objects.clone(), limits),
            fsck: FsckJob::new(objects.clone(), queue.clone()),
            bucket_move: BucketMove::new(objects.clone()),
            objects,
            queue,
            health,
        }
    }

    /// The object store: keep and record uploads, read them back verified.
    pub fn objects(&self) -> &Objects {
        &self.objects
    }

    /// The sync queue: backlog, pause, retry, wake the worker.
    pub fn queue(&self) -> &SyncQueue {
        &self.queue
    }

    /// The delete queue: removals from S3 and the tombstones nodes follow.
    pub fn deletes(&self) -> &DeleteQueue {
        &self.deletes
    }

    /// The cache budget: eviction, pinning, the free-disk refusal, the cache's figures.
    pub fn budget(&self) -> &CacheBudget {
        &self.budget
    }

    /// What this node knows of S3.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// fsck, run now or started in the background.
    pub fn fsck(&self) -> &FsckJob {
        &self.fsck
    }

    /// Moving to another bucket, run now or started in the background.
    pub fn bucket_move(&self) -> &BucketMove {
        &self.bucket_move
    }

    /// After the transaction that forgot `gone` ([`DeleteQueue::forget_unused`]) committed: this
    /// node's copies go now; other nodes drop theirs when the event bus tells them (no row names
    /// them any more, so they are not served meanwhile), and S3's go through the delete queue.
    pub async fn drop_forgotten(&self, gone: &[String]) {
        for hash in gone {
            let Ok(h) = hash.parse::<crate::types::ContentHash>() else {
                continue;
            };
            if let Err(e) = self.objects.drop_local(&h).await {
                tracing::warn!(%h, error = %e, "could not remove a deleted object's file");
            }
        }
        self.queue.wake();
        if !gone.is_empty() {
            self.objects.cluster().notify("deleted");
        }
    }

    /// An admin pauses, resumes or retries the sync (the console, `POST /api/v1/admin/sync/…`).
    /// Retry makes both queues due now: removals from S3 ride the same switch as uploads.
    #[tracing::instrument(skip_all, fields(?action, admin = %by.handle))]
    pub async fn control_sync(&self, action: SyncAction, by: &crate::types::User) -> Result<()> {
        match action {
            SyncAction::Pause => self.queue.set_paused(true).await?,
            SyncAction::Resume => self.queue.set_paused(false).await?,
            SyncAction::Retry => {
                self.deletes.due_now().await?;
                self.queue.retry_now().await?;
            }
        }
        tracing::warn!("sync changed by an admin");
        self.objects.cluster().notify("storage");
        let what = match action {
            SyncAction::Pause => "sync.pause",
            SyncAction::Resume => "sync.resume",
            SyncAction::Retry => "sync.retry",
        };
        crate::audit::record(self.objects.db(), Some(by), what, "sync", "").await;
        Ok(())
    }

    /// Storage health as the console shows it. No S3 round trip.
    pub async fn storage_health(&self) -> Result<StorageHealth> {
        let remote = self.health.remote_status();
        let sync = self.queue.status().await?;
        let pending_deletes = self.deletes.pending().await?;
        let (drained, errors) = {
            let mut r = self.health.recent();
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
            bucket: self.objects.remote().bucket(),
            backlog_objects: sync.backlog_objects,
            backlog_bytes: sync.backlog_bytes,
            oldest_unsynced_seconds: sync.oldest_unsynced_seconds,
            drained_last_minute: drained,
            pending_deletes,
            single_copy_objects: self.single_copy_objects().await?,
            recent_errors: errors
                .into_iter()
                .map(|(at, message)| ErrorEvent {
                    at: rfc3339(at),
                    message,
                })
                .collect(),
        })
    }

    /// Copies every object not yet in S3 that no other node holds to a node that is up, and
    /// records the copy there. On shutdown (several nodes), so that node sends it to S3 while this
    /// one is away and serves it meanwhile; and with `--replicas 2` every 10 s, so an upload
    /// accepted with one copy (no peer took it in time) gets its second as soon as a peer is
    /// back. What no node takes stays on disk, this node's to send; nothing is deleted here.
    pub async fn hand_over(&self) -> Result<HandOver> {
        let node = self.objects.node().to_owned();
        let alone: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT o.hash, o.content_type, o.size FROM objects o
               JOIN cache_entries c ON c.hash = o.hash AND c.node = $1
             WHERE o.synced_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM cache_entries d WHERE d.hash = o.hash AND d.node <> $1)
             ORDER BY o.created_at",
        )
        .bind(&node)
        .fetch_all(self.objects.db().pool())
        .await?;
        let mut done = HandOver::default();
        if alone.is_empty() || self.objects.cluster().up_peers().await?.is_empty() {
            done.kept = alone.len();
            return Ok(done);
        }
        for (hex, content_type, size) in alone {
            let Ok(hash) = hex.parse::<crate::types::ContentHash>() else {
                continue;
            };
            let Some(bytes) = self.objects.cache().read_verified(&hash).await? else {
                done.kept += 1;
                continue;
            };
            match self
                .objects
                .cluster()
                .replicate(&hash, &bytes, &content_type)
                .await
            {
                Some(peer) => {
                    let mut conn = self.objects.db().pool().acquire().await?;
                    self.objects
                        .remember_cached_on(&mut conn, &peer, &hash, size as u64)
                        .await?;
                    done.handed += 1;
                }
                None => done.kept += 1,
            }
        }
        Ok(done)
    }

    /// Objects not yet in S3 that fewer nodes hold than `--replicas` asks (0 with one replica).
    pub async fn single_copy_objects(&self) -> Result<i64> {
        let replicas = i64::from(self.objects.cluster().config().replicas);
        if replicas < 2 {
            return Ok(0);
        }
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM objects o WHERE o.synced_at IS NULL
               AND (SELECT COUNT(*) FROM cache_entries c WHERE c.hash = o.hash) < $1",
        )
        .bind(replicas)
        .fetch_one(self.objects.db().pool())
        .await?)
    }

    /// Re-reads storage health and tells the pages' listeners if what users are told changed.
    pub async fn refresh_storage(&self) -> Result<()> {
        self.health.publish(self.queue.storage_status().await?);
        Ok(())
    }

    /// The watcher behind [`Health::storage_changes`]: one database read per node every
    /// [`STORAGE_POLL`] while pages listen, instead of one per page. Runs until `stop` turns true.
    pub async fn watch_storage(self, stop: tokio::sync::watch::Receiver<bool>) {
        crate::live::refresh_while_watched(
            self.health.storage_watch(),
            STORAGE_POLL,
            stop,
            "the storage status",
            || self.refresh_storage(),
        )
        .await
    }
}
