//! Notifications: someone favorited my photo, became my fan, commented on my photo or mentioned
//! me (`@handle` in a caption or comment), or an admin hid or removed my photo. Each event is one
//! row, written in the transaction of what caused it; nothing for one's own actions, nothing
//! between users with a block, nothing of a kind the user turned off, and a favorite taken back
//! and given again while the first is unread is not news twice. The page groups the rows per kind,
//! photo and day. After the commit the recipient's open pages hear of it: at once on this node,
//! and through the event bus on the others.

use crate::blocks::blocked_between;
use crate::db::{now_micros, rfc3339, Db};
use crate::error::Result;
use crate::live::Live;
use crate::store::{hash_url, Sql};
use crate::types::{Cursor, Page, User};
use crate::views::{NotificationGroup, NotificationKind, NotificationSettings, UnreadCount};
use sqlx::FromRow;
use std::collections::HashMap;
use uuid::Uuid;

/// Microseconds in a day: the page groups events per UTC day.
const DAY: i64 = 86_400_000_000;
/// The unread count stops at this (the bell shows "99+").
pub const UNREAD_CAP: i64 = 100;

/// The handles `@mentioned` in a text: `@` not after a letter, digit or `_`, then a handle's
/// characters; each once, at most 10.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' && (i == 0 || !word(chars[i - 1])) {
            let handle: String = chars[i + 1..]
                .iter()
                .take_while(|c| word(**c))
                .collect::<String>()
                .to_lowercase();
            i += handle.chars().count();
            if crate::types::Handle::parse(&handle).is_ok() && !found.contains(&handle) {
                found.push(handle);
                if found.len() == 10 {
                    break;
                }
            }
        }
        i += 1;
    }
    found
}

#[derive(Clone)]
pub struct Notifications {
    db: Db,
    live: Live,
}

/// The kinds of notification that are never grouped: each is a group of its own.
const SINGLE_KINDS: [&str; 3] = ["mention", "hidden", "removed"];

/// One line of [`Notifications::page`]: a group of notifications.
#[derive(sqlx::FromRow)]
struct GroupRow {
    kind: String,
    photo: String,
    latest: i64,
    last_id: String,
    people: i64,
    unread: i64,
    /// Everyone's "time:user id", in no order (none for an admin's action).
    actors: Option<String>,
    thumb_hash: Option<String>,
}

impl GroupRow {
    /// The latest three people, newest first, each once.
    fn latest_actors(&self) -> Vec<&str> {
        let mut all: Vec<(i64, &str)> = self
            .actors
            .as_deref()
            .unwrap_or_default()
            .split(' ')
            .filter_map(|w| w.split_once(':'))
            .filter_map(|(t, id)| Some((t.parse().ok()?, id)))
            .collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        let mut latest: Vec<&str> = Vec::new();
        for (_, id) in all {
            if !latest.contains(&id) {
                latest.push(id);
                if latest.len() == 3 {
                    break;
                }
            }
        }
        latest
    }
}

/// A user of [`Notifications::page`]'s lines.
#[derive(sqlx::FromRow)]
struct Actor {
    id: String,
    #[sqlx(flatten)]
    summary: crate::social::SummaryRow,
}

impl Notifications {
    pub fn new(db: Db, live: Live) -> Self {
        Self { db, live }
    }

    /// Within the caller's transaction: tells `to` (a user id) that `actor` did `kind` (about
    /// `photo`). Returns whether a row was written; call [`Notifications::wake`] with `to` after
    /// the commit when it was.
    pub(crate) async fn record(
        &self,
        conn: &mut sqlx::AnyConnection,
        to: &str,
        kind: NotificationKind,
        actor: Option<&str>,
        photo: Option<&str>,
    ) -> Result<bool> {
        if actor == Some(to) {
            return Ok(false);
        }
        let off: Option<String> = sqlx::query_scalar("SELECT notify_off FROM users WHERE id = $1")
            .bind(to)
            .fetch_optional(&mut *conn)
            .await?;
        let Some(off) = off else {
            return Ok(false);
        };
        if off.split(',').any(|k| k == kind.as_str()) {
            return Ok(false);
        }
        if let Some(actor) = actor {
            if blocked_between(&mut *conn, to, actor).await? {
                return Ok(false);
            }
            if kind == NotificationKind::Favorite || kind == NotificationKind::Fan {
                let again: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = $2
                        AND actor_id = $3 AND COALESCE(photo_id, '') = $4 AND read_at IS NULL",
                )
                .bind(to)
                .bind(kind.as_str())
                .bind(actor)
                .bind(photo.unwrap_or_default())
                .fetch_one(&mut *conn)
                .await?;
                if again > 0 {
                    return Ok(false);
                }
            }
        }
        sqlx::query(
            "INSERT INTO notifications (id, user_id, kind, actor_id, photo_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(to)
        .bind(kind.as_str())
        .bind(actor.map(str::to_owned))
        .bind(photo.map(str::to_owned))
        .bind(now_micros())
        .execute(&mut *conn)
        .await?;
        Ok(true)
    }

    /// Within the caller's transaction: a `mention` for every existing user `@named` in `text`
    /// by `actor` (about `photo`). Returns whom to wake.
    pub(crate) async fn record_mentions(
        &self,
        conn: &mut sqlx::AnyConnection,
        text: &str,
        actor: &str,
        photo: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut woken = Vec::new();
        for handle in mentions(text) {
            let id: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE handle = $1")
                .bind(&handle)
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(id) = id {
                if self
                    .record(conn, &id, NotificationKind::Mention, Some(actor), photo)
                    .await?
                {
                    woken.push(id);
                }
            }
        }
        Ok(woken)
    }

    /// After the commit: the recipients' open pages update their bell (this node at once, the
    /// other nodes through the event bus).
    pub fn wake(&self, users: &[String], cluster: &crate::cluster::Cluster) {
        if users.is_empty() {
            return;
        }
        for user in users {
            self.live.notify_user(user);
        }
        cluster.notify("notification");
    }

    /// How many unread notifications `user` has, up to [`UNREAD_CAP`].
    pub async fn unread(&self, user: &User) -> Result<UnreadCount> {
        let unread: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM notifications
                WHERE user_id = $1 AND read_at IS NULL LIMIT 100) AS x",
        )
        .bind(user.id.to_string())
        .fetch_one(self.db.pool())
        .await?;
        Ok(UnreadCount { unread })
    }

    /// Marks every notification of `user` read.
    pub async fn mark_read(&self, user: &User) -> Result<()> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(now_micros())
            .bind(user.id.to_string())
            .execute(self.db.pool())
            .await?;
        self.live.notify_user(&user.id.to_string());
        Ok(())
    }

    pub async fn settings(&self, user: &User) -> Result<NotificationSettings> {
        let off: String = sqlx::query_scalar("SELECT notify_off FROM users WHERE id = $1")
            .bind(user.id.to_string())
            .fetch_one(self.db.pool())
            .await?;
        Ok(NotificationSettings {
            off: off.split(',').filter_map(NotificationKind::parse).collect(),
        })
    }

    pub async fn set_settings(
        &self,
        user: &User,
        settings: &NotificationSettings,
    ) -> Result<NotificationSettings> {
        let off: Vec<&str> = NotificationKind::ALL
            .into_iter()
            .filter(|k| settings.off.contains(k))
            .map(NotificationKind::as_str)
            .collect();
        sqlx::query("UPDATE users SET notify_off = $1 WHERE id = $2")
            .bind(off.join(","))
            .bind(user.id.to_string())
            .execute(self.db.pool())
            .await?;
        self.settings(user).await
    }

    /// A page of `user`'s notifications, grouped per kind, photo and day, the latest first.
    pub async fn page(
        &self,
        user: &User,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<NotificationGroup>> {
        let me = user.id.to_string();
        let before = match &cursor {
            Some(c) => (c.key.div_euclid(DAY) + 1).saturating_mul(DAY),
            None => i64::MAX,
        };
        let after = cursor.map(|c| (c.key, c.id.to_string()));
        // Every row of a group lies in one UTC day, so the groups run day by day: the page's
        // groups are those of the latest whole days before the cursor's day ends. Read only
        // those days — the days of the next `window` rows, widened until they hold more groups
        // than the page — rather than every notification the user ever had.
        let singles = SINGLE_KINDS.map(|k| format!("'{k}'")).join(", ");
        let mut window: i64 = 16 * (i64::from(limit) + 1);
        let mut groups: Vec<GroupRow> = loop {
            let edge: Option<i64> = sqlx::query_scalar(
                "SELECT created_at FROM notifications WHERE user_id = $1 AND created_at < $2
                 ORDER BY created_at DESC LIMIT 1 OFFSET $3",
            )
            .bind(&me)
            .bind(before)
            .bind(window)
            .fetch_optional(self.db.pool())
            .await?;
            // From the start of the edge row's day (or from the first notification).
            let from = edge.map_or(i64::MIN, |t| t.div_euclid(DAY) * DAY);
            // The lines of those days, each with its people as "time:id" words (the page
            // keeps the latest three): sqlx hands SQLite's rows over one at a time, so reading
            // the days' rows to group them here cost more than the grouping.
            let rows: Vec<GroupRow> = sqlx::query_as(&format!(
                "SELECT n.kind, COALESCE(n.photo_id, '') AS photo, n.created_at / {DAY} AS day,
                    CASE WHEN n.kind IN ({singles}) THEN n.id ELSE '' END AS single,
                    MAX(n.created_at) AS latest, MAX(n.id) AS last_id,
                    COUNT(DISTINCT n.actor_id) AS people,
                    SUM(CASE WHEN n.read_at IS NULL THEN 1 ELSE 0 END) AS unread,
                    string_agg(CAST(n.created_at AS TEXT) || ':' || n.actor_id, ' ') AS actors,
                    MAX(p.thumb_hash) AS thumb_hash
                 FROM notifications n LEFT JOIN photos p ON p.id = n.photo_id
                 WHERE n.user_id = $1 AND n.created_at >= $2 AND n.created_at < $3
                 GROUP BY n.kind, COALESCE(n.photo_id, ''), n.created_at / {DAY},
                    CASE WHEN n.kind IN ({singles}) THEN n.id ELSE '' END"
            ))
            .bind(&me)
            .bind(from)
            .bind(before)
            .fetch_all(self.db.pool())
            .await?;
            let mut groups = rows;
            if let Some((key, id)) = &after {
                groups.retain(|g| (g.latest, g.last_id.as_str()) < (*key, id.as_str()));
            }
            if groups.len() > limit as usize || edge.is_none() {
                break groups;
            }
            window = window.saturating_mul(4);
        };
        groups.sort_by(|a, b| (b.latest, &b.last_id).cmp(&(a.latest, &a.last_id)));
        let more = groups.len() > limit as usize;
        groups.truncate(limit as usize);

        // The lines' latest three people, each looked up once.
        let actors: Vec<Vec<&str>> = groups.iter().map(GroupRow::latest_actors).collect();
        let mut people: HashMap<String, crate::social::SummaryRow> = HashMap::new();
        let mut ids: Vec<&str> = actors.iter().flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        if !ids.is_empty() {
            let mut sql = Sql::new(format!(
                "SELECT {} FROM users u WHERE u.id IN (",
                crate::social::USER_SUMMARY
            ));
            let list = ids
                .iter()
                .map(|p| sql.bind(p.to_string()))
                .collect::<Result<Vec<_>>>()?;
            sql.push(&list.join(", ")).push(")");
            for row in sql.fetch_all(&self.db).await? {
                let actor = Actor::from_row(&row)?;
                people.insert(actor.id, actor.summary);
            }
        }

        let mut items = Vec::new();
        let mut next_cursor = None;
        for (g, actors) in groups.iter().zip(actors) {
            let Some(kind) = NotificationKind::parse(&g.kind) else {
                continue;
            };
            next_cursor = Some(
                Cursor {
                    key: g.latest,
                    id: g.last_id.parse().map_err(crate::error::Error::internal)?,
                }
                .encode(),
            );
            items.push(NotificationGroup {
                kind,
                photo_id: (!g.photo.is_empty()).then(|| g.photo.clone()),
                photo_thumb_url: g.thumb_hash.as_deref().map(hash_url).transpose()?,
                actors: actors
                    .iter()
                    .filter_map(|id| people.get(*id).cloned())
                    .map(crate::social::SummaryRow::view)
                    .collect::<Result<_>>()?,
                people: g.people,
                unread: g.unread > 0,
                latest_at: rfc3339(g.latest),
            });
        }
        Ok(Page {
            items,
            next_cursor: if more { next_cursor } else { None },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn mentions_are_handles_after_an_at_sign() {
        assert_eq!(
            mentions("@aiko look! cc @Kwame_2, @aiko again; mail@example.com @x @日本"),
            ["aiko", "kwame_2"]
        );
        assert!(mentions("no one here").is_empty());
        let many: String = (0..20).map(|i| format!("@user{i:02} ")).collect();
        assert_eq!(mentions(&many).len(), 10);
    }
}
