//! Moderation: users report photos; past a threshold a photo is hidden pending review; admins hide,
//! unhide or delete. Deleting removes the photo's objects from every cache and queues their removal
//! from S3 (so it works during an outage), and puts the image's sha256 on a blocklist that refuses
//! the same bytes on upload.

use crate::db::{now_micros, rfc3339, Db};
use crate::error::{Problem, Result};
use crate::media::MediaStore;
use crate::store::{not_found_photo, select_photos, visible_owner, Keyset, PhotoRow};
use crate::throttle::{Action, Throttle};
use crate::types::User;
use crate::types::{Cursor, Page, PhotoId};
use crate::views::NotificationKind;
use crate::views::{ModerationItem, ReportOutcome, ReportReason, ReportView};
use std::collections::BTreeSet;

/// Reports that hide a photo until an admin looks at it, unless configured otherwise.
pub const DEFAULT_HIDE_AFTER: u32 = 3;

/// A photo in the moderation queue: the photo and why it is hidden.
#[derive(sqlx::FromRow)]
struct QueuedRow {
    #[sqlx(flatten)]
    photo: PhotoRow,
    hidden_by: Option<String>,
}

#[derive(Clone)]
pub struct Moderation {
    db: Db,
    media: MediaStore,
    hide_after: i64,
    throttle: Throttle,
    notifications: crate::notifications::Notifications,
}

impl Moderation {
    /// `hide_after`: open reports that hide a photo pending review (at least 1).
    pub fn new(
        db: Db,
        media: MediaStore,
        hide_after: u32,
        throttle: Throttle,
        notifications: crate::notifications::Notifications,
    ) -> Self {
        Self {
            db,
            media,
            hide_after: i64::from(hide_after.max(1)),
            throttle,
            notifications,
        }
    }

    /// Tells the owners of `photos` (ids with their owner ids) that their photo was hidden or
    /// removed.
    async fn tell_owners(&self, photos: &[(String, String)], kind: NotificationKind) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        let mut woken = Vec::new();
        for (photo, owner) in photos {
            if self
                .notifications
                .record(&mut tx, owner, kind, None, Some(photo))
                .await?
            {
                woken.push(owner.clone());
            }
        }
        tx.commit().await?;
        self.notifications
            .wake(&woken, self.media.objects().cluster());
        Ok(())
    }

    /// Records `reporter`'s report. One report per user and photo; nobody reports their own.
    pub async fn report(
        &self,
        reporter: &User,
        photo: PhotoId,
        reason: &ReportReason,
    ) -> Result<ReportOutcome> {
        self.throttle
            .hit(Action::Comment, &reporter.id.to_string())
            .await?;
        let mut tx = self.db.begin_write().await?;
        let owner = visible_owner(&mut tx, &photo, Some(reporter)).await?;
        if owner == reporter.id.to_string() {
            return Err(Problem::OwnReport.into());
        }
        let now = now_micros();
        let inserted = sqlx::query(
            "INSERT INTO reports (photo_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (photo_id, reporter_id) DO NOTHING",
        )
        .bind(photo.to_string())
        .bind(reporter.id.to_string())
        .bind(reason.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Problem::AlreadyReported.into());
        }
        let (reports, hidden_at): (i64, Option<i64>) = sqlx::query_as(
            "UPDATE photos SET reports_count = reports_count + 1, flagged_at = COALESCE(flagged_at, $1)
             WHERE id = $2 RETURNING reports_count, hidden_at",
        )
        .bind(now)
        .bind(photo.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let hide = hidden_at.is_none() && reports >= self.hide_after;
        if hide {
            sqlx::query("UPDATE photos SET hidden_at = $1, hidden_by = 'reports' WHERE id = $2")
                .bind(now)
                .bind(photo.to_string())
                .execute(&mut *tx)
                .await?;
            tracing::warn!(%photo, reports, "photo hidden pending review");
        }
        tx.commit().await?;
        if hide {
            self.tell_owners(&[(photo.to_string(), owner)], NotificationKind::Hidden)
                .await?;
        }
        crate::metrics::Metrics::inc(&self.media.objects().metrics().reports);
        Ok(ReportOutcome {
            reports,
            hidden: hidden_at.is_some() || hide,
        })
    }

    /// Photos reported or hidden and not yet reviewed, the latest flagged first.
    pub async fn queue(
        &self,
        admin: &User,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<ModerationItem>> {
        let keyset = Keyset::newest_first("p.flagged_at", "p.id");
        let extra = format!(", p.hidden_by, {}", keyset.columns());
        let mut sql = select_photos(Some(admin), &extra)?;
        sql.push(" WHERE p.flagged_at IS NOT NULL");
        keyset.page(&mut sql, cursor, limit)?;
        let rows = sql.fetch_all(&self.db).await?;
        let page = keyset.finish(rows, limit, |row: QueuedRow| {
            Ok((row.photo.view()?, row.hidden_by))
        })?;
        let mut items = Vec::with_capacity(page.items.len());
        for (photo, hidden_by) in page.items {
            let reports = self.open_reports(&photo.id).await?;
            items.push(ModerationItem {
                photo,
                reports,
                hidden: hidden_by,
            });
        }
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    }

    async fn open_reports(&self, photo: &str) -> Result<Vec<ReportView>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT u.handle, r.reason, r.created_at FROM reports r JOIN users u ON u.id = r.reporter_id
             WHERE r.photo_id = $1 AND r.resolved_at IS NULL ORDER BY r.created_at DESC LIMIT 50",
        )
        .bind(photo)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(reporter, reason, at)| ReportView {
                reporter,
                reason,
                created_at: rfc3339(at),
            })
            .collect())
    }

    /// How many photos wait in the queue.
    pub async fn queue_len(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM photos WHERE flagged_at IS NOT NULL")
                .fetch_one(self.db.pool())
                .await?,
        )
    }

    /// An admin hides, unhides or deletes a photo.
    pub async fn act(
        &self,
        photo: PhotoId,
        action: crate::views::ModerationAction,
        by: &User,
    ) -> Result<()> {
        use crate::views::ModerationAction;
        match action {
            ModerationAction::Hide => self.set_hidden(photo, true, by).await,
            ModerationAction::Unhide => self.set_hidden(photo, false, by).await,
            ModerationAction::Delete => self.delete(photo, by).await,
        }
    }

    /// Hides a photo (`hidden`) or, reviewed and kept, shows it again; by an admin.
    #[tracing::instrument(skip_all, fields(%photo, admin = %by.handle))]
    pub async fn set_hidden(&self, photo: PhotoId, hidden: bool, by: &User) -> Result<()> {
        if hidden {
            self.hide(photo).await?;
            tracing::warn!("photo hidden by an admin");
            let owner: String = sqlx::query_scalar("SELECT owner_id FROM photos WHERE id = $1")
                .bind(photo.to_string())
                .fetch_one(self.db.pool())
                .await?;
            self.tell_owners(&[(photo.to_string(), owner)], NotificationKind::Hidden)
                .await?;
        } else {
            self.unhide(photo).await?;
            tracing::warn!("photo reviewed and kept");
        }
        let what = if hidden { "photo.hide" } else { "photo.unhide" };
        crate::audit::record(&self.db, Some(by), what, &photo.to_string(), "").await;
        Ok(())
    }

    /// Hides a photo from everyone but its owner and admins; it stays in the queue.
    pub async fn hide(&self, photo: PhotoId) -> Result<()> {
        let now = now_micros();
        let done = sqlx::query(
            "UPDATE photos SET hidden_at = COALESCE(hidden_at, $1), hidden_by = 'admin',
                flagged_at = COALESCE(flagged_at, $1) WHERE id = $2",
        )
        .bind(now)
        .bind(photo.to_string())
        .execute(self.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_found_photo());
        }
        Ok(())
    }

    /// Reviewed and kept: visible again, out of the queue, its reports resolved.
    pub async fn unhide(&self, photo: PhotoId) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        let done = sqlx::query(
            "UPDATE photos SET hidden_at = NULL, hidden_by = NULL, flagged_at = NULL, reports_count = 0
             WHERE id = $1",
        )
        .bind(photo.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_found_photo());
        }
        sqlx::query(
            "UPDATE reports SET resolved_at = $1 WHERE photo_id = $2 AND resolved_at IS NULL",
        )
        .bind(now_micros())
        .bind(photo.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a photo, and every other photo of the same image, for good: the image's hashes go
    /// on the blocklist, objects nothing else uses leave every cache now and S3 through the
    /// delete queue.
    #[tracing::instrument(skip(self, by), fields(admin = %by.handle))]
    pub async fn delete(&self, photo: PhotoId, by: &User) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT original_hash, upload_hash FROM photos WHERE id = $1")
                .bind(photo.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        let (original, upload) = row.ok_or_else(not_found_photo)?;
        let upload = upload.unwrap_or_else(|| original.clone());
        let victims: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, original_hash, large_hash, thumb_hash, owner_id FROM photos
             WHERE original_hash = $1 OR upload_hash = $2 OR id = $3",
        )
        .bind(&original)
        .bind(&upload)
        .bind(photo.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let now = now_micros();
        for hash in BTreeSet::from([&original, &upload]) {
            sqlx::query(
                "INSERT INTO blocklist (hash, reason, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (hash) DO NOTHING",
            )
            .bind(hash)
            .bind(format!("photo {photo} deleted by @{}", by.handle))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let mut hashes = BTreeSet::new();
        for (id, o, l, t, _) in &victims {
            sqlx::query("DELETE FROM photos WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            hashes.extend([o.clone(), l.clone(), t.clone()]);
        }
        let gone = self.media.deletes().forget_unused(&mut tx, hashes).await?;
        tx.commit().await?;
        self.media.drop_forgotten(&gone).await;
        let owners: Vec<(String, String)> = victims
            .iter()
            .map(|(id, _, _, _, owner)| (id.clone(), owner.clone()))
            .collect();
        self.tell_owners(&owners, NotificationKind::Removed).await?;
        crate::audit::record(
            &self.db,
            Some(by),
            "photo.delete",
            &photo.to_string(),
            &format!(
                "{} photos of the image deleted, its sha256 blocked",
                victims.len()
            ),
        )
        .await;
        tracing::warn!(
            photos = victims.len(),
            objects = gone.len(),
            "photo deleted; image blocklisted"
        );
        Ok(())
    }
}
