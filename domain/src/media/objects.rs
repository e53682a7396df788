//! The object store: keeping uploads in the local cache under their sha256 and recording them
//! (write path), and reading them back from memory, the verified disk copy or S3 (read path).
//! `entries.rs` adds this node's cache index to it.

use super::cache::{self, LocalCache, Staged};
use super::health::Health;
use super::hot::HotSet;
use super::remote::Remote;
use crate::cluster::Cluster;
use crate::db::{now_micros, Db};
use crate::error::{Error, Problem, Result};
use crate::metrics::Metrics;
use crate::types::ContentHash;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The cache and S3 as one store of verified objects. Clones share it.
#[derive(Clone)]
pub struct Objects {
    pub(super) inner: Arc<State>,
}

pub(super) struct State {
    pub(super) db: Db,
    pub(super) cache: LocalCache,
    pub(super) remote: Remote,
    pub(super) metrics: Arc<Metrics>,
    pub(super) health: Health,
    pub(super) cluster: Cluster,
    /// Recently served objects, verified when loaded.
    pub(super) hot: HotSet,
    /// Cache reads not yet written to `cache_entries.last_access` (hash → time).
    pub(super) reads: Mutex<HashMap<ContentHash, i64>>,
}

/// An object in the cache, ready to be recorded in the database.
#[derive(Debug, Clone)]
pub struct StoredObject {
    pub hash: ContentHash,
    pub size: u64,
    pub content_type: String,
    /// Other nodes that hold a durable copy (with `--replicas 2`), recorded with the object.
    pub replicas: Vec<String>,
}

/// Bytes to serve, with their type.
pub struct Media {
    pub bytes: Bytes,
    pub content_type: String,
    pub hash: ContentHash,
}

impl Objects {
    pub fn new(
        db: Db,
        cache: LocalCache,
        remote: Remote,
        metrics: Arc<Metrics>,
        health: Health,
        cluster: Cluster,
        memory_bytes: usize,
    ) -> Self {
        Self {
            inner: Arc::new(State {
                db,
                cache,
                remote,
                metrics,
                health,
                cluster,
                hot: HotSet::new(memory_bytes),
                reads: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn cache(&self) -> &LocalCache {
        &self.inner.cache
    }

    pub fn remote(&self) -> &Remote {
        &self.inner.remote
    }

    /// This node's name (its cluster's).
    pub fn node(&self) -> &str {
        self.inner.cluster.node()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub fn health(&self) -> &Health {
        &self.inner.health
    }

    /// The other app nodes: membership, copies to and from them.
    pub fn cluster(&self) -> &Cluster {
        &self.inner.cluster
    }

    /// Moves a staged upload under its content name in the cache and, with `--replicas 2`, puts
    /// a durable copy on another node before returning (or, if none takes it within the replica
    /// deadline, keeps the one copy: an outage of peers must not stop uploads).
    pub async fn keep(&self, staged: Staged, content_type: &str) -> Result<StoredObject> {
        let mut obj = StoredObject {
            hash: staged.hash,
            size: staged.len,
            content_type: content_type.to_owned(),
            replicas: Vec::new(),
        };
        self.inner.cache.commit(staged).await?;
        if self.inner.cluster.config().replicas > 1 {
            let bytes = Bytes::from(tokio::fs::read(self.inner.cache.path_of(&obj.hash)).await?);
            match self
                .inner
                .cluster
                .replicate(&obj.hash, &bytes, content_type)
                .await
            {
                Some(node) => {
                    Metrics::inc(&self.inner.metrics.replicas);
                    obj.replicas.push(node);
                }
                None => {
                    Metrics::inc(&self.inner.metrics.replica_shortfalls);
                    tracing::warn!(hash = %obj.hash, "no other node took a replica in time; kept with one copy");
                }
            }
        }
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
            .bind(self.node())
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
            for node in &obj.replicas {
                self.remember_cached_on(conn, node, &obj.hash, obj.size)
                    .await?;
            }
        }
        Ok(())
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

    /// An object as [`Objects::read`] finds it, without keeping it in memory afterwards: for
    /// reading many objects once (an export), which would otherwise push out what is served.
    pub async fn read_through(&self, hash: &ContentHash) -> Result<Media> {
        match self.inner.hot.get(hash) {
            Some((bytes, content_type)) => Ok(Media {
                bytes,
                content_type: content_type.to_string(),
                hash: *hash,
            }),
            None => self.load(hash).await,
        }
    }

    /// [`Objects::read`] below the in-memory set: the verified disk copy, or S3's.
    #[tracing::instrument(skip_all, fields(hash = %hash))]
    async fn load(&self, hash: &ContentHash) -> Result<Media> {
        let known: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT content_type, synced_at FROM objects WHERE hash = $1")
                .bind(hash.to_hex())
                .fetch_optional(self.inner.db.pool())
                .await?;
        let (content_type, synced_at) = known.ok_or_else(|| Error::from(Problem::NoSuchImage))?;
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
        // Not in S3 yet, or S3 known to be down: another node's cache is the place to look first.
        let circuit_open = self.inner.health.remote_status().circuit_open;
        let peers_first = synced_at.is_none() || circuit_open;
        let mut bytes = None;
        if peers_first {
            bytes = self.read_peers(hash).await?;
        }
        if bytes.is_none() && synced_at.is_some() && !circuit_open {
            bytes = self.read_s3(hash).await;
            if bytes.is_none() && !peers_first {
                bytes = self.read_peers(hash).await?;
            }
        }
        let Some(bytes) = bytes else {
            if synced_at.is_none() {
                tracing::warn!("no node that holds this unsynced object is up");
            }
            // S3 is down or lacks it, and no node up holds a copy: worth retrying later.
            return Err(Problem::Unavailable.into());
        };
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

    /// S3's copy, verified; `None` if S3 fails, lacks it or sends other bytes.
    async fn read_s3(&self, hash: &ContentHash) -> Option<Bytes> {
        let bytes = match self.inner.remote.get(hash).await {
            Ok(Some(b)) => b,
            Ok(None) => {
                tracing::error!("object is recorded as synced but S3 does not have it");
                return None;
            }
            Err(e) => {
                self.inner.health.note_remote(Err(&e));
                tracing::warn!(error = %e, "read-through from S3 failed");
                return None;
            }
        };
        self.inner.health.note_remote(Ok(()));
        if cache::sha256(&bytes) != *hash {
            Metrics::inc(&self.inner.metrics.corrupt_objects);
            tracing::error!("S3 returned bytes that do not match their sha256; not served");
            return None;
        }
        Some(bytes)
    }

    /// A verified copy from another node that holds one (checked by [`Cluster::fetch_from`]).
    async fn read_peers(&self, hash: &ContentHash) -> Result<Option<Bytes>> {
        let Some((peer, bytes)) = self.inner.cluster.fetch(hash).await? else {
            return Ok(None);
        };
        Metrics::inc(&self.inner.metrics.peer_fetches);
        tracing::debug!(peer = %peer.node, "object fetched from a peer");
        Ok(Some(bytes))
    }

    /// The verified bytes of this node's own copy, for another node (`GET /internal/v1/objects/…`):
    /// never S3's, never a peer's, so node-to-node calls cannot loop.
    pub async fn local_copy(&self, hash: &ContentHash) -> Result<Option<Bytes>> {
        if let Some((bytes, _)) = self.inner.hot.get(hash) {
            return Ok(Some(bytes));
        }
        self.inner.cache.read_verified(hash).await
    }

    /// Takes a copy another node sends (a replica, or a hand-over): checked against its hash and
    /// stored durably (fsynced). The sender records it in the database.
    pub async fn take_copy(&self, hash: &ContentHash, bytes: &[u8]) -> Result<()> {
        if cache::sha256(bytes) != *hash {
            return Err(Problem::HashMismatch.into());
        }
        self.inner.cache.store_verified(hash, bytes).await
    }
}
