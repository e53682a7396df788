//! Several app nodes on one PostgreSQL: membership (each node registers and heartbeats in the
//! `nodes` table; one silent for longer than the node timeout is down), node-to-node object
//! transfer (a node fetches an unsynced object from a node that holds it; an upload is copied to a
//! peer before it is acknowledged when replicas > 1), and the event bus (PostgreSQL
//! `LISTEN/NOTIFY`, so a photo posted on one node reaches pages on every node at once).
//!
//! Which nodes hold an object is `cache_entries` (one row per node and object): the uploader
//! records its replica's row in the upload's own transaction, and a node that fetched a copy
//! records its own. A node alone (no node URL) runs the same code with no peers.

use crate::db::{now_micros, Backend, Db};
use crate::error::{Error, Result};
use crate::types::ContentHash;
use crate::views::NodeView;
use bytes::Bytes;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The header that carries the cluster secret on node-to-node calls.
pub const SECRET_HEADER: &str = "x-photoshare-cluster-secret";
/// The path under a node's URL where it serves (GET) and takes (PUT) objects by hash.
pub const OBJECTS_PATH: &str = "/internal/v1/objects/";
/// The PostgreSQL channel of the event bus.
const CHANNEL: &str = "photoshare_events";
/// Shortest cluster secret accepted.
pub const MIN_SECRET_LEN: usize = 16;

/// How a node takes part in a cluster.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Where the other nodes reach this one (`http://10.0.0.5:3000`); `None` for a node alone.
    pub url: Option<String>,
    /// Shared by every node; authenticates node-to-node calls.
    pub secret: Option<String>,
    /// Copies of an upload (on distinct nodes) before it is acknowledged, as far as peers allow.
    pub replicas: u32,
    /// A node silent for longer than this is down.
    pub node_timeout: Duration,
    /// How long an upload waits for a peer to take its replica before it is accepted with one copy.
    pub replica_deadline: Duration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            url: None,
            secret: None,
            replicas: 1,
            node_timeout: Duration::from_secs(15),
            replica_deadline: Duration::from_secs(3),
        }
    }
}

impl ClusterConfig {
    /// Refuses a configuration that cannot work, with what to change.
    pub fn validate(&self, backend: Backend) -> std::result::Result<(), String> {
        if let Some(url) = &self.url {
            if backend != Backend::Postgres {
                return Err("--node-url is set but the database is SQLite: several nodes need one PostgreSQL (set DATABASE_URL=postgres://…), or leave --node-url out to run a single node".into());
            }
            if !url.starts_with("http://") || url.len() <= "http://".len() {
                return Err(format!(
                    "--node-url must be an http:// URL on the nodes' private network, not {url:?}"
                ));
            }
            match &self.secret {
                Some(s) if s.len() >= MIN_SECRET_LEN => {}
                _ => {
                    return Err(format!(
                    "--node-url needs --cluster-secret (PHOTOSHARE_CLUSTER_SECRET) of at least {MIN_SECRET_LEN} characters, the same on every node"
                ))
                }
            }
        }
        if self.replicas == 0 || self.replicas > 2 {
            return Err(format!("--replicas must be 1 or 2, not {}", self.replicas));
        }
        if self.replicas > 1 && self.url.is_none() {
            return Err(
                "--replicas 2 needs --node-url and --cluster-secret (several nodes on PostgreSQL)"
                    .into(),
            );
        }
        if self.node_timeout < Duration::from_secs(3) {
            return Err("--node-timeout must be at least 3 seconds".into());
        }
        Ok(())
    }
}

/// This node's place in the cluster. Clones share it.
#[derive(Clone)]
pub struct Cluster {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    node: String,
    config: ClusterConfig,
    client: reqwest::Client,
    /// Set on SIGTERM: this node no longer takes replicas.
    leaving: AtomicBool,
}

/// A row of `nodes` with its figures, as [`Cluster::nodes`] reads it.
#[derive(sqlx::FromRow)]
struct NodeRow {
    node: String,
    url: String,
    last_seen: i64,
    stopped_at: Option<i64>,
    circuit_open: i64,
    cache_bytes: i64,
    backlog_objects: i64,
}

/// A node another can call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub node: String,
    pub url: String,
}

/// Why a node-to-node call did not give a good copy.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("answered {0}")]
    Status(reqwest::StatusCode),
    #[error("sent bytes that do not match their sha256")]
    Corrupt,
}

impl Cluster {
    pub fn new(db: Db, node: String, config: ClusterConfig) -> Self {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(20))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .expect("building an HTTP client without TLS cannot fail");
        Self {
            inner: Arc::new(Inner {
                db,
                node,
                config,
                client,
                leaving: AtomicBool::new(false),
            }),
        }
    }

    pub fn node(&self) -> &str {
        &self.inner.node
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.inner.config
    }

    /// Whether other nodes may exist (this node has a URL they reach it at).
    pub fn is_shared(&self) -> bool {
        self.inner.config.url.is_some()
    }

    /// Whether a node-to-node call carries this cluster's secret. Compares digests, so the time
    /// taken does not tell how much of a guess was right.
    pub fn authorised(&self, presented: Option<&[u8]>) -> bool {
        use sha2::{Digest, Sha256};
        match (&self.inner.config.secret, presented) {
            (Some(secret), Some(presented)) => {
                Sha256::digest(secret.as_bytes()) == Sha256::digest(presented)
            }
            _ => false,
        }
    }

    fn down_before(&self) -> i64 {
        now_micros() - self.inner.config.node_timeout.as_micros() as i64
    }

    /// Registers this node (again): up from now, at its URL.
    pub async fn register(&self) -> Result<()> {
        let now = now_micros();
        sqlx::query(
            "INSERT INTO nodes (node, url, started_at, last_seen, stopped_at, circuit_open) VALUES ($1, $2, $3, $3, NULL, 0)
             ON CONFLICT (node) DO UPDATE SET url = excluded.url, started_at = excluded.started_at,
               last_seen = excluded.last_seen, stopped_at = NULL",
        )
        .bind(&self.inner.node)
        .bind(self.inner.config.url.clone().unwrap_or_default())
        .bind(now)
        .execute(self.inner.db.pool())
        .await?;
        self.inner.leaving.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// Tells the others this node is alive, and what its S3 circuit is.
    pub async fn heartbeat(&self, circuit_open: bool) -> Result<()> {
        sqlx::query(
            "UPDATE nodes SET last_seen = $1, circuit_open = $2, stopped_at = NULL WHERE node = $3",
        )
        .bind(now_micros())
        .bind(i64::from(circuit_open))
        .bind(&self.inner.node)
        .execute(self.inner.db.pool())
        .await?;
        Ok(())
    }

    /// How often to heartbeat: well inside the timeout.
    pub fn heartbeat_every(&self) -> Duration {
        (self.inner.config.node_timeout / 3).min(Duration::from_secs(5))
    }

    /// This node stops taking replicas (it is shutting down); others see it at once.
    pub fn set_leaving(&self) {
        self.inner.leaving.store(true, Ordering::SeqCst);
    }

    pub fn leaving(&self) -> bool {
        self.inner.leaving.load(Ordering::SeqCst)
    }

    /// Marks this node stopped (a clean shutdown): the others treat it as down from now.
    pub async fn leave(&self) -> Result<()> {
        sqlx::query("UPDATE nodes SET stopped_at = $1 WHERE node = $2")
            .bind(now_micros())
            .bind(&self.inner.node)
            .execute(self.inner.db.pool())
            .await?;
        Ok(())
    }

    /// Every node known, as `GET /api/v1/admin/nodes` shows them.
    pub async fn nodes(&self) -> Result<Vec<NodeView>> {
        let now = now_micros();
        let down_before = self.down_before();
        let rows: Vec<NodeRow> = sqlx::query_as(
            "SELECT n.node, n.url, n.last_seen, n.stopped_at, n.circuit_open,
                    CAST(COALESCE((SELECT SUM(c.size) FROM cache_entries c WHERE c.node = n.node), 0) AS BIGINT) AS cache_bytes,
                    (SELECT COUNT(*) FROM cache_entries c JOIN objects o ON o.hash = c.hash
                      WHERE c.node = n.node AND o.synced_at IS NULL) AS backlog_objects
             FROM nodes n ORDER BY n.node",
        )
        .fetch_all(self.inner.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| NodeView {
                state: if r.stopped_at.is_none() && r.last_seen >= down_before {
                    "up"
                } else {
                    "down"
                }
                .into(),
                last_seen_seconds: ((now - r.last_seen) / 1_000_000).max(0),
                circuit: if r.circuit_open != 0 {
                    "open"
                } else {
                    "closed"
                }
                .into(),
                node: r.node,
                url: r.url,
                backlog_objects: r.backlog_objects,
                cache_bytes: r.cache_bytes,
            })
            .collect())
    }

    /// How many nodes are up (this one included), without the per-node figures of [`Cluster::nodes`].
    pub async fn up_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM nodes WHERE stopped_at IS NULL AND last_seen >= $1",
        )
        .bind(self.down_before())
        .fetch_one(self.inner.db.pool())
        .await?)
    }

    /// The other nodes that are up and reachable, in a random order (spreading the load).
    pub async fn up_peers(&self) -> Result<Vec<Peer>> {
        if !self.is_shared() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT node, url FROM nodes WHERE node <> $1 AND url <> '' AND stopped_at IS NULL AND last_seen >= $2",
        )
        .bind(&self.inner.node)
        .bind(self.down_before())
        .fetch_all(self.inner.db.pool())
        .await?;
        let mut peers: Vec<Peer> = rows
            .into_iter()
            .map(|(node, url)| Peer { node, url })
            .collect();
        use rand::seq::SliceRandom;
        peers.shuffle(&mut rand::thread_rng());
        Ok(peers)
    }

    /// The other nodes that are up and hold a copy of `hash` in their cache.
    pub async fn holders(&self, hash: &ContentHash) -> Result<Vec<Peer>> {
        if !self.is_shared() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT n.node, n.url FROM cache_entries c JOIN nodes n ON n.node = c.node
             WHERE c.hash = $1 AND c.node <> $2 AND n.url <> '' AND n.stopped_at IS NULL AND n.last_seen >= $3",
        )
        .bind(hash.to_hex())
        .bind(&self.inner.node)
        .bind(self.down_before())
        .fetch_all(self.inner.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(node, url)| Peer { node, url })
            .collect())
    }

    fn object_url(peer: &Peer, hash: &ContentHash) -> String {
        format!(
            "{}{OBJECTS_PATH}{}",
            peer.url.trim_end_matches('/'),
            hash.to_hex()
        )
    }

    fn secret(&self) -> &str {
        self.inner.config.secret.as_deref().unwrap_or_default()
    }

    /// An object's bytes from `peer`'s cache, checked against `hash`.
    pub async fn fetch_from(
        &self,
        peer: &Peer,
        hash: &ContentHash,
    ) -> std::result::Result<Bytes, PeerError> {
        let r = self
            .inner
            .client
            .get(Self::object_url(peer, hash))
            .header(SECRET_HEADER, self.secret())
            .send()
            .await?;
        if !r.status().is_success() {
            return Err(PeerError::Status(r.status()));
        }
        let bytes = r.bytes().await?;
        // (sha2 directly: `media` uses this module, so this one does not use `media`.)
        use sha2::{Digest, Sha256};
        if Sha256::digest(&bytes).as_slice() != hash.as_bytes() {
            return Err(PeerError::Corrupt);
        }
        Ok(bytes)
    }

    /// An object from the first node that holds it and gives a good copy; `None` if none can.
    pub async fn fetch(&self, hash: &ContentHash) -> Result<Option<(Peer, Bytes)>> {
        for peer in self.holders(hash).await? {
            match self.fetch_from(&peer, hash).await {
                Ok(bytes) => return Ok(Some((peer, bytes))),
                Err(e) => {
                    tracing::warn!(%hash, peer = %peer.node, error = %e, "could not fetch an object from a peer")
                }
            }
        }
        Ok(None)
    }

    /// Puts a copy of an object on `peer`, which stores it durably (fsynced) after checking it.
    pub async fn push_to(
        &self,
        peer: &Peer,
        hash: &ContentHash,
        bytes: Bytes,
        content_type: &str,
    ) -> std::result::Result<(), PeerError> {
        let r = self
            .inner
            .client
            .put(Self::object_url(peer, hash))
            .header(SECRET_HEADER, self.secret())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes)
            .send()
            .await?;
        if !r.status().is_success() {
            return Err(PeerError::Status(r.status()));
        }
        Ok(())
    }

    /// Copies an object to one other node that is up, trying them in turn until one took it or
    /// the replica deadline passed. Returns the node that holds the copy, if any.
    pub async fn replicate(
        &self,
        hash: &ContentHash,
        bytes: &Bytes,
        content_type: &str,
    ) -> Option<String> {
        let deadline = Instant::now() + self.inner.config.replica_deadline;
        let peers = match self.up_peers().await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "could not list the peers for a replica");
                return None;
            }
        };
        for peer in peers {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match tokio::time::timeout(left, self.push_to(&peer, hash, bytes.clone(), content_type))
                .await
            {
                Ok(Ok(())) => return Some(peer.node),
                Ok(Err(e)) => {
                    tracing::warn!(%hash, peer = %peer.node, error = %e, "a peer did not take a replica")
                }
                Err(_) => {
                    tracing::warn!(%hash, peer = %peer.node, "a peer did not take a replica in time")
                }
            }
        }
        None
    }

    /// Tells every node (this one too) that something changed: `photo`, `announcement`,
    /// `storage` or `deleted`. Sent in the background; nothing on SQLite (a node alone polls).
    pub fn notify(&self, event: &'static str) {
        if self.inner.db.backend() != Backend::Postgres {
            return;
        }
        let db = self.inner.db.clone();
        tokio::spawn(async move {
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(event)
                .execute(db.pool())
                .await
            {
                tracing::warn!(error = %e, event, "could not tell the other nodes");
            }
        });
    }

    /// Listens to the event bus until `stop` turns true, calling `on` with each event. Reconnects
    /// after a lost connection; the pollers behind it catch up on what was missed meanwhile.
    pub async fn listen(
        database_url: String,
        on: impl Fn(&str) + Send + 'static,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect(&database_url).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "could not listen to the other nodes; trying again");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(2)) => continue,
                        _ = stop.wait_for(|s| *s) => return,
                    }
                }
            };
            if let Err(e) = listener.listen(CHANNEL).await {
                tracing::warn!(error = %e, "could not listen to the other nodes; trying again");
                continue;
            }
            loop {
                tokio::select! {
                    got = listener.recv() => match got {
                        Ok(n) => on(n.payload()),
                        Err(e) => {
                            tracing::warn!(error = %e, "lost the other nodes' events; reconnecting");
                            break;
                        }
                    },
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
        }
    }
}

impl From<PeerError> for Error {
    fn from(e: PeerError) -> Self {
        Error::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(secret: &str) -> ClusterConfig {
        ClusterConfig {
            url: Some("http://10.0.0.5:3000".into()),
            secret: Some(secret.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_configuration_that_cannot_work_is_refused_with_what_to_change() {
        assert!(ClusterConfig::default().validate(Backend::Sqlite).is_ok());
        assert!(shared("0123456789abcdef")
            .validate(Backend::Postgres)
            .is_ok());
        let refused = |c: ClusterConfig, b| c.validate(b).unwrap_err();
        assert!(refused(shared("0123456789abcdef"), Backend::Sqlite).contains("PostgreSQL"));
        assert!(refused(shared("short"), Backend::Postgres).contains("--cluster-secret"));
        let https = ClusterConfig {
            url: Some("https://a".into()),
            ..shared("0123456789abcdef")
        };
        assert!(refused(https, Backend::Postgres).contains("http://"));
        let alone = ClusterConfig {
            replicas: 2,
            ..Default::default()
        };
        assert!(refused(alone, Backend::Sqlite).contains("--node-url"));
        let fast = ClusterConfig {
            node_timeout: Duration::from_secs(1),
            ..shared("0123456789abcdef")
        };
        assert!(refused(fast, Backend::Postgres).contains("--node-timeout"));
    }
}
