//! The store layer's shared part: how rows become the views and pages every aggregate returns
//! (the one keyset-pagination helper, the one photo query and its row), and the few checks more
//! than one aggregate makes. It imports no service module, so every service can use it without
//! the services importing each other.

use crate::db::{rfc3339, Db};
use crate::error::{Error, Problem, Result};
use crate::types::{media_url, ContentHash, Cursor, Page, PhotoUrls, PhotoView, User, Visibility};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

/// Starts every photo query: the photo, its owner, and whether `viewer` has favorited it, then
/// `extra` columns (a keyset's sort columns). Read each row as a [`PhotoRow`].
pub(crate) fn select_photos(viewer: Option<&User>, extra: &str) -> Result<Sql> {
    let mut sql = Sql::new("");
    let viewer = sql.bind(viewer_id(viewer))?;
    sql.push(&format!(
        "SELECT p.id, p.caption, p.original_hash, p.large_hash, p.thumb_hash, p.width, p.height,
            p.created_at, p.favorites_count, p.comments_count, p.owner_id, u.handle,
            u.display_name, u.icon_hash, p.hidden_at, p.alt, p.unlisted, p.edited_at,
            CAST(CASE WHEN mf.user_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS favorited{extra}
        FROM photos p JOIN users u ON u.id = p.owner_id
        LEFT JOIN favorites mf ON mf.photo_id = p.id AND mf.user_id = {viewer}"
    ));
    Ok(sql)
}

/// A row of [`select_photos`].
#[derive(sqlx::FromRow)]
pub(crate) struct PhotoRow {
    id: String,
    caption: String,
    original_hash: String,
    large_hash: String,
    thumb_hash: String,
    width: i64,
    height: i64,
    created_at: i64,
    favorites_count: i64,
    comments_count: i64,
    pub(crate) owner_id: String,
    handle: String,
    display_name: String,
    icon_hash: Option<String>,
    hidden_at: Option<i64>,
    alt: String,
    unlisted: i64,
    edited_at: Option<i64>,
    favorited: i64,
}

impl PhotoRow {
    pub(crate) fn view(self) -> Result<PhotoView> {
        Ok(PhotoView {
            id: self.id,
            caption: self.caption,
            owner: self.handle,
            owner_display_name: self.display_name,
            owner_icon_url: self.icon_hash.as_deref().map(hash_url).transpose()?,
            created_at: rfc3339(self.created_at),
            width: self.width as u32,
            height: self.height as u32,
            urls: PhotoUrls {
                original: hash_url(&self.original_hash)?,
                large: hash_url(&self.large_hash)?,
                thumb: hash_url(&self.thumb_hash)?,
            },
            favorites_count: self.favorites_count,
            comments_count: self.comments_count,
            favorited: self.favorited != 0,
            hidden: self.hidden_at.is_some(),
            alt: self.alt,
            visibility: if self.unlisted != 0 {
                Visibility::Unlisted
            } else {
                Visibility::Public
            },
            edited_at: self.edited_at.map(rfc3339),
        })
    }
}

pub(crate) fn hash_url(hex: &str) -> Result<String> {
    Ok(media_url(&hex.parse::<ContentHash>()?))
}

/// Whether `viewer` may see a photo of `owner_id`: a photo hidden pending review is there only
/// for its owner and admins. The one rule every read and action on a photo follows.
pub(crate) fn visible_to(hidden: bool, owner_id: &str, viewer: Option<&User>) -> bool {
    !hidden || viewer.is_some_and(|v| v.is_admin || v.id.to_string() == owner_id)
}

/// The owner of `photo` (an id) if `viewer` may see it by [`visible_to`]; 404 `no_such_photo`
/// for a photo that is not there or not there for `viewer`. Every action on one photo starts here.
pub(crate) async fn visible_owner(
    conn: &mut sqlx::AnyConnection,
    photo: &crate::types::PhotoId,
    viewer: Option<&User>,
) -> Result<String> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT owner_id, hidden_at FROM photos WHERE id = $1")
            .bind(photo.to_string())
            .fetch_optional(conn)
            .await?;
    match row {
        Some((owner, hidden_at)) if visible_to(hidden_at.is_some(), &owner, viewer) => Ok(owner),
        _ => Err(not_found_photo()),
    }
}

pub(crate) fn not_found_photo() -> Error {
    Problem::NoSuchPhoto.into()
}

/// The viewer's id as bound into [`SELECT_PHOTO`]: an empty string matches no user.
pub(crate) fn viewer_id(viewer: Option<&User>) -> String {
    viewer.map(|u| u.id.to_string()).unwrap_or_default()
}

/// The popularity score, stored as `photos.hot` and indexed:
///
/// `hot = log2(1 + favorites) + (created_at − 2024-01-01) / 1 day`
///
/// Ranking by it is ranking by `(1 + favorites) · 2^(−age / 1 day)`: a favorite's weight halves
/// with every day of the photo's age, and a photo needs twice the favorites to stay level with
/// one posted a day later. The score only changes when a favorite does, so it is an index, not a
/// computation at read time.
pub fn hot_score(favorites: i64, created_at_micros: i64) -> f64 {
    const EPOCH_MICROS: i64 = 1_704_067_200_000_000;
    const DAY_MICROS: f64 = 86_400_000_000.0;
    (1.0 + favorites.max(0) as f64).log2() + (created_at_micros - EPOCH_MICROS) as f64 / DAY_MICROS
}

/// Builds a page from `limit + 1` fetched rows: the extra row only says that there is more.
fn page_of<T>(
    rows: &[sqlx::any::AnyRow],
    limit: u32,
    item: impl Fn(&sqlx::any::AnyRow) -> Result<T>,
    cursor: impl Fn(&sqlx::any::AnyRow) -> Result<Cursor>,
) -> Result<Page<T>> {
    let shown = &rows[..rows.len().min(limit as usize)];
    let items = shown.iter().map(&item).collect::<Result<Vec<_>>>()?;
    let next_cursor = match shown.last() {
        Some(last) if rows.len() > shown.len() => Some(cursor(last)?.encode()),
        _ => None,
    };
    Ok(Page { items, next_cursor })
}

/// Whether uploads of these bytes are refused (an admin deleted the image).
pub(crate) async fn is_blocked(
    conn: impl sqlx::Executor<'_, Database = sqlx::Any>,
    hash: &ContentHash,
) -> Result<bool> {
    let hit: Option<String> = sqlx::query_scalar("SELECT hash FROM blocklist WHERE hash = $1")
        .bind(hash.to_hex())
        .fetch_optional(conn)
        .await?;
    Ok(hit.is_some())
}

/// A statement whose values are bound as it is written: each [`Sql::bind`] returns the next
/// numbered placeholder (`$1`, `$2`, …), which both engines read. The one way this crate writes a
/// statement whose shape depends on its input — nothing is numbered by hand, and no value is ever
/// spliced into the text (sqlx's `QueryBuilder` writes `?` under the Any driver, which PostgreSQL
/// refuses).
pub(crate) struct Sql {
    text: String,
    args: sqlx::any::AnyArguments<'static>,
    bound: usize,
}

impl Sql {
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: Default::default(),
            bound: 0,
        }
    }

    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Binds `value`; its placeholder is returned, to be written where the value goes.
    pub(crate) fn bind<T>(&mut self, value: T) -> Result<String>
    where
        T: 'static + Send + sqlx::Encode<'static, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        use sqlx::Arguments;
        self.args.add(value).map_err(Error::internal)?;
        self.bound += 1;
        Ok(format!("${}", self.bound))
    }

    /// `AND` neither the viewer nor the user in `column` blocked the other (nothing for a
    /// signed-out reader).
    pub(crate) fn no_block(&mut self, viewer: Option<&User>, column: &str) -> Result<&mut Self> {
        if let Some(user) = viewer {
            let me = self.bind(user.id.to_string())?;
            self.push(" AND ")
                .push(&crate::blocks::no_block(&me, column));
        }
        Ok(self)
    }

    pub(crate) async fn fetch_optional<R>(self, db: &Db) -> Result<Option<R>>
    where
        R: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
    {
        Ok(sqlx::query_as_with(&self.text, self.args)
            .fetch_optional(db.pool())
            .await?)
    }

    pub(crate) async fn fetch_all(self, db: &Db) -> Result<Vec<AnyRow>> {
        Ok(sqlx::query_with(&self.text, self.args)
            .fetch_all(db.pool())
            .await?)
    }
}

/// Which way a list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Newest (or highest) first: every feed and list but comments.
    Descending,
    /// Oldest first: a conversation reads top to bottom.
    Ascending,
}

/// The one keyset pagination of every feed and list: rows in (`key`, `id`) order, a page of
/// `limit` after the cursor. The cursor is the last row's key and id, so page 1,000 costs what
/// page 1 does and pages stay right while rows arrive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Keyset {
    /// The sort key's column (a time, a count, or Popular's score).
    pub key: &'static str,
    /// The id column that breaks ties (UUID text).
    pub id: &'static str,
    pub direction: Direction,
    /// The key is a float (Popular's score), carried in the cursor as its bits.
    pub float: bool,
}

impl Keyset {
    pub(crate) const fn newest_first(key: &'static str, id: &'static str) -> Self {
        Self {
            key,
            id,
            direction: Direction::Descending,
            float: false,
        }
    }

    /// The SELECT list's end: the key and id again, as `sort_key` and `sort_id`, from which the
    /// next page's cursor is read.
    pub(crate) fn columns(&self) -> String {
        format!("{} AS sort_key, {} AS sort_id", self.key, self.id)
    }

    /// Appends the condition that starts after `cursor` (`AND (key, id) < (…)`), the order, and
    /// a limit of one row more than the page (the extra row only says that more follow).
    pub(crate) fn page(&self, sql: &mut Sql, cursor: Option<Cursor>, limit: u32) -> Result<()> {
        let (key, id) = (self.key, self.id);
        let (after, order) = match self.direction {
            Direction::Descending => ("<", "DESC"),
            Direction::Ascending => (">", "ASC"),
        };
        if let Some(c) = cursor {
            let k = if self.float {
                sql.bind(f64::from_bits(c.key as u64))?
            } else {
                sql.bind(c.key)?
            };
            let i = sql.bind(c.id.to_string())?;
            sql.push(&format!(" AND ({key}, {id}) {after} ({k}, {i})"));
        }
        let n = sql.bind(i64::from(limit) + 1)?;
        sql.push(&format!(" ORDER BY {key} {order}, {id} {order} LIMIT {n}"));
        Ok(())
    }

    /// The page of the rows [`Keyset::page`] fetched: each row read as an `R`, made an item.
    pub(crate) fn finish<R, T>(
        &self,
        rows: Vec<AnyRow>,
        limit: u32,
        item: impl Fn(R) -> Result<T>,
    ) -> Result<Page<T>>
    where
        R: for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        let float = self.float;
        page_of(
            &rows,
            limit,
            |row| item(R::from_row(row)?),
            |row| {
                let key = if float {
                    row.try_get::<f64, _>("sort_key")?.to_bits() as i64
                } else {
                    row.try_get("sort_key")?
                };
                let id: String = row.try_get("sort_id")?;
                Ok(Cursor {
                    key,
                    id: Uuid::parse_str(&id).map_err(Error::internal)?,
                })
            },
        )
    }
}
