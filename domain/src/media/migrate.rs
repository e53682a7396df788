//! The records behind `photoshare migrate-bucket`: which synced objects a bucket already holds
//! (copied and verified), so a stopped migration resumes where it was.

use super::MediaStore;
use crate::db::now_micros;
use crate::error::Result;

const NOT_COPIED: &str = "FROM objects o WHERE o.synced_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM bucket_copies b WHERE b.bucket = $1 AND b.hash = o.hash)";

impl MediaStore {
    /// How many synced objects `bucket` is not yet known to hold.
    pub async fn count_not_copied(&self, bucket: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) {NOT_COPIED}"))
            .bind(bucket)
            .fetch_one(self.db().pool())
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
        .fetch_all(self.db().pool())
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
        .execute(self.db().pool())
        .await?;
        Ok(())
    }
}
