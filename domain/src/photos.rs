//! Photos: publishing an upload and reading the feeds.

use crate::accounts::User;
use crate::db::{now_micros, rfc3339, Db};
use crate::error::{Error, Result};
use crate::media::cache::Staged;
use crate::media::{imaging, metadata, MediaStore, StoredObject};
use crate::metrics::Metrics;
use crate::types::{media_url, Caption, ContentHash, Cursor, Page, PhotoId, PhotoUrls, PhotoView};
use sqlx::Row;
use uuid::Uuid;

#[derive(Clone)]
pub struct Photos {
    db: Db,
    media: MediaStore,
}

const SELECT_PHOTO: &str =
    "SELECT p.id, p.caption, p.original_hash, p.large_hash, p.thumb_hash, p.width, p.height,
        p.created_at, u.handle, u.icon_hash
    FROM photos p JOIN users u ON u.id = p.owner_id";

fn hash_url(hex: &str) -> Result<String> {
    Ok(media_url(&hex.parse::<ContentHash>()?))
}

fn view_from_row(row: &sqlx::any::AnyRow) -> Result<(PhotoView, Cursor)> {
    let id: String = row.try_get("id")?;
    let id = Uuid::parse_str(&id).map_err(Error::internal)?;
    let created_at: i64 = row.try_get("created_at")?;
    let icon: Option<String> = row.try_get("icon_hash")?;
    let view = PhotoView {
        id: id.to_string(),
        caption: row.try_get("caption")?,
        owner: row.try_get("handle")?,
        owner_icon_url: icon.as_deref().map(hash_url).transpose()?,
        created_at: rfc3339(created_at),
        width: row.try_get::<i64, _>("width")? as u32,
        height: row.try_get::<i64, _>("height")? as u32,
        urls: PhotoUrls {
            original: hash_url(&row.try_get::<String, _>("original_hash")?)?,
            large: hash_url(&row.try_get::<String, _>("large_hash")?)?,
            thumb: hash_url(&row.try_get::<String, _>("thumb_hash")?)?,
        },
    };
    Ok((
        view,
        Cursor {
            created_at_micros: created_at,
            id,
        },
    ))
}

impl Photos {
    pub fn new(db: Db, media: MediaStore) -> Self {
        Self { db, media }
    }

    /// Publishes an upload that has been streamed to disk: checks it is an image we accept, makes
    /// its sizes, keeps everything in the local cache, and records the photo and its sync-queue
    /// rows in one transaction. When this returns, the photo is durable; S3 comes later.
    #[tracing::instrument(skip_all, fields(owner = %owner.handle, bytes = staged.len))]
    pub async fn publish(
        &self,
        owner: &User,
        caption: Caption,
        staged: Staged,
    ) -> Result<PhotoView> {
        let result = self.publish_inner(owner, caption, staged).await;
        let m = self.media.metrics();
        match &result {
            Ok(_) => Metrics::inc(&m.uploads),
            Err(_) => Metrics::inc(&m.upload_rejections),
        }
        result
    }

    async fn publish_inner(
        &self,
        owner: &User,
        caption: Caption,
        staged: Staged,
    ) -> Result<PhotoView> {
        let path = staged.path().to_owned();
        let processed = tokio::task::spawn_blocking(move || imaging::process_file(&path))
            .await
            .map_err(Error::internal)??;
        let original = self.keep_original(staged, &processed).await?;
        let large = self
            .media
            .keep_bytes(&processed.large, "image/jpeg")
            .await?;
        let thumb = self
            .media
            .keep_bytes(&processed.thumb, "image/jpeg")
            .await?;

        let id = Uuid::now_v7();
        let mut tx = self.db.pool().begin().await?;
        self.media
            .record(&mut tx, &[&original, &large, &thumb])
            .await?;
        sqlx::query(
            "INSERT INTO photos (id, owner_id, caption, original_hash, large_hash, thumb_hash, width, height, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.to_string())
        .bind(owner.id.to_string())
        .bind(caption.as_str())
        .bind(original.hash.to_hex())
        .bind(large.hash.to_hex())
        .bind(thumb.hash.to_hex())
        .bind(i64::from(processed.width))
        .bind(i64::from(processed.height))
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.media.wake_sync();
        self.get(PhotoId::from_uuid(id))
            .await?
            .ok_or_else(|| Error::internal("a photo vanished right after it was published"))
    }

    /// Keeps the original without its private metadata (GPS, camera serials, comments): the
    /// stripped bytes are the original from here on, and its hash names them.
    async fn keep_original(
        &self,
        staged: Staged,
        processed: &imaging::Processed,
    ) -> Result<StoredObject> {
        let bytes = tokio::fs::read(staged.path()).await?;
        let orientation = processed.orientation;
        let (bytes, stripped) = tokio::task::spawn_blocking(move || {
            let stripped = metadata::strip(&bytes, orientation);
            (bytes, stripped)
        })
        .await
        .map_err(Error::internal)?;
        match stripped {
            Some(clean) if clean != bytes => {
                self.media.keep_bytes(&clean, processed.content_type).await
            }
            Some(_) => self.media.keep(staged, processed.content_type).await,
            None => {
                // It decoded, but its container is one we cannot rewrite safely: keep it as sent.
                tracing::warn!("original kept with its metadata: unrecognised container layout");
                self.media.keep(staged, processed.content_type).await
            }
        }
    }

    /// Newest photos first, `limit` at a time, continuing after `cursor`.
    pub async fn recent(&self, cursor: Option<Cursor>, limit: u32) -> Result<Page<PhotoView>> {
        let fetch = i64::from(limit) + 1;
        let rows = match cursor {
            None => {
                sqlx::query(&format!(
                    "{SELECT_PHOTO} ORDER BY p.created_at DESC, p.id DESC LIMIT $1"
                ))
                .bind(fetch)
                .fetch_all(self.db.pool())
                .await?
            }
            Some(c) => {
                sqlx::query(&format!(
                    "{SELECT_PHOTO} WHERE (p.created_at, p.id) < ($1, $2)
                     ORDER BY p.created_at DESC, p.id DESC LIMIT $3"
                ))
                .bind(c.created_at_micros)
                .bind(c.id.to_string())
                .bind(fetch)
                .fetch_all(self.db.pool())
                .await?
            }
        };
        let mut items = Vec::with_capacity(rows.len());
        let mut last = None;
        for row in rows.iter().take(limit as usize) {
            let (view, cursor) = view_from_row(row)?;
            items.push(view);
            last = Some(cursor);
        }
        let next_cursor = if rows.len() > limit as usize {
            last.map(|c| c.encode())
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    pub async fn get(&self, id: PhotoId) -> Result<Option<PhotoView>> {
        let row = sqlx::query(&format!("{SELECT_PHOTO} WHERE p.id = $1"))
            .bind(id.to_string())
            .fetch_optional(self.db.pool())
            .await?;
        row.as_ref()
            .map(|r| view_from_row(r).map(|(v, _)| v))
            .transpose()
    }
}
