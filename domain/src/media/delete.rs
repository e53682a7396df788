//! Removing objects for good (a deleted photo): their rows go in the caller's transaction, the
//! local copy right after it commits, and the S3 copy through a durable queue the sync worker
//! works — so an admin can delete during an S3 outage, and the removal happens when S3 is back.
//! The queue's rows stay as tombstones once S3 is done: every other node drops its own copies
//! (memory and disk) of what was deleted as soon as the event bus tells it (several nodes on
//! PostgreSQL), and in any case when its worker next looks (every 10 s).

use super::objects::Objects;
use crate::db::now_micros;
use crate::error::Result;
use crate::metrics::Metrics;
use crate::types::ContentHash;
use std::time::Duration;

/// Longest wait between attempts to remove an object from S3.
const MAX_DELETE_BACKOFF: Duration = Duration::from_secs(300);

/// The queue of objects to remove from S3, and the tombstones every node follows.
#[derive(Clone)]
pub struct DeleteQueue {
    objects: Objects,
    /// The newest tombstone this node has acted on (0 at start-up, so a node that was down
    /// catches up).
    seen: std::sync::Arc<tokio::sync::Mutex<i64>>,
}

impl DeleteQueue {
    pub fn new(objects: Objects) -> Self {
        Self {
            objects,
            seen: Default::default(),
        }
    }

    /// Drops this node's copies of everything deleted since it last looked.
    pub async fn drop_deleted(&self) -> Result<()> {
        let mut seen = self.seen.lock().await;
        *seen = self.drop_deleted_since(*seen).await?;
        Ok(())
    }

    /// Within the caller's transaction: the object stops being PhotoShare's. Its S3 copy is
    /// queued for removal, after any upload of it still in flight (its lease).
    pub(crate) async fn forget_object(
        &self,
        conn: &mut sqlx::AnyConnection,
        hash: &str,
    ) -> Result<()> {
        let now = now_micros();
        let lease: Option<Option<i64>> =
            sqlx::query_scalar("SELECT lease_until FROM sync_queue WHERE hash = $1")
                .bind(hash)
                .fetch_optional(&mut *conn)
                .await?;
        let due = lease.flatten().map_or(now, |l| l.max(now));
        for table in ["sync_queue", "cache_entries", "bucket_copies", "objects"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE hash = $1"))
                .bind(hash)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query(
            "INSERT INTO delete_queue (hash, next_attempt_at, queued_at) VALUES ($1, $2, $3)
             ON CONFLICT (hash) DO UPDATE SET next_attempt_at = excluded.next_attempt_at,
                queued_at = excluded.queued_at, done_at = NULL, attempts = 0",
        )
        .bind(hash)
        .bind(due)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Within the caller's transaction: those of `hashes` that no photo, icon or announcement
    /// uses any more stop being PhotoShare's ([`DeleteQueue::forget_object`]). Returns them, for
    /// [`super::MediaStore::drop_forgotten`] once the transaction has committed.
    pub(crate) async fn forget_unused(
        &self,
        conn: &mut sqlx::AnyConnection,
        hashes: impl IntoIterator<Item = String>,
    ) -> Result<Vec<String>> {
        let mut gone = Vec::new();
        for hash in hashes
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
        {
            let used: i64 = sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM photos WHERE original_hash = $1 OR large_hash = $1 OR thumb_hash = $1)
                      + (SELECT COUNT(*) FROM users WHERE icon_hash = $1 OR icon_large_hash = $1)
                      + (SELECT COUNT(*) FROM announcements WHERE image_hash = $1)",
            )
            .bind(&hash)
            .fetch_one(&mut *conn)
            .await?;
            if used == 0 {
                self.forget_object(conn, &hash).await?;
                gone.push(hash);
            }
        }
        Ok(gone)
    }

    /// Drops this node's copies of every object deleted (on any node) after `since` (a
    /// `queued_at`), unless the same bytes are stored again. Returns the newest `queued_at` seen,
    /// to pass next time; 0 at start-up, so a node that was down catches up.
    async fn drop_deleted_since(&self, since: i64) -> Result<i64> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT d.hash, d.queued_at FROM delete_queue d WHERE d.queued_at > $1
             AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.hash = d.hash)
             ORDER BY d.queued_at",
        )
        .bind(since)
        .fetch_all(self.objects.db().pool())
        .await?;
        let mut newest = since;
        for (hex, queued_at) in rows {
            if let Ok(hash) = hex.parse::<ContentHash>() {
                if let Err(e) = self.objects.drop_local(&hash).await {
                    tracing::warn!(%hash, error = %e, "could not remove a deleted object's file");
                }
            }
            newest = newest.max(queued_at);
        }
        Ok(newest)
    }

    /// Objects still to be removed from S3.
    pub async fn pending(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM delete_queue WHERE done_at IS NULL")
                .fetch_one(self.objects.db().pool())
                .await?,
        )
    }

    /// Removes the due objects of the delete queue from S3 (up to `batch`). Returns how many went.
    pub(crate) async fn run(&self, batch: i64) -> Result<usize> {
        let now = now_micros();
        let due: Vec<(String, i64)> = sqlx::query_as(
            "SELECT hash, attempts FROM delete_queue WHERE done_at IS NULL AND next_attempt_at <= $1
             ORDER BY next_attempt_at LIMIT $2",
        )
        .bind(now)
        .bind(batch)
        .fetch_all(self.objects.db().pool())
        .await?;
        let mut removed = 0;
        for (hex, attempts) in due {
            let Ok(hash) = hex.parse::<ContentHash>() else {
                continue;
            };
            // The same bytes came back under another row (an icon made of identical pixels):
            // the S3 copy is needed again.
            let reused: Option<String> =
                sqlx::query_scalar("SELECT hash FROM objects WHERE hash = $1")
                    .bind(&hex)
                    .fetch_optional(self.objects.db().pool())
                    .await?;
            let outcome = match reused {
                Some(_) => Ok(()),
                None => self.objects.remote().delete(&hash).await,
            };
            match outcome {
                Ok(()) => {
                    sqlx::query(
                        "UPDATE delete_queue SET done_at = $1, last_error = NULL WHERE hash = $2",
                    )
                    .bind(now_micros())
                    .bind(&hex)
                    .execute(self.objects.db().pool())
                    .await?;
                    Metrics::inc(&self.objects.metrics().s3_deletes);
                    removed += 1;
                }
                Err(e) => {
                    self.objects.health().note_remote(Err(&e));
                    let wait =
                        Duration::from_secs(1u64 << attempts.clamp(0, 16)).min(MAX_DELETE_BACKOFF);
                    tracing::warn!(%hash, error = %e, "could not remove an object from S3; will retry");
                    sqlx::query(
                        "UPDATE delete_queue SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2
                         WHERE hash = $3",
                    )
                    .bind(now_micros() + wait.as_micros() as i64)
                    .bind(e.to_string())
                    .bind(&hex)
                    .execute(self.objects.db().pool())
                    .await?;
                }
            }
        }
        Ok(removed)
    }

    /// An admin's "retry now": every removal still to do is due now.
    pub async fn due_now(&self) -> Result<()> {
        sqlx::query("UPDATE delete_queue SET next_attempt_at = $1 WHERE done_at IS NULL")
            .bind(now_micros())
            .execute(self.objects.db().pool())
            .await?;
        Ok(())
    }
}
