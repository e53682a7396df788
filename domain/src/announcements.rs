//! Admins' image announcements. The newest live one is the banner on every page; open pages learn
//! of a new one (or of its removal) through [`Announcements::watch`], which a watcher per node
//! keeps current from the database, so an announcement posted on another node arrives too.
//! Announcement images are pinned in every node's cache (see `media/budget.rs`).

use crate::db::{now_micros, rfc3339, Db};
use crate::error::{Error, Problem, Result};
use crate::media::{imaging, MediaStore};
use crate::store::{hash_url, Keyset, Sql};
use crate::types::User;
use crate::types::{Cursor, Page};
use crate::views::{AltText, AnnouncementView, Link};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// How often the watcher re-reads the current announcement while pages are listening (posts on
/// other nodes, expiry).
pub const POLL: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Announcements {
    db: Db,
    media: MediaStore,
    current: Arc<watch::Sender<Option<AnnouncementView>>>,
}

/// The columns of an [`AnnouncementRow`], from [`FROM`].
const COLUMNS: &str = "a.id, a.image_hash, a.width, a.height, a.alt, a.link, a.created_at,
        a.expires_at, u.handle";
const FROM: &str = "FROM announcements a LEFT JOIN users u ON u.id = a.author_id";

/// A row of [`COLUMNS`].
#[derive(sqlx::FromRow)]
struct AnnouncementRow {
    id: String,
    image_hash: String,
    width: i64,
    height: i64,
    alt: String,
    link: Option<String>,
    created_at: i64,
    expires_at: Option<i64>,
    handle: Option<String>,
}

impl AnnouncementRow {
    fn view(self, now: i64) -> Result<AnnouncementView> {
        Ok(AnnouncementView {
            id: self.id,
            image_url: hash_url(&self.image_hash)?,
            width: self.width as u32,
            height: self.height as u32,
            alt: self.alt,
            link: self.link,
            author: self.handle,
            created_at: rfc3339(self.created_at),
            expires_at: self.expires_at.map(rfc3339),
            expired: self.expires_at.is_some_and(|e| e <= now),
        })
    }
}

/// Parses an expiry given as RFC 3339 (`2026-12-01T18:00:00Z`, any offset) into microseconds.
pub fn parse_expiry(s: &str) -> Result<i64> {
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| Problem::BadExpiry)?;
    let micros = (t.unix_timestamp_nanos() / 1_000) as i64;
    if micros <= now_micros() {
        return Err(Problem::ExpiryPast.into());
    }
    Ok(micros)
}

impl Announcements {
    pub fn new(db: Db, media: MediaStore) -> Self {
        Self {
            db,
            media,
            current: Arc::new(watch::channel(None).0),
        }
    }

    /// Posts an announcement: the image is checked and scaled, kept in the local cache and
    /// queued for S3 in the same transaction as the announcement's row.
    pub async fn post(
        &self,
        author: Option<&User>,
        image: Vec<u8>,
        alt: &AltText,
        link: Option<&Link>,
        expires_at: Option<i64>,
    ) -> Result<AnnouncementView> {
        if image.is_empty() {
            return Err(Problem::EmptyImage.into());
        }
        let banner = tokio::task::spawn_blocking(move || imaging::process_banner(&image))
            .await
            .map_err(Error::internal)??;
        let object = self
            .media
            .objects()
            .keep_bytes(&banner.bytes, banner.content_type)
            .await?;
        let id = Uuid::now_v7().to_string();
        let mut tx = self.db.begin_write().await?;
        self.media.objects().record(&mut tx, &[&object]).await?;
        sqlx::query(
            "INSERT INTO announcements (id, image_hash, width, height, alt, link, author_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(object.hash.to_hex())
        .bind(i64::from(banner.width))
        .bind(i64::from(banner.height))
        .bind(alt.as_str())
        .bind(link.map(|l| l.as_str().to_owned()))
        .bind(author.map(|a| a.id.to_string()))
        .bind(now_micros())
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.media.queue().wake();
        self.media.objects().cluster().notify("announcement");
        tracing::info!(%id, by = author.map(|a| a.handle.to_string()), "announcement posted");
        crate::audit::record(&self.db, author, "announcement.post", &id, alt.as_str()).await;
        self.refresh().await?;
        self.get(&id)
            .await?
            .ok_or_else(|| Error::internal("an announcement vanished right after it was posted"))
    }

    async fn get(&self, id: &str) -> Result<Option<AnnouncementView>> {
        let row: Option<AnnouncementRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} {FROM} WHERE a.id = $1 AND a.deleted_at IS NULL"
        ))
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|r| r.view(now_micros())).transpose()
    }

    /// The newest announcement that is not deleted or expired.
    pub async fn current(&self) -> Result<Option<AnnouncementView>> {
        let now = now_micros();
        let row: Option<AnnouncementRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} {FROM} WHERE a.deleted_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > $1)
             ORDER BY a.created_at DESC, a.id DESC LIMIT 1"
        ))
        .bind(now)
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|r| r.view(now)).transpose()
    }

    /// Every announcement not deleted, expired ones too, newest first.
    pub async fn list(&self, cursor: Option<Cursor>, limit: u32) -> Result<Page<AnnouncementView>> {
        let keyset = Keyset::newest_first("a.created_at", "a.id");
        let mut sql = Sql::new(format!("SELECT {COLUMNS}, {} {FROM}", keyset.columns()));
        sql.push(" WHERE a.deleted_at IS NULL");
        keyset.page(&mut sql, cursor, limit)?;
        let rows = sql.fetch_all(&self.db).await?;
        let now = now_micros();
        keyset.finish(rows, limit, |r: AnnouncementRow| r.view(now))
    }

    /// Takes an announcement down (it leaves the banner and the history).
    #[tracing::instrument(skip_all, fields(%id, admin = %by.handle))]
    pub async fn delete(&self, id: &str, by: &crate::types::User) -> Result<()> {
        let done = sqlx::query(
            "UPDATE announcements SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL",
        )
        .bind(now_micros())
        .bind(id)
        .execute(self.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Problem::NoSuchAnnouncement.into());
        }
        tracing::info!("announcement taken down");
        crate::audit::record(&self.db, Some(by), "announcement.delete", id, "").await;
        self.media.objects().cluster().notify("announcement");
        self.refresh().await
    }

    /// The current announcement, now and whenever it changes.
    pub fn watch(&self) -> watch::Receiver<Option<AnnouncementView>> {
        self.current.subscribe()
    }

    /// Re-reads the current announcement and tells the listeners if it changed.
    pub async fn refresh(&self) -> Result<()> {
        let now = self.current().await?;
        self.current.send_if_modified(|c| {
            if *c == now {
                false
            } else {
                *c = now;
                true
            }
        });
        Ok(())
    }

    /// The watcher: keeps [`Announcements::watch`] current while anyone listens; runs until
    /// `stop` turns true.
    pub async fn run(self, stop: watch::Receiver<bool>) {
        crate::live::refresh_while_watched(
            &self.current,
            POLL,
            stop,
            "the current announcement",
            || self.refresh(),
        )
        .await
    }
}
