//! Photos: publishing an upload and reading the feeds.

use crate::blocks::{blocked_between, no_block, not_muted};
use crate::db::{now_micros, Backend, Db};
use crate::error::{Error, Problem, Result};
use crate::live::Live;
use crate::media::cache::Staged;
use crate::media::{imaging, metadata, MediaStore, StoredObject};
use crate::metrics::Metrics;
pub use crate::store::hot_score;
use crate::store::{
    not_found_photo, select_photos, viewer_id, visible_owner, visible_to, Keyset, PhotoRow,
};
use crate::throttle::{Action, Throttle};
use crate::types::User;
use crate::types::{
    Caption, ContentHash, Cursor, Page, PhotoAlt, PhotoId, PhotoView, Tag, UploadKey, UserId,
    Visibility,
};
use crate::views::{PhotoChange, TagCount, TrendingTags};
use uuid::Uuid;

/// What a person writes about a photo they post.
#[derive(Debug, Clone)]
pub struct PhotoText {
    pub caption: Caption,
    pub alt: PhotoAlt,
    pub visibility: Visibility,
}

impl PhotoText {
    /// A public photo with this caption and no alt text (imports, the demo).
    pub fn captioned(caption: Caption) -> Self {
        Self {
            caption,
            alt: PhotoAlt::parse("").expect("empty alt text is allowed"),
            visibility: Visibility::Public,
        }
    }
}

/// What [`Photos::publish_once`] did: made `photo` (`first`), or found the one its key made before.
#[derive(Debug)]
pub struct Published {
    pub photo: PhotoView,
    pub first: bool,
}

#[derive(Clone)]
pub struct Photos {
    db: Db,
    media: MediaStore,
    live: Live,
    throttle: Throttle,
    notifications: crate::notifications::Notifications,
}

/// The photo feeds. Each is keyset-paginated on its own sort key and the photo id.
#[derive(Debug, Clone)]
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
    /// The photos of a `#tag`, newest first.
    Tagged(Tag),
}

/// Which of an idol's photos the fans feed shows (`f` is `photos`), on both engines.
const FANS_VISIBLE: &str = "f.hidden_at IS NULL AND f.unlisted = 0";

/// The order the fans feed pages its idols' photos in, inside its id subquery.
fn fans_keyset() -> Keyset {
    Keyset::newest_first("f.created_at", "f.id")
}

impl Feed {
    /// What follows the photo query's FROM (`{subject}` stands for the user or tag the feed is
    /// about; `{fans_visible}` for [`FANS_VISIBLE`]), the order its pages run in, and that subject.
    fn parts(&self) -> (&'static str, Keyset, Option<String>) {
        let recent = Keyset::newest_first("p.created_at", "p.id");
        match self {
            Feed::Recent => (
                "WHERE p.hidden_at IS NULL AND p.unlisted = 0",
                recent,
                None,
            ),
            Feed::Popular => (
                "WHERE p.hidden_at IS NULL AND p.unlisted = 0",
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
                    WHERE f.owner_id IN (SELECT idol_id FROM fans WHERE fan_id = {subject})
                    AND {fans_visible}",
                recent,
                Some(u.to_string()),
            ),
            // Unlisted photos only on one's own page and in one's own favorites (see `feed`).
            Feed::By(u) => (
                "WHERE p.owner_id = {subject} AND p.hidden_at IS NULL AND p.unlisted = 0",
                recent,
                Some(u.to_string()),
            ),
            Feed::FavoritesOf(u) => (
                "JOIN favorites fv ON fv.photo_id = p.id WHERE fv.user_id = {subject} AND p.hidden_at IS NULL AND p.unlisted = 0",
                Keyset::newest_first("fv.created_at", "fv.photo_id"),
                Some(u.to_string()),
            ),
            Feed::Tagged(tag) => (
                "JOIN photo_tags tg ON tg.photo_id = p.id WHERE tg.tag = {subject} AND p.hidden_at IS NULL AND p.unlisted = 0",
                Keyset::newest_first("tg.created_at", "tg.photo_id"),
                Some(tag.as_str().to_owned()),
            ),
        }
    }
}

impl Photos {
    pub fn new(
        db: Db,
        media: MediaStore,
        live: Live,
        throttle: Throttle,
        notifications: crate::notifications::Notifications,
    ) -> Self {
        Self {
            db,
            media,
            live,
            throttle,
            notifications,
        }
    }

    /// Publishes an upload that has been streamed to disk: checks it is an image we accept, makes
    /// its sizes, keeps everything in the local cache, and records the photo and its sync-queue
    /// rows in one transaction. When this returns, the photo is durable; S3 comes later.
    #[tracing::instrument(skip_all, fields(owner = %owner.handle, bytes = staged.len))]
    pub async fn publish(
        &self,
        owner: &User,
        text: PhotoText,
        staged: Staged,
    ) -> Result<PhotoView> {
        self.throttle
            .hit(Action::Upload, &owner.id.to_string())
            .await?;
        let result = self.publish_inner(owner, text, staged, None).await;
        let m = self.media.objects().metrics();
        match &result {
            Ok(_) => Metrics::inc(&m.uploads),
            Err(_) => Metrics::inc(&m.upload_rejections),
        }
        Ok(result?.photo)
    }

    /// Publishes like [`Photos::publish`], once per `key`: if `owner` already posted a photo
    /// with this key (the same request retried, or two copies racing), that photo comes back
    /// with `first: false` and nothing new is stored.
    pub async fn publish_once(
        &self,
        owner: &User,
        key: &UploadKey,
        text: PhotoText,
        staged: Staged,
    ) -> Result<Published> {
        if let Some(photo) = self.by_upload_key(owner, key).await? {
            return Ok(Published {
                photo,
                first: false,
            });
        }
        self.throttle
            .hit(Action::Upload, &owner.id.to_string())
            .await?;
        let result = self.publish_inner(owner, text, staged, Some(key)).await;
        let m = self.media.objects().metrics();
        match &result {
            Ok(p) if p.first => Metrics::inc(&m.uploads),
            Ok(_) => {}
            Err(_) => Metrics::inc(&m.upload_rejections),
        }
        result
    }

    /// The photo `owner` posted with `key`, if any (and still there for them).
    pub async fn by_upload_key(&self, owner: &User, key: &UploadKey) -> Result<Option<PhotoView>> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT photo_id FROM upload_keys WHERE user_id = $1 AND idem_key = $2",
        )
        .bind(owner.id.to_string())
        .bind(key.as_str())
        .fetch_optional(self.db.pool())
        .await?;
        match id {
            Some(id) => self.get(id.parse()?, Some(owner)).await,
            None => Ok(None),
        }
    }

    async fn publish_inner(
        &self,
        owner: &User,
        text: PhotoText,
        staged: Staged,
        key: Option<&UploadKey>,
    ) -> Result<Published> {
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
            "INSERT INTO photos (id, owner_id, caption, original_hash, large_hash, thumb_hash, width, height, created_at, hot, upload_hash, alt, unlisted)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(id.to_string())
        .bind(owner.id.to_string())
        .bind(text.caption.as_str())
        .bind(original.hash.to_hex())
        .bind(large.hash.to_hex())
        .bind(thumb.hash.to_hex())
        .bind(i64::from(processed.width))
        .bind(i64::from(processed.height))
        .bind(created_at)
        .bind(hot_score(0, created_at))
        .bind(upload_hash.to_hex())
        .bind(text.alt.as_str())
        .bind((text.visibility == Visibility::Unlisted) as i64)
        .execute(&mut *tx)
        .await?;
        if let Some(key) = key {
            // Two requests with one key race to here; the second finds the first's row (on
            // PostgreSQL it waits for the first to commit), drops its own photo with the
            // transaction and answers with the first's.
            let claimed = sqlx::query(
                "INSERT INTO upload_keys (user_id, idem_key, photo_id, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(owner.id.to_string())
            .bind(key.as_str())
            .bind(id.to_string())
            .bind(created_at)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !claimed {
                tx.rollback().await?;
                let photo = self.by_upload_key(owner, key).await?.ok_or_else(|| {
                    Error::internal("an upload key's photo vanished while it was retried")
                })?;
                return Ok(Published {
                    photo,
                    first: false,
                });
            }
        }
        replace_tags(&mut tx, &id.to_string(), text.caption.as_str(), created_at).await?;
        crate::search::index_photo(
            &mut tx,
            self.db.backend(),
            &id.to_string(),
            text.caption.as_str(),
            text.alt.as_str(),
        )
        .await?;
        let mentioned = self
            .notifications
            .record_mentions(
                &mut tx,
                text.caption.as_str(),
                &owner.id.to_string(),
                Some(&id.to_string()),
            )
            .await?;
        tx.commit().await?;
        self.notifications
            .wake(&mentioned, self.media.objects().cluster());
        self.media.queue().wake();
        self.live.wake();
        self.media.objects().cluster().notify("photo");
        let photo = self
            .get(PhotoId::from_uuid(id), Some(owner))
            .await?
            .ok_or_else(|| Error::internal("a photo vanished right after it was published"))?;
        Ok(Published { photo, first: true })
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

    /// The owner of a photo `by` may change or delete: its owner id. 404 for a photo `by` cannot
    /// see, 403 `not_photo_owner` for one they see but is not theirs (admins may).
    async fn own_photo(
        &self,
        conn: &mut sqlx::AnyConnection,
        id: PhotoId,
        by: &User,
    ) -> Result<String> {
        let owner = visible_owner(conn, &id, Some(by)).await?;
        if owner != by.id.to_string() && !by.is_admin {
            return Err(Problem::NotPhotoOwner.into());
        }
        Ok(owner)
    }

    /// Changes a photo's caption, alt text or visibility (the fields given; each checked before
    /// anything is written). Its owner or an admin.
    pub async fn edit(&self, id: PhotoId, by: &User, change: &PhotoChange) -> Result<PhotoView> {
        let caption = change.caption.as_deref().map(Caption::parse).transpose()?;
        let alt = change.alt.as_deref().map(PhotoAlt::parse).transpose()?;
        let visibility = change
            .visibility
            .as_deref()
            .map(Visibility::parse)
            .transpose()?;
        let mut tx = self.db.begin_write().await?;
        let owner = self.own_photo(&mut tx, id, by).await?;
        let before: String = sqlx::query_scalar("SELECT caption FROM photos WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE photos SET caption = COALESCE($1, caption), alt = COALESCE($2, alt),
                unlisted = COALESCE($3, unlisted), edited_at = $4
             WHERE id = $5",
        )
        .bind(caption.as_ref().map(|c| c.as_str().to_owned()))
        .bind(alt.as_ref().map(|a| a.as_str().to_owned()))
        .bind(visibility.map(|v| (v == Visibility::Unlisted) as i64))
        .bind(now_micros())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        let mut woken = Vec::new();
        if caption.is_some() || alt.is_some() {
            let (posted, now_caption, now_alt): (i64, String, String) =
                sqlx::query_as("SELECT created_at, caption, alt FROM photos WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
            if caption.is_some() {
                replace_tags(&mut tx, &id.to_string(), &now_caption, posted).await?;
                // Whoever the fixed caption newly names hears of it (once: not those named before).
                let named_before = crate::notifications::mentions(&before);
                let new: Vec<String> = crate::notifications::mentions(&now_caption)
                    .into_iter()
                    .filter(|h| !named_before.contains(h))
                    .map(|h| format!("@{h}"))
                    .collect();
                woken = self
                    .notifications
                    .record_mentions(&mut tx, &new.join(" "), &owner, Some(&id.to_string()))
                    .await?;
            }
            crate::search::index_photo(
                &mut tx,
                self.db.backend(),
                &id.to_string(),
                &now_caption,
                &now_alt,
            )
            .await?;
        }
        tx.commit().await?;
        self.notifications
            .wake(&woken, self.media.objects().cluster());
        if owner != by.id.to_string() {
            crate::audit::record(&self.db, Some(by), "photo.edit", &id.to_string(), "").await;
        }
        self.get(id, Some(by)).await?.ok_or_else(not_found_photo)
    }

    /// Deletes a photo for good, by its owner or an admin: its favorites, comments and reports
    /// go with it; its objects leave every cache now and S3 through the delete queue, unless
    /// another photo (an icon, an announcement) uses the same bytes. Unlike an admin's removal
    /// (`Moderation::delete`) the image is not blocklisted: it may be posted again. Works during
    /// an S3 outage.
    #[tracing::instrument(skip(self, by), fields(by = %by.handle))]
    pub async fn delete(&self, id: PhotoId, by: &User) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        let owner = self.own_photo(&mut tx, id, by).await?;
        let (original, large, thumb): (String, String, String) = sqlx::query_as(
            "SELECT original_hash, large_hash, thumb_hash FROM photos WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
        for table in ["comments", "favorites", "reports"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE photo_id = $1"))
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM photos WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let gone = self
            .media
            .deletes()
            .forget_unused(&mut tx, [original, large, thumb])
            .await?;
        tx.commit().await?;
        self.media.drop_forgotten(&gone).await;
        if owner != by.id.to_string() {
            crate::audit::record(
                &self.db,
                Some(by),
                "photo.delete",
                &id.to_string(),
                "deleted as its owner could (not blocklisted)",
            )
            .await;
        }
        tracing::info!(objects = gone.len(), "photo deleted");
        Ok(())
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
        let mine = matches!(feed, Feed::By(_) | Feed::FavoritesOf(_))
            && about.is_some()
            && about == viewer.map(|v| v.id.to_string());
        let subject = match about {
            Some(s) => sql.bind(s)?,
            None => String::new(),
        };
        if matches!(feed, Feed::Fans(_)) && self.db.backend() == Backend::Postgres {
            // PostgreSQL: at most a page from each idol (`LATERAL`, newest first from
            // `photos_owner`), then the page of those; reading every idol's photos before the
            // sort cost 3–20 ms there. SQLite has no `LATERAL` and does the plain subquery in
            // well under a millisecond.
            let me = sql.bind(viewer_id(viewer))?;
            sql.push(&format!(
                " WHERE p.id IN (SELECT x.id FROM fans fa CROSS JOIN LATERAL (
                    SELECT f.id, f.created_at FROM photos f
                    WHERE f.owner_id = fa.idol_id AND {FANS_VISIBLE}"
            ));
            fans_keyset().page(&mut sql, cursor, limit)?;
            sql.push(&format!(
                ") x WHERE fa.fan_id = {subject} AND {} AND {}",
                no_block(&me, "fa.idol_id"),
                not_muted(&me, "fa.idol_id")
            ));
            Keyset::newest_first("x.created_at", "x.id").page(&mut sql, cursor, limit)?;
            sql.push(") ORDER BY p.created_at DESC, p.id DESC");
            let rows = sql.fetch_all(&self.db).await?;
            return keyset.finish(rows, limit, PhotoRow::view);
        }
        let mut filter = filter
            .replace("{subject}", &subject)
            .replace("{fans_visible}", FANS_VISIBLE);
        if mine {
            filter = filter.replace(" AND p.unlisted = 0", "");
        }
        // Nothing of users with a block between them and the viewer; the feeds leave out whom
        // the viewer muted too. (The fans feed filters inside its id subquery.)
        if viewer.is_some() {
            let me = sql.bind(viewer_id(viewer))?;
            let owner = if matches!(feed, Feed::Fans(_)) {
                "f.owner_id"
            } else {
                "p.owner_id"
            };
            filter.push_str(&format!(" AND {}", no_block(&me, owner)));
            if matches!(feed, Feed::Recent | Feed::Popular | Feed::Fans(_)) {
                filter.push_str(&format!(" AND {}", not_muted(&me, owner)));
            }
        }
        sql.push(" ").push(&filter);
        if matches!(feed, Feed::Fans(_)) {
            // The fans feed pages inside its id subquery, which the filter opened.
            fans_keyset().page(&mut sql, cursor, limit)?;
            sql.push(") ORDER BY p.created_at DESC, p.id DESC");
        } else {
            keyset.page(&mut sql, cursor, limit)?;
        }
        let rows = sql.fetch_all(&self.db).await?;
        keyset.finish(rows, limit, PhotoRow::view)
    }

    /// One photo. A photo hidden pending review is there only for its owner and admins; one of a
    /// user with a block between them and `viewer` is not there for `viewer`.
    pub async fn get(&self, id: PhotoId, viewer: Option<&User>) -> Result<Option<PhotoView>> {
        let mut sql = select_photos(viewer, "")?;
        let id = sql.bind(id.to_string())?;
        sql.push(&format!(" WHERE p.id = {id}"));
        let Some(row) = sql.fetch_optional::<PhotoRow>(&self.db).await? else {
            return Ok(None);
        };
        let owner = row.owner_id.clone();
        let photo = row.view()?;
        let mut conn = self.db.pool().acquire().await?;
        if blocked_between(&mut conn, &viewer_id(viewer), &owner).await? {
            return Ok(None);
        }
        Ok(visible_to(photo.hidden, &owner, viewer).then_some(photo))
    }
}

/// Within the caller's transaction: the photo's tags become those of `caption`.
async fn replace_tags(
    conn: &mut sqlx::AnyConnection,
    photo: &str,
    caption: &str,
    posted_at: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM photo_tags WHERE photo_id = $1")
        .bind(photo)
        .execute(&mut *conn)
        .await?;
    for tag in Tag::all_in(caption) {
        sqlx::query("INSERT INTO photo_tags (photo_id, tag, created_at) VALUES ($1, $2, $3)")
            .bind(photo)
            .bind(tag.as_str().to_owned())
            .bind(posted_at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Photos {
    /// The tags on the most public photos posted in the last 7 days (at most `limit`).
    pub async fn trending_tags(&self, limit: u32) -> Result<TrendingTags> {
        let week = 7 * 86_400 * 1_000_000;
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT tg.tag, COUNT(*) AS n FROM photo_tags tg JOIN photos p ON p.id = tg.photo_id
             WHERE tg.created_at > $1 AND p.hidden_at IS NULL AND p.unlisted = 0
             GROUP BY tg.tag ORDER BY n DESC, tg.tag LIMIT $2",
        )
        .bind(now_micros() - week)
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await?;
        Ok(TrendingTags {
            items: rows
                .into_iter()
                .map(|(tag, photos)| TagCount { tag, photos })
                .collect(),
        })
    }
}
