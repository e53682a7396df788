//! This node's cache index (`cache_entries`): what its cache holds and when each object was last
//! read, which the budget evicts by. Reads are gathered in memory and written in batches.

use super::core::MediaStore;
use crate::db::now_micros;
use crate::error::Result;
use crate::types::ContentHash;

impl MediaStore {
    pub(crate) fn forget_hot(&self, hash: &ContentHash) {
        self.hot().remove(hash);
    }

    /// Records that this node's cache holds `hash`.
    pub(crate) async fn remember_cached(
        &self,
        conn: &mut sqlx::AnyConnection,
        hash: &ContentHash,
        size: u64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO cache_entries (node, hash, size, last_access) VALUES ($1, $2, $3, $4)
             ON CONFLICT (node, hash) DO UPDATE SET last_access = excluded.last_access",
        )
        .bind(self.node())
        .bind(hash.to_hex())
        .bind(size as i64)
        .bind(now_micros())
        .execute(conn)
        .await?;
        Ok(())
    }

    pub(crate) async fn forget_cached(&self, hash: &ContentHash) -> Result<()> {
        sqlx::query("DELETE FROM cache_entries WHERE node = $1 AND hash = $2")
            .bind(self.node())
            .bind(hash.to_hex())
            .execute(self.db().pool())
            .await?;
        Ok(())
    }

    /// Writes the read times gathered in memory (a database write per image read would cost more
    /// than the read).
    pub(crate) async fn flush_reads(&self) -> Result<()> {
        let reads = self.take_reads();
        if reads.is_empty() {
            return Ok(());
        }
        let mut tx = self.db().begin_write().await?;
        for (hash, at) in reads {
            sqlx::query("UPDATE cache_entries SET last_access = $1 WHERE node = $2 AND hash = $3 AND last_access < $1")
                .bind(at)
                .bind(self.node())
                .bind(hash.to_hex())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
