//! What people do with each other's photos: profiles, favorites, fans and comments. Every count
//! shown on a page (favorites, comments, fans) is kept on its row and changed in the same
//! transaction as the thing it counts, so reading a feed never counts anything.

use crate::blocks::blocked_between;
use crate::db::{now_micros, rfc3339, Db};
use crate::error::{Error, Problem, Result};
use crate::store::{
    hash_url, hot_score, not_found_photo, viewer_id, visible_owner, Direction, Keyset, Sql,
};
use crate::throttle::{Action, Throttle};
use crate::types::User;
use crate::types::{
    CommentBody, CommentId, CommentView, Cursor, Handle, Page, PhotoId, ProfileView, UserSummary,
};
use crate::views::{FanState, FavoriteState, NotificationKind};
use uuid::Uuid;

#[derive(Clone)]
pub struct Social {
    pub(crate) db: Db,
    throttle: Throttle,
    notifications: crate::notifications::Notifications,
    cluster: crate::cluster::Cluster,
}

pub(crate) const USER_SUMMARY: &str = "u.id, u.handle, u.display_name, u.icon_hash, u.fans_count";

/// A row of [`USER_SUMMARY`].
#[derive(Clone, sqlx::FromRow)]
pub(crate) struct SummaryRow {
    handle: String,
    display_name: String,
    icon_hash: Option<String>,
    fans_count: i64,
}

impl SummaryRow {
    pub(crate) fn view(self) -> Result<UserSummary> {
        Ok(UserSummary {
            handle: self.handle,
            display_name: self.display_name,
            icon_url: self.icon_hash.as_deref().map(hash_url).transpose()?,
            fans_count: self.fans_count,
        })
    }
}

/// A user's public profile, with the reader's fan state.
#[derive(sqlx::FromRow)]
struct ProfileRow {
    handle: String,
    display_name: String,
    bio: String,
    icon_hash: Option<String>,
    icon_large_hash: Option<String>,
    fans_count: i64,
    idols_count: i64,
    created_at: i64,
    photos_count: i64,
    is_fan: i64,
    blocked: i64,
    muted: i64,
}

/// A comment with its author.
#[derive(sqlx::FromRow)]
struct CommentRow {
    id: String,
    body: String,
    created_at: i64,
    author_id: String,
    handle: String,
    display_name: String,
    icon_hash: Option<String>,
}

fn not_found_user(handle: &str) -> Error {
    Problem::NoSuchUser {
        handle: handle.to_string(),
    }
    .into()
}

impl Social {
    pub fn new(
        db: Db,
        throttle: Throttle,
        notifications: crate::notifications::Notifications,
        cluster: crate::cluster::Cluster,
    ) -> Self {
        Self {
            db,
            throttle,
            notifications,
            cluster,
        }
    }

    /// After the commit that recorded notifications for `users`: their pages hear of it.
    fn wake(&self, users: &[String]) {
        self.notifications.wake(users, &self.cluster);
    }

    pub(crate) async fn user_id(&self, handle: &Handle) -> Result<String> {
        sqlx::query_scalar("SELECT id FROM users WHERE handle = $1")
            .bind(handle.as_str())
            .fetch_optional(self.db.pool())
            .await?
            .ok_or_else(|| not_found_user(handle.as_str()))
    }

    /// The photo's owner, if the photo is there for `viewer`: a photo hidden pending review is
    /// only there for its owner and admins, and a photo of a user with a block between them and
    /// `viewer` is not there for `viewer` (so nobody else favorites, comments on or reads it).
    async fn photo_exists(&self, photo: PhotoId, viewer: Option<&User>) -> Result<String> {
        let mut conn = self.db.pool().acquire().await?;
        let owner = visible_owner(&mut conn, &photo, viewer).await?;
        // Between two users with a block, each other's photos do not exist.
        if blocked_between(&mut conn, &viewer_id(viewer), &owner).await? {
            return Err(not_found_photo());
        }
        Ok(owner)
    }

    /// A user's public profile, as `viewer` sees it: the photos counted are those their page
    /// lists for `viewer` (unlisted ones only for their owner).
    pub async fn profile(&self, handle: &Handle, viewer: Option<&User>) -> Result<ProfileView> {
        let row: ProfileRow = sqlx::query_as(
            "SELECT u.handle, u.display_name, u.bio, u.icon_hash, u.icon_large_hash, u.fans_count,
                u.idols_count, u.created_at,
                (SELECT COUNT(*) FROM photos p WHERE p.owner_id = u.id AND p.hidden_at IS NULL
                    AND (p.unlisted = 0 OR p.owner_id = $2)) AS photos_count,
                (SELECT COUNT(*) FROM fans f WHERE f.idol_id = u.id AND f.fan_id = $2) AS is_fan,
                (SELECT COUNT(*) FROM blocks b WHERE b.blocked_id = u.id AND b.blocker_id = $2) AS blocked,
                (SELECT COUNT(*) FROM mutes m WHERE m.muted_id = u.id AND m.muter_id = $2) AS muted
             FROM users u WHERE u.handle = $1",
        )
        .bind(handle.as_str())
        .bind(viewer_id(viewer))
        .fetch_optional(self.db.pool())
        .await?
        .ok_or_else(|| not_found_user(handle.as_str()))?;
        Ok(ProfileView {
            icon_url: row.icon_hash.as_deref().map(hash_url).transpose()?,
            // Icons set before there were two sizes have only the small one.
            icon_large_url: row
                .icon_large_hash
                .as_deref()
                .or(row.icon_hash.as_deref())
                .map(hash_url)
                .transpose()?,
            handle: row.handle,
            display_name: row.display_name,
            bio: row.bio,
            fans_count: row.fans_count,
            fan_of_count: row.idols_count,
            photos_count: row.photos_count,
            is_fan: row.is_fan > 0,
            joined_at: rfc3339(row.created_at),
            blocked: row.blocked > 0,
            muted: row.muted > 0,
        })
    }

    /// The id of a user, for the feeds about them.
    pub async fn id_of(&self, handle: &Handle) -> Result<crate::types::UserId> {
        self.user_id(handle).await?.parse().map_err(Error::from)
    }

    /// Marks (`on`) or unmarks a favorite; both idempotent. What the reader then sees.
    pub async fn set_favorite(
        &self,
        user: &User,
        photo: PhotoId,
        on: bool,
    ) -> Result<FavoriteState> {
        let favorites_count = if on {
            self.favorite(user, photo).await?
        } else {
            self.unfavorite(user, photo).await?
        };
        Ok(FavoriteState {
            favorited: on,
            favorites_count,
        })
    }

    /// Makes `fan` a fan of `idol` (`on`) or not; both idempotent. What the reader then sees.
    pub async fn set_fan(&self, fan: &User, idol: &Handle, on: bool) -> Result<FanState> {
        let fans_count = if on {
            self.become_fan(fan, idol).await?
        } else {
            self.stop_being_fan(fan, idol).await?
        };
        Ok(FanState {
            is_fan: on,
            fans_count,
        })
    }

    /// Marks a photo as one of the user's favorites. Doing it twice is the same as doing it once.
    /// Returns the photo's favorites count.
    pub async fn favorite(&self, user: &User, photo: PhotoId) -> Result<i64> {
        let owner = self.photo_exists(photo, Some(user)).await?;
        let mut tx = self.db.begin_write().await?;
        let added = sqlx::query(
            "INSERT INTO favorites (user_id, photo_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, photo_id) DO NOTHING",
        )
        .bind(user.id.to_string())
        .bind(photo.to_string())
        .bind(now_micros())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let count = bump_favorites(&mut tx, &photo.to_string(), added as i64).await?;
        let mut woken = Vec::new();
        if added > 0 {
            let (me, photo) = (user.id.to_string(), photo.to_string());
            if self
                .notifications
                .record(
                    &mut tx,
                    &owner,
                    NotificationKind::Favorite,
                    Some(&me),
                    Some(&photo),
                )
                .await?
            {
                woken.push(owner);
            }
        }
        tx.commit().await?;
        self.wake(&woken);
        Ok(count)
    }

    /// Takes a photo off the user's favorites; a photo that was not one is not an error.
    pub async fn unfavorite(&self, user: &User, photo: PhotoId) -> Result<i64> {
        self.photo_exists(photo, Some(user)).await?;
        let mut tx = self.db.begin_write().await?;
        let removed = sqlx::query("DELETE FROM favorites WHERE user_id = $1 AND photo_id = $2")
            .bind(user.id.to_string())
            .bind(photo.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let count = bump_favorites(&mut tx, &photo.to_string(), -(removed as i64)).await?;
        tx.commit().await?;
        Ok(count)
    }

    /// Who favorited a photo, the latest first.
    pub async fn favoriters(
        &self,
        photo: PhotoId,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<UserSummary>> {
        self.photo_exists(photo, viewer).await?;
        self.user_page(
            "FROM favorites x JOIN users u ON u.id = x.user_id WHERE x.photo_id = {about}",
            Keyset::newest_first("x.created_at", "x.user_id"),
            photo.to_string(),
            viewer,
            cursor,
            limit,
        )
        .await
    }

    /// Makes `fan` a fan of `idol`. Idempotent; nobody can be their own fan.
    pub async fn become_fan(&self, fan: &User, idol: &Handle) -> Result<i64> {
        let idol_id = self.user_id(idol).await?;
        if idol_id == fan.id.to_string() {
            return Err(Problem::OwnFan.into());
        }
        let mut tx = self.db.begin_write().await?;
        if blocked_between(&mut tx, &fan.id.to_string(), &idol_id).await? {
            return Err(Problem::BlockedUser.into());
        }
        let added = sqlx::query(
            "INSERT INTO fans (fan_id, idol_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (fan_id, idol_id) DO NOTHING",
        )
        .bind(fan.id.to_string())
        .bind(&idol_id)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let count = Self::bump_fans(&mut tx, &fan.id.to_string(), &idol_id, added as i64).await?;
        let mut woken = Vec::new();
        if added > 0
            && self
                .notifications
                .record(
                    &mut tx,
                    &idol_id,
                    NotificationKind::Fan,
                    Some(&fan.id.to_string()),
                    None,
                )
                .await?
        {
            woken.push(idol_id.clone());
        }
        tx.commit().await?;
        self.wake(&woken);
        Ok(count)
    }

    /// `fan` stops being a fan of `idol`; not being one is not an error.
    pub async fn stop_being_fan(&self, fan: &User, idol: &Handle) -> Result<i64> {
        let idol_id = self.user_id(idol).await?;
        let mut tx = self.db.begin_write().await?;
        let removed = sqlx::query("DELETE FROM fans WHERE fan_id = $1 AND idol_id = $2")
            .bind(fan.id.to_string())
            .bind(&idol_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let count =
            Self::bump_fans(&mut tx, &fan.id.to_string(), &idol_id, -(removed as i64)).await?;
        tx.commit().await?;
        Ok(count)
    }

    /// Moves both users' counts by `delta` and returns the idol's fans count. The two rows are
    /// updated in id order, so two users becoming each other's fans at once cannot deadlock.
    pub(crate) async fn bump_fans(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        fan_id: &str,
        idol_id: &str,
        delta: i64,
    ) -> Result<i64> {
        let fan_first = fan_id < idol_id;
        for (is_fan, id) in [
            (fan_first, fan_id.min(idol_id)),
            (!fan_first, fan_id.max(idol_id)),
        ] {
            let column = if is_fan { "idols_count" } else { "fans_count" };
            sqlx::query(&format!(
                "UPDATE users SET {column} = {column} + $1 WHERE id = $2"
            ))
            .bind(delta)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        }
        Ok(
            sqlx::query_scalar("SELECT fans_count FROM users WHERE id = $1")
                .bind(idol_id)
                .fetch_one(&mut **tx)
                .await?,
        )
    }

    /// A user's fans, the latest first.
    pub async fn fans_of(
        &self,
        idol: &Handle,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<UserSummary>> {
        let id = self.user_id(idol).await?;
        self.user_page(
            "FROM fans x JOIN users u ON u.id = x.fan_id WHERE x.idol_id = {about}",
            Keyset::newest_first("x.created_at", "x.fan_id"),
            id,
            viewer,
            cursor,
            limit,
        )
        .await
    }

    /// The users a user is a fan of (their favourite users), the latest first.
    pub async fn idols_of(
        &self,
        fan: &Handle,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<UserSummary>> {
        let id = self.user_id(fan).await?;
        self.user_page(
            "FROM fans x JOIN users u ON u.id = x.idol_id WHERE x.fan_id = {about}",
            Keyset::newest_first("x.created_at", "x.idol_id"),
            id,
            viewer,
            cursor,
            limit,
        )
        .await
    }

    /// Users by number of fans, most first.
    pub async fn top_users(
        &self,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<UserSummary>> {
        self.user_page(
            "FROM users u WHERE {about} = ''",
            Keyset::newest_first("u.fans_count", "u.id"),
            String::new(),
            viewer,
            cursor,
            limit,
        )
        .await
    }

    /// One page of users as `viewer` sees it (nobody with a block between them): `from` names
    /// `about` where it says `{about}`, and the list runs in `keyset` order.
    async fn user_page(
        &self,
        from: &str,
        keyset: Keyset,
        about: String,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<UserSummary>> {
        let mut sql = Sql::new(format!("SELECT {USER_SUMMARY}, {} ", keyset.columns()));
        let about = sql.bind(about)?;
        sql.push(&from.replace("{about}", &about));
        sql.no_block(viewer, "u.id")?;
        keyset.page(&mut sql, cursor, limit)?;
        let rows = sql.fetch_all(&self.db).await?;
        keyset.finish(rows, limit, SummaryRow::view)
    }

    /// Adds a comment to a photo.
    pub async fn comment(
        &self,
        author: &User,
        photo: PhotoId,
        body: CommentBody,
    ) -> Result<CommentView> {
        self.throttle
            .hit(Action::Comment, &author.id.to_string())
            .await?;
        let owner = self.photo_exists(photo, Some(author)).await?;
        let id = Uuid::now_v7();
        let now = now_micros();
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "INSERT INTO comments (id, photo_id, author_id, body, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.to_string())
        .bind(photo.to_string())
        .bind(author.id.to_string())
        .bind(body.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE photos SET comments_count = comments_count + 1 WHERE id = $1")
            .bind(photo.to_string())
            .execute(&mut *tx)
            .await?;
        let (me, photo_id) = (author.id.to_string(), photo.to_string());
        let mut woken = self
            .notifications
            .record_mentions(&mut tx, body.as_str(), &me, Some(&photo_id))
            .await?;
        if !woken.contains(&owner)
            && self
                .notifications
                .record(
                    &mut tx,
                    &owner,
                    NotificationKind::Comment,
                    Some(&me),
                    Some(&photo_id),
                )
                .await?
        {
            woken.push(owner);
        }
        tx.commit().await?;
        self.wake(&woken);
        Ok(CommentView {
            id: id.to_string(),
            photo_id: photo.to_string(),
            author: author.handle.to_string(),
            author_display_name: author.display_name.clone(),
            author_icon_url: author.icon.as_ref().map(crate::types::media_url),
            body: body.as_str().to_owned(),
            created_at: rfc3339(now),
            can_delete: true,
        })
    }

    /// A photo's comments, oldest first (a conversation reads top to bottom).
    pub async fn comments(
        &self,
        photo: PhotoId,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<CommentView>> {
        self.photo_exists(photo, viewer).await?;
        let keyset = Keyset {
            direction: Direction::Ascending,
            ..Keyset::newest_first("c.created_at", "c.id")
        };
        let mut sql = Sql::new(format!(
            "SELECT c.id, c.body, c.created_at, c.author_id, u.handle, u.display_name, u.icon_hash,
                {} FROM comments c JOIN users u ON u.id = c.author_id WHERE c.photo_id = ",
            keyset.columns()
        ));
        let photo_param = sql.bind(photo.to_string())?;
        sql.push(&photo_param);
        sql.no_block(viewer, "c.author_id")?;
        keyset.page(&mut sql, cursor, limit)?;
        let rows = sql.fetch_all(&self.db).await?;
        let viewer_id = viewer_id(viewer);
        let is_admin = viewer.is_some_and(|v| v.is_admin);
        keyset.finish(rows, limit, |row: CommentRow| {
            let can_delete = is_admin || (!viewer_id.is_empty() && row.author_id == viewer_id);
            Ok(CommentView {
                id: row.id,
                photo_id: photo.to_string(),
                author: row.handle,
                author_display_name: row.display_name,
                author_icon_url: row.icon_hash.as_deref().map(hash_url).transpose()?,
                body: row.body,
                created_at: rfc3339(row.created_at),
                can_delete,
            })
        })
    }

    /// Deletes a comment: its author may, and so may an admin; nobody else.
    pub async fn delete_comment(&self, user: &User, photo: PhotoId, id: CommentId) -> Result<()> {
        let not_found = || Error::from(Problem::NoSuchComment);
        let author: String =
            sqlx::query_scalar("SELECT author_id FROM comments WHERE id = $1 AND photo_id = $2")
                .bind(id.to_string())
                .bind(photo.to_string())
                .fetch_optional(self.db.pool())
                .await?
                .ok_or_else(not_found)?;
        if author != user.id.to_string() && !user.is_admin {
            return Err(Problem::NotCommentAuthor.into());
        }
        let mut tx = self.db.begin_write().await?;
        let removed = sqlx::query("DELETE FROM comments WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed == 0 {
            return Err(not_found());
        }
        sqlx::query("UPDATE photos SET comments_count = comments_count - 1 WHERE id = $1")
            .bind(photo.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Moves a photo's favorites count by `delta` and recomputes its popularity from it. The first
/// UPDATE locks the row (Postgres) or the database (SQLite) until commit, so the score always
/// matches the count.
pub(crate) async fn bump_favorites(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    photo: &str,
    delta: i64,
) -> Result<i64> {
    let (count, created_at): (i64, i64) = sqlx::query_as(
        "UPDATE photos SET favorites_count = favorites_count + $1 WHERE id = $2
         RETURNING favorites_count, created_at",
    )
    .bind(delta)
    .bind(photo)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(not_found_photo)?;
    if delta != 0 {
        sqlx::query("UPDATE photos SET hot = $1 WHERE id = $2")
            .bind(hot_score(count, created_at))
            .bind(photo)
            .execute(&mut **tx)
            .await?;
    }
    Ok(count)
}
