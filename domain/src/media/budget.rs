//! The local cache's budget. Synced, unpinned objects are evicted least-recently-read first when
//! the cache is over budget; unsynced objects are the only copy and are never evicted; pinned
//! objects — what every page needs to render while S3 is down — stay, and are fetched back after
//! a restart with an empty cache.
//!
//! Pinned, with N = `pinned_recent`: every user's icon (both sizes); all three sizes of the newest
//! N photos; the large and thumb sizes of the N most popular photos and of the N most recently
//! favorited ones; every announcement image not taken down — so Recent, Popular, favorites, every
//! avatar and the announcement banner render during an S3 outage.
//! Below a free-disk watermark, uploads are refused (507) before anything is written.

use super::objects::Objects;
use crate::error::{Problem, Result};
use crate::types::ContentHash;
use crate::views::CacheStats;
use std::path::Path;
use std::sync::atomic::Ordering;

/// The hashes that must stay cached (SQL, one column `hash`).
pub(crate) const PINNED: &str = "SELECT icon_hash AS hash FROM users WHERE icon_hash IS NOT NULL
    UNION SELECT image_hash FROM announcements WHERE deleted_at IS NULL
    UNION SELECT icon_large_hash FROM users WHERE icon_large_hash IS NOT NULL
    UNION SELECT original_hash FROM (SELECT original_hash FROM photos ORDER BY created_at DESC LIMIT $2) r1
    UNION SELECT large_hash FROM (SELECT large_hash FROM photos ORDER BY created_at DESC LIMIT $2) r2
    UNION SELECT thumb_hash FROM (SELECT thumb_hash FROM photos ORDER BY created_at DESC LIMIT $2) r3
    UNION SELECT large_hash FROM (SELECT large_hash FROM photos ORDER BY hot DESC LIMIT $2) p1
    UNION SELECT thumb_hash FROM (SELECT thumb_hash FROM photos ORDER BY hot DESC LIMIT $2) p2
    UNION SELECT large_hash FROM (SELECT p.large_hash FROM favorites f JOIN photos p ON p.id = f.photo_id
        ORDER BY f.created_at DESC LIMIT $2) f1
    UNION SELECT thumb_hash FROM (SELECT p.thumb_hash FROM favorites f JOIN photos p ON p.id = f.photo_id
        ORDER BY f.created_at DESC LIMIT $2) f2";

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

/// What one eviction pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Eviction {
    pub evicted: u64,
    pub bytes: u64,
}

/// Free bytes for unprivileged writers on the file system holding `path`.
pub fn free_bytes(path: &Path) -> std::io::Result<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `s` a valid out-pointer for the call.
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(s.f_bavail as u64 * s.f_frsize as u64)
}

/// This node's cache kept within its limits.
#[derive(Clone)]
pub struct CacheBudget {
    objects: Objects,
    limits: CacheLimits,
}

impl CacheBudget {
    pub fn new(objects: Objects, limits: CacheLimits) -> Self {
        Self { objects, limits }
    }

    pub fn limits(&self) -> CacheLimits {
        self.limits
    }

    /// Refuses new uploads when the disk is nearly full, before anything is written.
    pub fn check_free_space(&self) -> Result<()> {
        let free = free_bytes(self.objects.cache().root())?;
        if free < self.limits.min_free_bytes {
            tracing::error!(
                free,
                min = self.limits.min_free_bytes,
                "disk nearly full: refusing uploads"
            );
            return Err(Problem::StorageFull.into());
        }
        Ok(())
    }

    /// Bytes this node's cache holds, by its own records.
    pub async fn cached_bytes(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM cache_entries WHERE node = $1",
        )
        .bind(self.objects.node())
        .fetch_one(self.objects.db().pool())
        .await?)
    }

    /// Evicts least-recently-read synced, unpinned objects until the cache is within budget.
    #[tracing::instrument(skip_all)]
    pub async fn enforce(&self) -> Result<Eviction> {
        self.enforce_of(self.limits.max_bytes).await
    }

    /// [`CacheBudget::enforce`] with an explicit budget.
    pub async fn enforce_of(&self, max_bytes: u64) -> Result<Eviction> {
        self.objects.flush_reads().await?;
        let mut over = self.cached_bytes().await? - max_bytes as i64;
        let mut done = Eviction::default();
        while over > 0 {
            let sql = format!(
                "SELECT c.hash, c.size FROM cache_entries c JOIN objects o ON o.hash = c.hash
                 WHERE c.node = $1 AND o.synced_at IS NOT NULL AND c.hash NOT IN ({PINNED})
                 ORDER BY c.last_access LIMIT 64"
            );
            let victims: Vec<(String, i64)> = sqlx::query_as(&sql)
                .bind(self.objects.node())
                .bind(self.limits.pinned_recent)
                .fetch_all(self.objects.db().pool())
                .await?;
            if victims.is_empty() {
                tracing::warn!(
                    over_bytes = over,
                    "cache over budget, but everything left is unsynced or pinned"
                );
                break;
            }
            for (hash, size) in victims {
                if over <= 0 {
                    break;
                }
                let Ok(h) = hash.parse::<ContentHash>() else {
                    continue;
                };
                self.objects.forget_cached(&h).await?;
                self.objects.drop_local(&h).await?;
                over -= size;
                done.evicted += 1;
                done.bytes += size as u64;
            }
        }
        if done.evicted > 0 {
            crate::metrics::Metrics::add(&self.objects.metrics().cache_evictions, done.evicted);
            tracing::info!(
                evicted = done.evicted,
                bytes = done.bytes,
                "cache trimmed to its budget"
            );
        }
        Ok(done)
    }

    /// Fetches every pinned object this node's cache lacks (after a restart with an empty cache, or
    /// a new node). Returns how many were fetched; objects S3 cannot give now are left for later.
    #[tracing::instrument(skip_all)]
    pub async fn warm_pinned(&self) -> Result<usize> {
        // The files, not `cache_entries`, are the truth here: the cache may have been emptied.
        let pinned: Vec<String> = sqlx::query_scalar(&PINNED.replace("$2", "$1"))
            .bind(self.limits.pinned_recent)
            .fetch_all(self.objects.db().pool())
            .await?;
        let mut fetched = 0;
        for hash in pinned {
            let Ok(h) = hash.parse::<ContentHash>() else {
                continue;
            };
            if self.objects.cache().contains(&h) {
                continue;
            }
            match self.objects.read(&h).await {
                Ok(_) => fetched += 1,
                Err(e) if e.is(&Problem::Unavailable) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(fetched)
    }

    /// This node's cache: size against budget, hit ratio since start, what is pinned.
    pub async fn stats(&self) -> Result<CacheStats> {
        let m = self.objects.metrics();
        let hits = m.cache_hits.load(Ordering::Relaxed);
        let misses = m.cache_misses.load(Ordering::Relaxed);
        let (pinned_objects, pinned_bytes): (i64, i64) = sqlx::query_as(&format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM cache_entries
             WHERE node = $1 AND hash IN ({PINNED})"
        ))
        .bind(self.objects.node())
        .bind(self.limits.pinned_recent)
        .fetch_one(self.objects.db().pool())
        .await?;
        Ok(CacheStats {
            node: self.objects.node().to_owned(),
            bytes: self.cached_bytes().await?,
            budget_bytes: self.limits.max_bytes,
            free_disk_bytes: free_bytes(self.objects.cache().root()).unwrap_or(0),
            hits,
            misses,
            hit_ratio: (hits + misses > 0).then(|| hits as f64 / (hits + misses) as f64),
            evictions: m.cache_evictions.load(Ordering::Relaxed),
            pinned_objects,
            pinned_bytes,
        })
    }
}
