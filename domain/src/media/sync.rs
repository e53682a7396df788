//! The write-behind worker: claims due rows from the sync queue, PUTs each object to S3 with its
//! sha256, and marks it synced only once S3 has confirmed it. Failures back off exponentially with
//! jitter; a row whose worker died is reclaimed when its lease runs out.

use super::breaker::Breaker;
use super::remote::RemoteError;
use super::store::MediaStore;
use crate::db::{now_micros, Backend};
use crate::error::Result;
use crate::metrics::Metrics;
use crate::types::ContentHash;
use futures::StreamExt;
use rand::Rng;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Tuning for the worker; the defaults suit a laptop and a small server alike.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Objects uploaded at once.
    pub concurrency: usize,
    /// Rows claimed per round.
    pub batch: i64,
    /// How long a claimed row belongs to this worker before another may take it.
    pub lease: Duration,
    /// First retry delay; doubles per attempt up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// How long the worker waits for new work when the queue is empty.
    pub idle_poll: Duration,
    /// Consecutive transient S3 failures that open the circuit.
    pub breaker_threshold: u32,
    /// How often S3 is probed while the circuit is open.
    pub probe_interval: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            batch: 64,
            lease: Duration::from_secs(120),
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(300),
            idle_poll: Duration::from_secs(2),
            breaker_threshold: 5,
            probe_interval: Duration::from_secs(5),
        }
    }
}

/// How often the worker loop keeps the cache budget, follows a bucket switch and, with nothing
/// to send, probes S3.
const BUDGET_EVERY: Duration = Duration::from_secs(10);

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub claimed: usize,
    pub synced: usize,
    pub failed: usize,
}

pub struct SyncWorker {
    store: MediaStore,
    config: SyncConfig,
    breaker: Breaker,
}

/// A queue row this worker holds the lease of.
struct Claimed {
    hash: ContentHash,
    attempts: i64,
    content_type: String,
}

/// How one object's attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Synced,
    /// S3 unreachable or erroring: counts towards opening the circuit.
    Transient,
    /// S3 answered but refused, or the local copy is unusable: S3 itself is up.
    Other,
}

/// Exponential backoff with full jitter, capped.
fn backoff(config: &SyncConfig, attempts: i64) -> Duration {
    let exp = attempts.clamp(1, 20) as u32 - 1;
    let ceiling = config
        .base_backoff
        .saturating_mul(1u32 << exp.min(16))
        .min(config.max_backoff);
    let ms = ceiling.as_millis().max(1) as u64;
    Duration::from_millis(rand::thread_rng().gen_range(ms / 2..=ms))
}

impl SyncWorker {
    pub fn new(store: MediaStore, config: SyncConfig) -> Self {
        let breaker = Breaker::new(config.breaker_threshold, config.probe_interval);
        Self {
            store,
            config,
            breaker,
        }
    }

    /// One step of the worker: nothing while paused; while the circuit is open, a probe when one
    /// is due (closing the circuit if S3 answers); otherwise a round of uploads.
    #[tracing::instrument(skip_all)]
    pub async fn tick(&mut self) -> Result<SyncReport> {
        if self.store.queue().paused().await? {
            return Ok(SyncReport::default());
        }
        let retry_asked = self.store.queue().take_retry();
        if self.breaker.is_open() {
            if !retry_asked && !self.breaker.probe_due(Instant::now()) {
                return Ok(SyncReport::default());
            }
            if !self.store.health().probe().await {
                self.breaker.record_failure(Instant::now());
                return Ok(SyncReport::default());
            }
            self.close_circuit().await?;
        }
        let report = self.run_once().await?;
        // Removals from S3 (deleted photos) ride the same switch and circuit as uploads.
        if !self.breaker.is_open() {
            self.store.deletes().run(self.config.batch).await?;
        }
        Ok(report)
    }

    /// Claims the due rows (up to a batch) and tries each once, feeding the circuit breaker.
    async fn run_once(&mut self) -> Result<SyncReport> {
        let claimed = self.claim().await?;
        let mut report = SyncReport {
            claimed: claimed.len(),
            ..Default::default()
        };
        let outcomes: Vec<(ContentHash, Outcome)> = futures::stream::iter(claimed)
            .map(|c| self.sync_one(c))
            .buffer_unordered(self.config.concurrency)
            .collect()
            .await;
        let was_open = self.breaker.is_open();
        let mut synced = Vec::new();
        for (hash, outcome) in outcomes {
            match outcome {
                Outcome::Synced => {
                    report.synced += 1;
                    self.breaker.record_success();
                    synced.push(hash);
                }
                Outcome::Transient => {
                    report.failed += 1;
                    self.breaker.record_failure(Instant::now());
                }
                Outcome::Other => report.failed += 1,
            }
        }
        // One transaction (one fsync) for the round, not one per object. If the process dies
        // before it commits, those objects are simply sent again: PUTs of content-addressed
        // objects are idempotent.
        self.mark_synced(&synced).await?;
        self.store.health().recent().synced(synced.len());
        let open = self.breaker.is_open();
        self.store.health().set_circuit_open(open);
        if open && !was_open {
            tracing::error!(
                probe_every = ?self.config.probe_interval,
                "S3 keeps failing: circuit open; uploads stay queued and S3 is only probed"
            );
        }
        Ok(report)
    }

    /// S3 answered a probe: close the circuit and make the whole backlog due now, rather than
    /// waiting out each object's backoff.
    async fn close_circuit(&mut self) -> Result<()> {
        self.breaker.record_success();
        self.store.health().set_circuit_open(false);
        let rescheduled = sqlx::query(
            "UPDATE sync_queue SET next_attempt_at = $1 WHERE lease_until IS NULL AND next_attempt_at > $1",
        )
        .bind(now_micros())
        .execute(self.store.objects().db().pool())
        .await?;
        tracing::info!(
            backlog = rescheduled.rows_affected(),
            "S3 answers again: circuit closed, draining the backlog"
        );
        Ok(())
    }

    /// With nothing to send, S3 would go unwatched: a cheap probe now and then notices an outage
    /// (for the storage banner and `/healthz`) before an upload runs into it, and feeds the
    /// breaker, so a dead S3 opens the circuit and reads stop waiting on it.
    async fn idle_probe(&mut self) {
        if self.breaker.is_open() || self.store.queue().paused().await.unwrap_or(true) {
            return;
        }
        if self.store.health().probe().await {
            self.breaker.record_success();
        } else {
            self.breaker.record_failure(Instant::now());
            self.store.health().set_circuit_open(self.breaker.is_open());
        }
    }

    /// After a crash: takes back the rows this node had claimed (their uploads died with the
    /// process), so they are retried now rather than when their leases run out.
    pub async fn release_own_leases(&self) -> Result<u64> {
        let released = sqlx::query(
            "UPDATE sync_queue SET lease_until = NULL, leased_by = NULL WHERE leased_by = $1 AND lease_until IS NOT NULL",
        )
        .bind(self.store.objects().node())
        .execute(self.store.objects().db().pool())
        .await?;
        Ok(released.rows_affected())
    }

    pub fn circuit_open(&self) -> bool {
        self.breaker.is_open()
    }

    /// Runs ticks until a tick syncs nothing (tests and the CLI drain the queue this way).
    pub async fn drain(&mut self) -> Result<SyncReport> {
        let mut total = SyncReport::default();
        loop {
            let r = self.tick().await?;
            total.claimed += r.claimed;
            total.synced += r.synced;
            total.failed += r.failed;
            if r.claimed == 0 || r.synced == 0 {
                return Ok(total);
            }
        }
    }

    /// The worker loop, until `shutdown` turns true.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!("sync worker started");
        // Start from a check due now: deletions made while this node was away are caught up.
        let mut budget_checked = Instant::now()
            .checked_sub(BUDGET_EVERY)
            .unwrap_or_else(Instant::now);
        loop {
            if *shutdown.borrow() {
                break;
            }
            // The cache budget is kept by the same loop: eviction only ever removes synced copies.
            if budget_checked.elapsed() >= BUDGET_EVERY {
                budget_checked = Instant::now();
                if let Err(e) = self.store.budget().enforce().await {
                    tracing::error!(error = %e, "cache eviction failed");
                }
                if let Err(e) = self.store.bucket_move().follow().await {
                    tracing::error!(error = %e, "could not read the bucket setting");
                }
                self.idle_probe().await;
                if let Err(e) = self.store.deletes().drop_deleted().await {
                    tracing::error!(error = %e, "could not read the deleted objects");
                }
                if self.store.objects().cluster().config().replicas > 1 {
                    match self.store.hand_over().await {
                        Ok(h) if h.handed > 0 => tracing::info!(
                            copied = h.handed,
                            "objects held by one node only now have a second copy"
                        ),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "could not copy single-copy objects"),
                    }
                }
            }
            let idle = match self.tick().await {
                Ok(r) => r.claimed == 0,
                Err(e) => {
                    tracing::error!(error = %e, "sync round failed");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = self.store.queue().woken() => {}
                    _ = tokio::time::sleep(self.config.idle_poll) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("sync worker stopped");
    }

    async fn claim(&self) -> Result<Vec<Claimed>> {
        let now = now_micros();
        let lease_until = now + self.config.lease.as_micros() as i64;
        // Postgres lets several nodes claim side by side without waiting on each other; SQLite has
        // a single writer, so the UPDATE is already exclusive.
        let lock = match self.store.objects().db().backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // Only rows of objects this node holds a copy of (another node's upload is its to send,
        // unless this node took a replica); a lease held by a node that is down is free at once.
        let sql = format!(
            "UPDATE sync_queue SET lease_until = $1, leased_by = $4, attempts = attempts + 1
             WHERE hash IN (SELECT q.hash FROM sync_queue q
                            WHERE q.next_attempt_at <= $2
                              AND (q.lease_until IS NULL OR q.lease_until < $2
                                   OR q.leased_by IN (SELECT node FROM nodes WHERE stopped_at IS NOT NULL OR last_seen < $5))
                              AND EXISTS (SELECT 1 FROM cache_entries c WHERE c.hash = q.hash AND c.node = $4)
                            ORDER BY q.next_attempt_at LIMIT $3 {lock})
             RETURNING hash, attempts"
        );
        let down_before = now
            - self
                .store
                .objects()
                .cluster()
                .config()
                .node_timeout
                .as_micros() as i64;
        let rows: Vec<(String, i64)> = sqlx::query_as(&sql)
            .bind(lease_until)
            .bind(now)
            .bind(self.config.batch)
            .bind(self.store.objects().node())
            .bind(down_before)
            .fetch_all(self.store.objects().db().pool())
            .await?;
        // The content types of this claim's rows, in one query rather than one per object.
        let types: std::collections::HashMap<String, String> = sqlx::query_as(
            "SELECT o.hash, o.content_type FROM objects o JOIN sync_queue q ON q.hash = o.hash
             WHERE q.leased_by = $1 AND q.lease_until = $2",
        )
        .bind(self.store.objects().node())
        .bind(lease_until)
        .fetch_all(self.store.objects().db().pool())
        .await?
        .into_iter()
        .collect();
        Ok(rows
            .into_iter()
            .filter_map(|(h, a)| {
                let content_type = types.get(&h)?.clone();
                h.parse().ok().map(|h| Claimed {
                    hash: h,
                    attempts: a,
                    content_type,
                })
            })
            .collect())
    }

    #[tracing::instrument(skip_all, fields(hash = %claimed.hash))]
    async fn sync_one(&self, claimed: Claimed) -> (ContentHash, Outcome) {
        let Claimed {
            hash,
            attempts,
            content_type,
        } = claimed;
        let started = Instant::now();
        let outcome = self.push(&hash, &content_type).await;
        let m = self.store.objects().metrics();
        m.sync_put_seconds.observe(started.elapsed());
        let recorded = match &outcome {
            Ok(()) => {
                Metrics::inc(&m.sync_successes);
                self.store.health().note_remote(Ok(()));
                // Marked synced with the rest of the round, in one transaction.
                Ok(())
            }
            Err(e) => {
                Metrics::inc(&m.sync_failures);
                let delay = match e {
                    PushError::Remote(r @ RemoteError::Transient(_)) => {
                        self.store.health().note_remote(Err(r));
                        tracing::warn!(error = %e, attempts, "sync failed; will retry");
                        backoff(&self.config, attempts)
                    }
                    PushError::Remote(r @ RemoteError::Permanent(_)) => {
                        self.store.health().note_remote(Err(r));
                        tracing::error!(error = %e, "S3 refused the object; check the bucket and credentials");
                        self.config.max_backoff
                    }
                    PushError::Local(_) => {
                        // This node no longer holds it: leave the row to a node that does.
                        tracing::error!(error = %e, "the local copy of an unsynced object is unusable");
                        if let Err(e) = self.store.objects().forget_cached(&hash).await {
                            tracing::warn!(error = %e, "could not forget the unusable copy");
                        }
                        self.config.base_backoff
                    }
                };
                self.reschedule(&hash, delay, &e.to_string()).await
            }
        };
        if let Err(e) = recorded {
            tracing::error!(error = %e, "could not record the sync outcome; the lease will expire and it is retried");
        }
        let outcome = match outcome {
            Ok(()) => Outcome::Synced,
            Err(PushError::Remote(RemoteError::Transient(_))) => Outcome::Transient,
            Err(_) => Outcome::Other,
        };
        (hash, outcome)
    }

    async fn push(
        &self,
        hash: &ContentHash,
        content_type: &str,
    ) -> std::result::Result<(), PushError> {
        let bytes = self
            .store
            .objects()
            .cache()
            .read_verified(hash)
            .await
            .map_err(|e| PushError::Local(e.to_string()))?
            .ok_or_else(|| PushError::Local("missing or corrupt in the local cache".into()))?;
        self.store
            .objects()
            .remote()
            .put(hash, bytes, content_type)
            .await
            .map_err(PushError::Remote)
    }

    async fn mark_synced(&self, hashes: &[ContentHash]) -> Result<()> {
        if hashes.is_empty() {
            return Ok(());
        }
        let now = now_micros();
        let mut tx = self.store.objects().db().begin_write().await?;
        for hash in hashes {
            let hex = hash.to_hex();
            sqlx::query("UPDATE objects SET synced_at = $1 WHERE hash = $2")
                .bind(now)
                .bind(&hex)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sync_queue WHERE hash = $1")
                .bind(&hex)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn reschedule(&self, hash: &ContentHash, delay: Duration, error: &str) -> Result<()> {
        sqlx::query("UPDATE sync_queue SET lease_until = NULL, next_attempt_at = $1, last_error = $2 WHERE hash = $3")
            .bind(now_micros() + delay.as_micros() as i64)
            .bind(error)
            .bind(hash.to_hex())
            .execute(self.store.objects().db().pool())
            .await?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
enum PushError {
    #[error(transparent)]
    Remote(RemoteError),
    #[error("local copy: {0}")]
    Local(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let c = SyncConfig::default();
        let first = backoff(&c, 1);
        assert!(first >= Duration::from_millis(500) && first <= Duration::from_secs(1));
        let fifth = backoff(&c, 5);
        assert!(fifth >= Duration::from_secs(8) && fifth <= Duration::from_secs(16));
        for _ in 0..100 {
            assert!(backoff(&c, 1_000) <= c.max_backoff);
        }
    }
}
