//! `photoshare migrate-bucket` as a job of the media store: copy every synced object to a new
//! bucket, verifying each, then switch every node over; and the records behind it (which synced
//! objects a bucket already holds, copied and verified), so a stopped migration resumes.

use super::cache::sha256;
use super::objects::Objects;
use super::remote::{validate_bucket, Remote};
use crate::db::{now_micros, rfc3339};
use crate::error::{Error, Problem, Result};
use crate::types::ContentHash;
use crate::views::MigrateRun;
use futures::StreamExt;
use std::sync::{Arc, Mutex};

/// The settings key `migrate-bucket` writes when it switches buckets; every node follows it.
pub const BUCKET_KEY: &str = "s3_bucket";

/// Moving every object to another bucket, as a job: run it directly (the CLI) or start it in the
/// background (the console, the API); and every node following the switch.
#[derive(Clone)]
pub struct BucketMove {
    objects: Objects,
    /// The move started on this node: running, or the last one finished here.
    current: Arc<Mutex<MigrateRun>>,
}

impl BucketMove {
    pub fn new(objects: Objects) -> Self {
        Self {
            objects,
            current: Arc::default(),
        }
    }

    /// Starts moving to the bucket `to` in the background, for the console (copying every object
    /// takes a while, and the switch waits for the other nodes); [`BucketMove::status`]
    /// follows it. `migrate_running` while a move goes on on this node, `bad_bucket` for a name
    /// S3 would refuse.
    #[tracing::instrument(skip_all, fields(to, admin = %by.handle))]
    pub fn start(&self, to: &str, by: &crate::types::User) -> Result<MigrateRun> {
        let to = to.trim().to_owned();
        if validate_bucket(&to).is_err() {
            return Err(Problem::BadBucket { bucket: to }.into());
        }
        let started = {
            let mut run = self
                .current
                .lock()
                .map_err(|_| Error::internal("the bucket move's state is poisoned"))?;
            if run.running {
                return Err(Problem::MigrateRunning.into());
            }
            *run = MigrateRun {
                running: true,
                to: Some(to.clone()),
                started_at: Some(rfc3339(now_micros())),
                ..Default::default()
            };
            run.clone()
        };
        tracing::warn!("bucket move started from the console");
        crate::audit::record_soon(
            self.objects.db(),
            by,
            "bucket.move",
            to.clone(),
            format!("from {}", self.objects.remote().bucket()),
        );
        let job = self.clone();
        tokio::spawn(async move {
            let result = job.run(&to, None).await;
            if let Ok(mut run) = job.current.lock() {
                run.running = false;
                run.finished_at = Some(rfc3339(now_micros()));
                match result {
                    Ok(report) => run.report = Some(report),
                    Err(e) => run.error = Some(e.to_string()),
                }
            }
        });
        Ok(started)
    }

    /// The console's bucket move on this node: running, or the last one finished here.
    pub fn status(&self) -> MigrateRun {
        self.current.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

const NOT_COPIED: &str = "FROM objects o WHERE o.synced_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM bucket_copies b WHERE b.bucket = $1 AND b.hash = o.hash)";

impl BucketMove {
    /// Follows a bucket switch made by a move (on any node, or the CLI).
    pub async fn follow(&self) -> Result<()> {
        if let Some(bucket) = self.objects.db().setting(BUCKET_KEY).await? {
            self.objects.remote().switch_bucket(&bucket);
        }
        Ok(())
    }

    /// How many synced objects `bucket` is not yet known to hold.
    pub async fn count_not_copied(&self, bucket: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) {NOT_COPIED}"))
            .bind(bucket)
            .fetch_one(self.objects.db().pool())
            .await?)
    }

    /// Up to `limit` synced objects `bucket` is not yet known to hold, as (hash, content type),
    /// in hash order after `after`.
    pub async fn not_copied(
        &self,
        bucket: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(&format!(
            "SELECT o.hash, o.content_type {NOT_COPIED} AND o.hash > $2 ORDER BY o.hash LIMIT $3"
        ))
        .bind(bucket)
        .bind(after)
        .bind(limit)
        .fetch_all(self.objects.db().pool())
        .await?)
    }

    /// Records that `bucket` holds a verified copy of `hash`.
    pub async fn record_copy(&self, bucket: &str, hash: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO bucket_copies (bucket, hash, copied_at) VALUES ($1, $2, $3)
             ON CONFLICT (bucket, hash) DO NOTHING",
        )
        .bind(bucket)
        .bind(hash)
        .bind(now_micros())
        .execute(self.objects.db().pool())
        .await?;
        Ok(())
    }
}

pub use crate::views::MigrateReport;

/// Objects copied at once.
const COPY_CONCURRENCY: usize = 8;
/// How long running nodes get to notice the switch before the last pass (they check every 10 s).
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(12);

impl BucketMove {
    /// Copies every synced object to `to`, verifies each there, switches every node over, then copies
    /// whatever reached the old bucket while nodes were switching. A stopped run resumes: what was
    /// copied is recorded in `bucket_copies`. Progress goes to the log; the CLI and any other caller
    /// get the report.
    #[tracing::instrument(skip(self, settle))]
    pub async fn run(
        &self,
        to: &str,
        settle: Option<std::time::Duration>,
    ) -> Result<MigrateReport> {
        validate_bucket(to).map_err(Error::Internal)?;
        let source = self.objects.remote().clone();
        let from = source.bucket();
        let mut report = MigrateReport {
            from: from.clone(),
            to: to.to_owned(),
            ..Default::default()
        };
        if from == to {
            tracing::info!("PhotoShare already uses the bucket {to}; nothing to do.");
            report.switched = true;
            return Ok(report);
        }
        let target = source.for_bucket(to);
        target
            .ensure_bucket()
            .await
            .map_err(|e| Error::Internal(format!("creating or reaching the bucket {to}: {e}")))?;
        self.copy_pass(&source, &target, &mut report).await?;
        if !report.failed.is_empty() {
            tracing::warn!(
            "{} objects could not be copied; not switching. Run `photoshare fsck` and try again.",
            report.failed.len()
        );
            return Ok(report);
        }
        self.objects.db().set_setting(BUCKET_KEY, to).await?;
        self.objects.remote().switch_bucket(to);
        tracing::info!("switched to {to}; waiting for running nodes to follow");
        tokio::time::sleep(settle.unwrap_or(SETTLE)).await;
        // Objects that reached the old bucket while nodes were switching.
        self.copy_pass(&source.for_bucket(&from), &target, &mut report)
            .await?;
        report.switched = true;
        Ok(report)
    }

    /// Copies every synced object not yet recorded as in `target`.
    async fn copy_pass(
        &self,
        source: &Remote,
        target: &Remote,
        report: &mut MigrateReport,
    ) -> Result<()> {
        let bucket = target.bucket();
        let media = self;
        let total = media.count_not_copied(&bucket).await?;
        let mut done = 0;
        let mut after = String::new();
        loop {
            let batch = media.not_copied(&bucket, &after, 256).await?;
            let Some(last) = batch.last() else {
                break;
            };
            after = last.0.clone();
            let outcomes: Vec<(String, Result<Copied, String>)> = futures::stream::iter(batch)
                .map(|(hex, content_type)| async move {
                    let outcome = media.copy_one(source, target, &hex, &content_type).await;
                    (hex, outcome)
                })
                .buffer_unordered(COPY_CONCURRENCY)
                .collect()
                .await;
            for (hex, outcome) in outcomes {
                done += 1;
                match outcome {
                    Ok(copied) => {
                        media.record_copy(&bucket, &hex).await?;
                        match copied {
                            Copied::Sent(n) => {
                                report.copied += 1;
                                report.bytes += n;
                            }
                            Copied::AlreadyThere => report.already_there += 1,
                        }
                    }
                    Err(why) => {
                        tracing::warn!("could not copy {hex}: {why}");
                        report.failed.push((hex, why));
                    }
                }
            }
            tracing::info!("copied {done}/{total} objects to {bucket}");
        }
        Ok(())
    }
}

enum Copied {
    Sent(u64),
    AlreadyThere,
}

impl BucketMove {
    /// One object: a verified copy already in the target counts; otherwise the bytes come from the
    /// local cache (verified) or the source bucket (verified), go to the target with their sha256
    /// (which S3 checks), and are read back and verified once more.
    async fn copy_one(
        &self,
        source: &Remote,
        target: &Remote,
        hex: &str,
        content_type: &str,
    ) -> Result<Copied, String> {
        let hash: ContentHash = hex.parse().map_err(|_| "not a sha256".to_owned())?;
        let verified = |b: &bytes::Bytes| sha256(b) == hash;
        if let Ok(Some(there)) = target.get(&hash).await {
            if verified(&there) {
                return Ok(Copied::AlreadyThere);
            }
        }
        let bytes = match self.objects.cache().read_verified(&hash).await {
            Ok(Some(b)) => b,
            _ => match source.get(&hash).await.map_err(|e| e.to_string())? {
                Some(b) if verified(&b) => b,
                Some(_) => return Err("the old bucket's copy is corrupt".into()),
                None => return Err("neither the local cache nor the old bucket has it".into()),
            },
        };
        let len = bytes.len() as u64;
        target
            .put(&hash, bytes, content_type)
            .await
            .map_err(|e| e.to_string())?;
        match target.get(&hash).await.map_err(|e| e.to_string())? {
            Some(back) if verified(&back) => Ok(Copied::Sent(len)),
            _ => Err("the new bucket's copy did not verify".into()),
        }
    }
}
