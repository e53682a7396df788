//! A user's own data: "export my data" (a zip of their originals and a JSON of the rest, written
//! as it streams) and "delete my account" (everything of theirs goes, every count stays true, and
//! objects nothing else uses leave the caches now and S3 through the durable delete queue, so it
//! works during an S3 outage).

use crate::db::{now_micros, rfc3339};
use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::types::{ContentHash, User};
use crate::Services;
use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipDateTimeBuilder, ZipEntryBuilder};
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// The name of the JSON inside an export.
pub const EXPORT_JSON: &str = "photoshare.json";

/// What "delete my account" asks for.
pub struct AccountDeletion<'a> {
    /// The account's password.
    pub password: &'a str,
    /// The handle, typed again: that they mean it.
    pub confirm: &'a str,
    /// A two-factor code (app or recovery), for an account with two-factor sign-in on.
    pub code: Option<&'a str>,
}

/// The JSON in an export.
#[derive(Serialize)]
struct Export {
    /// `photoshare-export/1`.
    format: &'static str,
    exported_at: String,
    profile: ExportProfile,
    photos: Vec<ExportPhoto>,
    favorites: Vec<ExportFavorite>,
    /// Who is a fan of me.
    fans: Vec<ExportFan>,
    /// Whom I am a fan of.
    fan_of: Vec<ExportFan>,
    comments: Vec<ExportComment>,
    /// Files that could not be read while exporting (S3 down and no copy on any node up): export
    /// again later for them.
    missing_files: Vec<String>,
}

#[derive(Serialize)]
struct ExportProfile {
    handle: String,
    display_name: String,
    bio: String,
    locale: Option<String>,
    is_admin: bool,
    joined_at: String,
    /// The icon's file in the zip, if there is an icon.
    icon_file: Option<String>,
}

#[derive(Serialize, sqlx::FromRow)]
struct ExportPhoto {
    id: String,
    caption: String,
    #[sqlx(skip)]
    posted_at: String,
    #[serde(skip)]
    created_at: i64,
    width: i64,
    height: i64,
    favorites_count: i64,
    comments_count: i64,
    /// The original's sha256, as uploaded (the zip's file holds exactly these bytes).
    sha256: String,
    #[serde(skip)]
    content_type: String,
    /// The original's file in the zip.
    #[sqlx(skip)]
    file: String,
}

#[derive(Serialize, sqlx::FromRow)]
struct ExportFavorite {
    photo_id: String,
    owner: String,
    #[sqlx(skip)]
    favorited_at: String,
    #[serde(skip)]
    created_at: i64,
}

#[derive(Serialize, sqlx::FromRow)]
struct ExportFan {
    handle: String,
    #[sqlx(skip)]
    since: String,
    #[serde(skip)]
    created_at: i64,
}

#[derive(Serialize, sqlx::FromRow)]
struct ExportComment {
    id: String,
    photo_id: String,
    body: String,
    #[sqlx(skip)]
    written_at: String,
    #[serde(skip)]
    created_at: i64,
}

/// The file extension of an image type.
fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    }
}

/// A zip entry's date (zip keeps local time to two seconds; UTC here).
fn zip_date(micros: i64) -> async_zip::ZipDateTime {
    let t = time::OffsetDateTime::from_unix_timestamp(micros.div_euclid(1_000_000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    ZipDateTimeBuilder::new()
        .year(t.year())
        .month(u8::from(t.month()).into())
        .day(t.day().into())
        .hour(t.hour().into())
        .minute(t.minute().into())
        .second(t.second().into())
        .build()
}

fn zip_error(e: async_zip::error::ZipError) -> Error {
    Error::internal(format!("writing the export: {e}"))
}

impl Services {
    /// Writes `user`'s data to `out` as a zip: `photos/<id>.<ext>` (the originals, byte for byte
    /// as uploaded and checked against their sha256), `icon.jpg` and [`EXPORT_JSON`] (profile,
    /// captions, favorites, fans, comments), in that order, one file in memory at a time. A file
    /// that cannot be read now is listed in the JSON's `missing_files` instead. Fails with the
    /// writer's error when the reader goes away.
    pub async fn export(&self, user: &User, out: impl AsyncWrite + Unpin) -> Result<()> {
        let id = user.id.to_string();
        let db = self.db.pool();
        let (display_name, bio, locale, is_admin, created_at, icon): (
            String,
            String,
            Option<String>,
            i64,
            i64,
            Option<String>,
        ) = sqlx::query_as(
            "SELECT display_name, bio, locale, is_admin, created_at, icon_large_hash FROM users
             WHERE id = $1",
        )
        .bind(&id)
        .fetch_one(db)
        .await?;
        let mut photos: Vec<ExportPhoto> = sqlx::query_as(
            "SELECT p.id, p.caption, p.created_at, p.width, p.height, p.favorites_count,
                p.comments_count, p.original_hash AS sha256, o.content_type
             FROM photos p JOIN objects o ON o.hash = p.original_hash
             WHERE p.owner_id = $1 ORDER BY p.created_at, p.id",
        )
        .bind(&id)
        .fetch_all(db)
        .await?;
        let mut favorites: Vec<ExportFavorite> = sqlx::query_as(
            "SELECT f.photo_id, u.handle AS owner, f.created_at FROM favorites f
             JOIN photos p ON p.id = f.photo_id JOIN users u ON u.id = p.owner_id
             WHERE f.user_id = $1 ORDER BY f.created_at",
        )
        .bind(&id)
        .fetch_all(db)
        .await?;
        let fans_query = |mine: &str, theirs: &str| {
            format!(
                "SELECT u.handle, x.created_at FROM fans x JOIN users u ON u.id = x.{theirs}
                 WHERE x.{mine} = $1 ORDER BY x.created_at"
            )
        };
        let mut fans: Vec<ExportFan> = sqlx::query_as(&fans_query("idol_id", "fan_id"))
            .bind(&id)
            .fetch_all(db)
            .await?;
        let mut fan_of: Vec<ExportFan> = sqlx::query_as(&fans_query("fan_id", "idol_id"))
            .bind(&id)
            .fetch_all(db)
            .await?;
        let mut comments: Vec<ExportComment> = sqlx::query_as(
            "SELECT id, photo_id, body, created_at FROM comments WHERE author_id = $1
             ORDER BY created_at, id",
        )
        .bind(&id)
        .fetch_all(db)
        .await?;
        for f in &mut favorites {
            f.favorited_at = rfc3339(f.created_at);
        }
        for f in fans.iter_mut().chain(fan_of.iter_mut()) {
            f.since = rfc3339(f.created_at);
        }
        for c in &mut comments {
            c.written_at = rfc3339(c.created_at);
        }

        let mut zip = ZipFileWriter::with_tokio(out);
        let mut missing_files = Vec::new();
        for p in &mut photos {
            p.posted_at = rfc3339(p.created_at);
            p.file = format!("photos/{}.{}", p.id, extension(&p.content_type));
            let added = self
                .add_object(&mut zip, &p.file, &p.sha256, p.created_at)
                .await?;
            if !added {
                missing_files.push(p.file.clone());
            }
        }
        let mut icon_file = None;
        if let Some(hash) = icon {
            let file = "icon.jpg".to_owned();
            if self.add_object(&mut zip, &file, &hash, created_at).await? {
                icon_file = Some(file);
            } else {
                missing_files.push(file);
            }
        }
        let now = now_micros();
        let export = Export {
            format: "photoshare-export/1",
            exported_at: rfc3339(now),
            profile: ExportProfile {
                handle: user.handle.to_string(),
                display_name,
                bio,
                locale,
                is_admin: is_admin != 0,
                joined_at: rfc3339(created_at),
                icon_file,
            },
            photos,
            favorites,
            fans,
            fan_of,
            comments,
            missing_files,
        };
        let json = serde_json::to_vec_pretty(&export).map_err(Error::internal)?;
        let entry = ZipEntryBuilder::new(EXPORT_JSON.into(), Compression::Stored)
            .last_modification_date(zip_date(now));
        zip.write_entry_whole(entry, &json)
            .await
            .map_err(zip_error)?;
        let mut out = zip.close().await.map_err(zip_error)?.into_inner();
        out.shutdown().await?;
        Ok(())
    }

    /// Adds one stored object to the export as `name`; `false` if it cannot be read now.
    async fn add_object<W: AsyncWrite + Unpin>(
        &self,
        zip: &mut async_zip::tokio::write::ZipFileWriter<W>,
        name: &str,
        hash: &str,
        at: i64,
    ) -> Result<bool> {
        let hash: ContentHash = hash.parse()?;
        // The whole object is read (and checked against its sha256) before a byte of it is
        // written: a zip never holds a file cut short by a failed read.
        let media = match self.media.objects().read_through(&hash).await {
            Ok(media) => media,
            Err(Error::Refused(Problem::Unavailable)) => return Ok(false),
            Err(e) => return Err(e),
        };
        let entry = ZipEntryBuilder::new(name.into(), Compression::Stored)
            .last_modification_date(zip_date(at));
        zip.write_entry_whole(entry, &media.bytes)
            .await
            .map_err(zip_error)?;
        Ok(true)
    }

    /// Deletes `user`'s account, given its password, its handle typed again and (with two-factor
    /// sign-in on) a code: their photos (with the favorites, comments and reports on them), icon,
    /// favorites, fans both ways, comments, reports, sessions, tokens and recovery codes. Every
    /// count that included them is brought down. The last administrator cannot leave (409
    /// `last_admin`). Recorded in the audit log as `account.delete`.
    #[tracing::instrument(skip_all, fields(user = %user.handle))]
    pub async fn delete_account(
        &self,
        user: &User,
        ask: &AccountDeletion<'_>,
        client: &str,
    ) -> Result<()> {
        if ask.confirm.trim().to_lowercase() != user.handle.as_str() {
            return Err(Problem::ConfirmMismatch {
                handle: user.handle.to_string(),
            }
            .into());
        }
        self.accounts
            .confirm_password(user, ask.password, client)
            .await?;
        if self.accounts.has_two_factor(user).await? {
            let code = ask.code.map(str::trim).filter(|c| !c.is_empty());
            self.accounts
                .check_second_factor(user, code.ok_or(Problem::TwoFactorRequired)?)
                .await?;
        }
        let id = user.id.to_string();
        let mut tx = self.db.begin_write().await?;
        let is_admin: i64 = sqlx::query_scalar("SELECT is_admin FROM users WHERE id = $1")
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        if is_admin != 0 {
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM users WHERE is_admin = 1 AND banned_at IS NULL AND id <> $1",
            )
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
            if others == 0 {
                return Err(Problem::LastAdmin.into());
            }
        }
        let mut hashes: Vec<String> = Vec::new();
        let photos: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT original_hash, large_hash, thumb_hash FROM photos WHERE owner_id = $1",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        for (o, l, t) in &photos {
            hashes.extend([o.clone(), l.clone(), t.clone()]);
        }
        let icons: (Option<String>, Option<String>) =
            sqlx::query_as("SELECT icon_hash, icon_large_hash FROM users WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        hashes.extend([icons.0, icons.1].into_iter().flatten());

        // Counts on what stays: favorites (and popularity), comments and open reports on other
        // people's photos, and the fans of both sides.
        let favorited: Vec<String> = sqlx::query_scalar(
            "SELECT f.photo_id FROM favorites f JOIN photos p ON p.id = f.photo_id
             WHERE f.user_id = $1 AND p.owner_id <> $1",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        for photo in &favorited {
            crate::social::bump_favorites(&mut tx, photo, -1).await?;
        }
        for sql in [
            "UPDATE photos SET comments_count = (SELECT COUNT(*) FROM comments c
                WHERE c.photo_id = photos.id AND c.author_id <> $1)
             WHERE owner_id <> $1 AND id IN (SELECT photo_id FROM comments WHERE author_id = $1)",
            "UPDATE photos SET reports_count = reports_count - 1
             WHERE reports_count > 0 AND owner_id <> $1
                AND id IN (SELECT photo_id FROM reports WHERE reporter_id = $1 AND resolved_at IS NULL)",
            "UPDATE users SET fans_count = fans_count - 1
             WHERE id IN (SELECT idol_id FROM fans WHERE fan_id = $1)",
            "UPDATE users SET idols_count = idols_count - 1
             WHERE id IN (SELECT fan_id FROM fans WHERE idol_id = $1)",
            "UPDATE announcements SET author_id = NULL WHERE author_id = $1",
        ] {
            sqlx::query(sql).bind(&id).execute(&mut *tx).await?;
        }
        let mine = "SELECT id FROM photos WHERE owner_id = $1";
        let mut removed = Vec::new();
        for (what, sql) in [
            (
                "comments",
                format!("DELETE FROM comments WHERE author_id = $1 OR photo_id IN ({mine})"),
            ),
            (
                "favorites",
                format!("DELETE FROM favorites WHERE user_id = $1 OR photo_id IN ({mine})"),
            ),
            (
                "reports",
                format!("DELETE FROM reports WHERE reporter_id = $1 OR photo_id IN ({mine})"),
            ),
            (
                "fans",
                "DELETE FROM fans WHERE fan_id = $1 OR idol_id = $1".to_owned(),
            ),
            (
                "photos",
                "DELETE FROM photos WHERE owner_id = $1".to_owned(),
            ),
            (
                "sessions",
                "DELETE FROM sessions WHERE user_id = $1".to_owned(),
            ),
            (
                "tokens",
                "DELETE FROM api_tokens WHERE user_id = $1".to_owned(),
            ),
            (
                "recovery codes",
                "DELETE FROM recovery_codes WHERE user_id = $1".to_owned(),
            ),
            ("account", "DELETE FROM users WHERE id = $1".to_owned()),
        ] {
            let n = sqlx::query(&sql)
                .bind(&id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            removed.push(format!("{n} {what}"));
        }
        let gone = self.media.deletes().forget_unused(&mut tx, hashes).await?;
        tx.commit().await?;
        self.media.drop_forgotten(&gone).await;
        crate::audit::record(
            &self.db,
            Some(user),
            "account.delete",
            user.handle.as_str(),
            &format!(
                "{}; {} objects queued for removal",
                removed.join(", "),
                gone.len()
            ),
        )
        .await;
        tracing::warn!(objects = gone.len(), "account deleted");
        Ok(())
    }
}
