//! This node's cache index (`cache_entries`): what its cache holds and when each object was last
//! read, which the budget evicts by. Reads are gathered in memory and written in batches; and
//! dropping this node's copies of an object.

use super::objects::Objects;
use crate::db::now_micros;
use crate::error::Result;
use crate::types::ContentHash;
use std::collections::HashMap;

impl Objects {
    pub(super) fn note_read(&self, hash: &ContentHash) {
        if let Ok(mut r) = self.inner.reads.lock() {
            r.insert(*hash, now_micros());
        }
    }

    fn take_reads(&self) -> HashMap<ContentHash, i64> {
        self.inner
            .reads
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }

    /// Drops this node's copies (memory and disk) of an object. A missing file is no error.
    pub(crate) async fn drop_local(&self, hash: &ContentHash) -> std::io::Result<()> {
        self.inner.hot.remove(hash);
        match tokio::fs::remove_file(self.cache().path_of(hash)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Records that this node's cache holds `hash`.
    pub(crate) async fn remember_cached(
        &self,
        conn: &mut sqlx::AnyConnection,
        hash: &ContentHash,
        size: u64,
    ) -> Result<()> {
        let node = self.node().to_owned();
        self.remember_cached_on(conn, &node, hash, size).await
    }

    /// Records that `node`'s cache holds `hash` (this node's, or a peer that took a copy).
    pub(crate) async fn remember_cached_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        node: &str,
        hash: &ContentHash,
        size: u64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO cache_entries (node, hash, size, last_access) VALUES ($1, $2, $3, $4)
             ON CONFLICT (node, hash) DO UPDATE SET last_access = excluded.last_access",
        )
        .bind(node)
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
