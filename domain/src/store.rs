//! The store layer's shared part: how rows become the views and pages every aggregate returns
//! (the one keyset-pagination helper, the one photo query and its row), and the few checks more
//! than one aggregate makes. It imports no service module, so every service can use it without
//! the services importing each other.

use crate::db::rfc3339;
use crate::error::{Error, Problem, Result};
use crate::types::{media_url, ContentHash, Cursor, Page, PhotoUrls, PhotoView, User};
use sqlx::Row;
use uuid::Uuid;

/// Every photo query: the photo, its owner, and whether the reader (bound as `$1`; an empty string
/// for nobody) has favorited it.
pub(crate) const SELECT_PHOTO: &str =
    "SELECT p.id, p.caption, p.original_hash, p.large_hash, p.thumb_hash, p.width, p.height,
        p.created_at, p.favorites_count, p.comments_count, p.owner_id, u.handle, u.display_name,
        u.icon_hash, p.hidden_at, CAST(CASE WHEN mf.user_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS favorited
    FROM photos p JOIN users u ON u.id = p.owner_id
    LEFT JOIN favorites mf ON mf.photo_id = p.id AND mf.user_id = $1";

pub(crate) fn hash_url(hex: &str) -> Result<String> {
    Ok(media_url(&hex.parse::<ContentHash>()?))
}

/// Whether `viewer` may see a photo of `owner_id`: a photo hidden pending review is there only
/// for its owner and admins. The one rule every read and action on a photo follows.
pub(crate) fn visible_to(hidden: bool, owner_id: &str, viewer: Option<&User>) -> bool {
    !hidden || viewer.is_some_and(|v| v.is_admin || v.id.to_string() == owner_id)
}

pub(crate) fn not_found_photo() -> Error {
    Problem::NoSuchPhoto.into()
}

/// The cursor of a row: its sort key in column `key` and its id (a UUID) in column `id`.
pub(crate) fn cursor_at(row: &sqlx::any::AnyRow, key: &str, id: &str) -> Result<Cursor> {
    Ok(Cursor {
        key: row.try_get(key)?,
        id: Uuid::parse_str(&row.try_get::<String, _>(id)?).map_err(Error::internal)?,
    })
}

/// The viewer's id as bound into [`SELECT_PHOTO`]: an empty string matches no user.
pub(crate) fn viewer_id(viewer: Option<&User>) -> String {
    viewer.map(|u| u.id.to_string()).unwrap_or_default()
}

pub(crate) fn photo_view(row: &sqlx::any::AnyRow) -> Result<PhotoView> {
    let icon: Option<String> = row.try_get("icon_hash")?;
    Ok(PhotoView {
        id: row.try_get("id")?,
        caption: row.try_get("caption")?,
        owner: row.try_get("handle")?,
        owner_display_name: row.try_get("display_name")?,
        owner_icon_url: icon.as_deref().map(hash_url).transpose()?,
        created_at: rfc3339(row.try_get("created_at")?),
        width: row.try_get::<i64, _>("width")? as u32,
        height: row.try_get::<i64, _>("height")? as u32,
        urls: PhotoUrls {
            original: hash_url(&row.try_get::<String, _>("original_hash")?)?,
            large: hash_url(&row.try_get::<String, _>("large_hash")?)?,
            thumb: hash_url(&row.try_get::<String, _>("thumb_hash")?)?,
        },
        favorites_count: row.try_get("favorites_count")?,
        comments_count: row.try_get("comments_count")?,
        favorited: row.try_get::<i64, _>("favorited")? != 0,
        hidden: row.try_get::<Option<i64>, _>("hidden_at")?.is_some(),
    })
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
pub(crate) fn page_of<T>(
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
