//! Photos: publishing an upload and reading the feeds.

use crate::db::{now_micros, Db};
use crate::error::{Error, Problem, Result};
use crate::live::Live;
use crate::media::cache::Staged;
use crate::media::{imaging, metadata, MediaStore, StoredObject};
use crate::metrics::Metrics;
pub use crate::store::hot_score;
use crate::store::{select_photos, visible_to, Keyset, PhotoRow};
use crate::throttle::{Action, Throttle};
use crate::types::User;
use crate::types::{Caption, ContentHash, Cursor, Page, PhotoId, PhotoView, UserId};
use uuid::Uuid;

#[derive(Clone)]
pub struct Photos {
    db: Db,
    media: MediaStore,
    live: Live,
    throttle: Throttle,
}

/// The photo feeds. Each is keyset-paginated on its own sort key and the photo id.
#[derive(Debug, Clone, Copy)]
pub enum Feed {
    /// Newest first.
    Recent,
    /// By [`hot_score`].
    Popular,
    /// Newest photos by the users this user is a fan of.
    Fans(UserId),
    /// One user's photos, newest first.
    By(UserId),
    /// The photos a user favorited, the latest favorite first.
    FavoritesOf(UserId),
}

impl Feed {
    /// What follows the photo query's FROM (`{user}` stands for the user the feed is about), the
    /// order its pages run in, and that user.
    fn parts(self) -> (&'static str, Keyset, Option<UserId>) {
        let recent = Keyset::newest_first("p.created_at", "p.id");
        match self {
            Feed::Recent => ("WHERE p.hidden_at IS NULL", recent, None),
            Feed::Popular => (
                "WHERE p.hidden_at IS NULL",
                Keyset {
                    float: true,
                    ..Keyset::newest_first("p.hot", "p.id")
                },
                None,
            ),
            // The page's ids come from `photos_owner` alone; only those rows are then joined
            // (see `feed`): joining every photo of every idol before the sort cost 5–20 ms.
            Feed::Fans(u) => (
                "WHERE p.id IN (SELECT f.id FROM photos f
                    WHERE f.owner_id IN (SELECT idol_id FROM fans WHERE fan_id = {user})
                    AND f.hidden_at IS NULL",
                recent,
                Some(u),
            ),
            Feed::By(u) => (
                "WHERE p.owner_id = {user} AND p.hidden_at IS NULL",
                recent,
                Some(u),
            ),
            Feed::FavoritesOf(u) => (
                "JOIN favorites fv ON fv.photo_id = p.id WHERE fv.user_id = {user} AND p.hidden_at IS NULL",
                Keyset::newest_first("fv.created_at", "fv.photo_id"),
                Some(u),
            ),
        }
    }
}

impl Photos {
    pub fn new(db: Db, media: MediaStore, live: Live, throttle: Throttle) -> Self {
        Self {
            db,
            media,
            live,
            throttle,
        }
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
        self.throttle
            .hit(Action::Upload, &owner.id.to_string())
            .await?;
        let result = self.publish_inner(owner, caption, staged).await;
        let m = self.media.objects().metrics();
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
        let banned: Option<Option<i64>> =
            sqlx::query_scalar("SELECT banned_at FROM users WHERE id = $1")
                .bind(owner.id.to_string())
                .fetch_optional(self.db.pool())
                .await?;
        if banned.flatten().is_some() {
            return Err(Problem::Suspended.into());
        }
        let upload_hash = staged.hash;
        self.refuse_blocked(&upload_hash).await?;
        let path = staged.path().to_owned();
        let processed = tokio::task::spawn_blocking(move || imaging::process_file(&path))
            .await
            .map_err(Error::internal)??;
        let original = self.keep_original(staged, &processed).await?;
        self.refuse_blocked(&original.hash).await?;
        let large = self
            .media
            .objects()
            .keep_bytes(&processed.large, "image/jpeg")
            .await?;
        let thumb = self
            .media
            .objects()
            .keep_bytes(&processed.thumb, "image/jpeg")
            .await?;

        let id = Uuid::now_v7();
        let created_at = now_micros();
        let mut tx = self.db.begin_write().await?;
        self.media
            .objects()
            .record(&mut tx, &[&original, &large, &thumb])
            .await?;
        sqlx::query(
            "INSERT INTO photos (id, owner_id, caption, original_hash, large_hash, thumb_hash, width, height, created_at, hot, upload_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id.to_string())
        .bind(owner.id.to_string())
        .bind(caption.as_str())
        .bind(original.hash.to_hex())
        .bind(large.hash.to_hex())
        .bind(thumb.hash.to_hex())
        .bind(i64::from(processed.width))
        .bind(i64::from(processed.height))
        .bind(created_at)
        .bind(hot_score(0, created_at))
        .bind(upload_hash.to_hex())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.media.queue().wake();
        self.live.wake();
        self.media.objects().cluster().notify("photo");
        self.get(PhotoId::from_uuid(id), Some(owner))
            .await?
            .ok_or_else(|| Error::internal("a photo vanished right after it was published"))
    }

    /// Refuses an image an admin deleted (its sha256 is on the blocklist).
    async fn refuse_blocked(&self, hash: &ContentHash) -> Result<()> {
        if crate::store::is_blocked(self.db.pool(), hash).await? {
            Metrics::inc(&self.media.objects().metrics().blocked_uploads);
            tracing::warn!(%hash, "upload of a blocklisted image refused");
            return Err(Problem::Blocked.into());
        }
        Ok(())
    }

    /// Whether `owner` already posted exactly these bytes (imports skip such files).
    pub async fn has_upload(&self, owner: &User, hash: &ContentHash) -> Result<bool> {
        let hit: Option<String> = sqlx::query_scalar(
            "SELECT id FROM photos WHERE owner_id = $1 AND upload_hash = $2 LIMIT 1",
        )
        .bind(owner.id.to_string())
        .bind(hash.to_hex())
        .fetch_optional(self.db.pool())
        .await?;
        Ok(hit.is_some())
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
                self.media
                    .objects()
                    .keep_bytes(&clean, processed.content_type)
                    .await
            }
            Some(_) => {
                self.media
                    .objects()
                    .keep(staged, processed.content_type)
                    .await
            }
            None => {
                // It decoded, but its container is one we cannot rewrite safely: keep it as sent.
                tracing::warn!("original kept with its metadata: unrecognised container layout");
                self.media
                    .objects()
                    .keep(staged, processed.content_type)
                    .await
            }
        }
    }

    /// One page of a feed, `limit` photos, continuing after `cursor`, as `viewer` sees it.
    pub async fn feed(
        &self,
        feed: Feed,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<PhotoView>> {
        let (filter, keyset, about) = feed.parts();
        let mut sql = select_photos(viewer, &format!(", {}", keyset.columns()))?;
        let user = match about {
            Some(u) => sql.bind(u.to_string())?,
            None => String::new(),
        };
        sql.push(" ").push(&filter.replace("{user}", &user));
        if matches!(feed, Feed::Fans(_)) {
            // The fans feed pages inside its id subquery, which the filter opened.
            Keyset::newest_first("f.created_at", "f.id").page(&mut sql, cursor, limit)?;
            sql.push(") ORDER BY p.created_at DESC, p.id DESC");
        } else {
            keyset.page(&mut sql, cursor, limit)?;
        }
        let rows = sql.fetch_all(&self.db).await?;
        keyset.finish(rows, limit, PhotoRow::view)
    }

    /// One photo. A photo hidden pending review is there only for its owner and admins.
    pub async fn get(&self, id: PhotoId, viewer: Option<&User>) -> Result<Option<PhotoView>> {
        let mut sql = select_photos(viewer, "")?;
        let id = sql.bind(id.to_string())?;
        sql.push(&format!(" WHERE p.id = {id}"));
        let Some(row) = sql.fetch_optional::<PhotoRow>(&self.db).await? else {
            return Ok(None);
        };
        let owner = row.owner_id.clone();
        let photo = row.view()?;
        Ok(visible_to(photo.hidden, &owner, viewer).then_some(photo))
    }
}
