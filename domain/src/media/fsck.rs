//! `photoshare fsck`: compares the database, the local cache and S3, reports what is missing,
//! corrupt (bytes that do not match their sha256) or orphaned, and with `repair` mends what a good
//! copy allows.

use super::cache::Lookup;
use super::objects::Objects;
use super::queue::SyncQueue;
use super::remote::{hash_of_key, RemoteError};
use crate::db::{now_micros, rfc3339};
use crate::error::{Problem, Result};
use crate::types::ContentHash;
pub use crate::views::{FsckReport, FsckRun};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Files and keys younger than this are left alone: an upload renames its files into the cache
/// just before its database transaction commits.
const ORPHAN_GRACE: Duration = Duration::from_secs(3600);

fn old_enough(modified: SystemTime) -> bool {
    modified.elapsed().is_ok_and(|age| age >= ORPHAN_GRACE)
}

/// Where the last finished console fsck is kept, so its report outlives a restart and shows on
/// every node.
const FSCK_KEY: &str = "fsck_last_run";

/// fsck as a job: run it directly (the CLI) or start it in the background (the console).
#[derive(Clone)]
pub struct FsckJob {
    objects: Objects,
    queue: SyncQueue,
    /// The run the console started on this node: running, or the last one finished here.
    current: Arc<Mutex<FsckRun>>,
}

impl FsckJob {
    pub fn new(objects: Objects, queue: SyncQueue) -> Self {
        Self {
            objects,
            queue,
            current: Arc::default(),
        }
    }

    /// Starts fsck in the background, for the console (it reads every object, which takes a
    /// while); [`FsckJob::status`] follows it. `fsck_running` while a run goes on this node.
    #[tracing::instrument(skip_all, fields(repair, admin = %by.handle))]
    pub fn start(&self, repair: bool, by: &crate::types::User) -> Result<FsckRun> {
        let started = {
            let mut run = self
                .current
                .lock()
                .map_err(|_| crate::error::Error::internal("the fsck state is poisoned"))?;
            if run.running {
                return Err(Problem::FsckRunning.into());
            }
            *run = FsckRun {
                running: true,
                repair,
                started_at: Some(rfc3339(now_micros())),
                ..Default::default()
            };
            run.clone()
        };
        tracing::warn!("fsck started from the console");
        crate::audit::record_soon(
            self.objects.db(),
            by,
            "fsck.start",
            self.objects.node().to_owned(),
            if repair { "with repair" } else { "check only" }.into(),
        );
        let job = self.clone();
        tokio::spawn(async move {
            let result = job.run(repair).await;
            let mut run = job.state();
            run.running = false;
            run.finished_at = Some(rfc3339(now_micros()));
            match result {
                Ok(report) => run.report = Some(report),
                Err(e) => run.error = Some(e.to_string()),
            }
            // Kept before it shows as finished, so a reader never gets an older kept run.
            let kept = match serde_json::to_string(&run) {
                Ok(json) => job
                    .objects
                    .db()
                    .set_setting(FSCK_KEY, &json)
                    .await
                    .map(|_| ()),
                Err(e) => Err(crate::error::Error::internal(e)),
            };
            if let Err(e) = kept {
                tracing::warn!(error = %e, "could not keep the fsck report");
            }
            if let Ok(mut slot) = job.current.lock() {
                *slot = run;
            }
        });
        Ok(started)
    }

    /// The console's fsck: the run going on this node, else the last one finished (on any node).
    pub async fn status(&self) -> Result<FsckRun> {
        let here = self.state();
        if here.running {
            return Ok(here);
        }
        let kept = self.objects.db().setting(FSCK_KEY).await?;
        Ok(kept
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or(here))
    }

    fn state(&self) -> FsckRun {
        self.current.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// The hashes a query of `cache_entries` names, given this node's name as `$1`.
    async fn hashes(&self, sql: &str) -> Result<HashSet<String>> {
        Ok(sqlx::query_scalar(sql)
            .bind(self.objects.node())
            .fetch_all(self.objects.db().pool())
            .await?
            .into_iter()
            .collect())
    }

    #[tracing::instrument(skip(self))]
    pub async fn run(&self, repair: bool) -> Result<FsckReport> {
        let mut report = FsckReport::default();
        let rows: Vec<(String, Option<i64>, String)> =
            sqlx::query_as("SELECT hash, synced_at, content_type FROM objects")
                .fetch_all(self.objects.db().pool())
                .await?;
        let cached = self
            .hashes("SELECT hash FROM cache_entries WHERE node = $1")
            .await?;
        // Objects other nodes hold: with several nodes, an unsynced object this node never had is
        // theirs to keep, not missing here (nor lost while one of them holds it).
        let elsewhere = self
            .hashes("SELECT DISTINCT hash FROM cache_entries WHERE node <> $1")
            .await?;
        let known: HashSet<String> = rows.iter().map(|(h, _, _)| h.clone()).collect();

        for (hex, synced_at, content_type) in &rows {
            let Ok(hash) = hex.parse::<ContentHash>() else {
                continue;
            };
            report.objects_checked += 1;
            let local = self.objects.cache().lookup(&hash).await?;
            let local_ok = matches!(local, Lookup::Hit(_));
            match local {
                Lookup::Corrupt => report.corrupt_local.push(hex.clone()),
                Lookup::Missing
                    if (synced_at.is_none() && !elsewhere.contains(hex))
                        || cached.contains(hex) =>
                {
                    report.missing_local.push(hex.clone())
                }
                _ => {}
            }
            if synced_at.is_none() {
                if !local_ok && !elsewhere.contains(hex) {
                    report.lost.push(hex.clone());
                }
                continue; // S3 is not expected to have it yet
            }
            let remote = match self.objects.remote().get(&hash).await {
                Ok(r) => r,
                Err(e) => {
                    report.s3_error.get_or_insert_with(|| e.to_string());
                    continue;
                }
            };
            let remote_ok = match &remote {
                None => {
                    report.missing_in_s3.push(hex.clone());
                    false
                }
                Some(bytes) if super::cache::sha256(bytes) != hash => {
                    report.corrupt_in_s3.push(hex.clone());
                    false
                }
                Some(_) => true,
            };
            if !repair {
                continue;
            }
            if !local_ok && remote_ok && (cached.contains(hex) || matches!(local, Lookup::Corrupt))
            {
                let bytes = remote.as_ref().expect("remote_ok");
                self.objects.cache().store_verified(&hash, bytes).await?;
                report.repaired += 1;
            } else if !remote_ok && local_ok {
                // Queue it again: the sync worker puts the good local copy back into S3.
                self.queue.requeue(&hash).await?;
                report.repaired += 1;
            } else if !remote_ok && !local_ok {
                tracing::error!(%hash, %content_type, "no good copy left anywhere");
                report.lost.push(hex.clone());
            }
        }

        // Cache files nothing names.
        for path in self.objects.cache().all_files()? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            if known.contains(&name) {
                continue;
            }
            let modified = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::now());
            if !old_enough(modified) {
                continue;
            }
            report.orphaned_local.push(name);
            if repair {
                std::fs::remove_file(&path)?;
                report.repaired += 1;
            }
        }

        // S3 keys nothing names.
        match self.objects.remote().list().await {
            Ok(keys) => {
                let now = now_micros() / 1_000_000;
                for (key, modified) in keys {
                    let Some(hash) = hash_of_key(&key) else {
                        continue;
                    };
                    if known.contains(&hash.to_hex())
                        || now - modified < ORPHAN_GRACE.as_secs() as i64
                    {
                        continue;
                    }
                    report.orphaned_in_s3.push(key);
                    if repair {
                        self.objects
                            .remote()
                            .delete(&hash)
                            .await
                            .map_err(|e: RemoteError| crate::error::Error::internal(e))?;
                        report.repaired += 1;
                    }
                }
            }
            Err(e) => {
                report.s3_error.get_or_insert_with(|| e.to_string());
            }
        }
        Ok(report)
    }
}
