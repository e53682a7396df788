//! Blocking and muting. A block works both ways: the two users' photos and comments are hidden
//! from each other (404, as if they did not exist), neither can favorite or comment on the
//! other's photos or become the other's fan, and blocking ends the fan relation both ways. A
//! mute only takes the muted user's photos out of the muter's feeds (Recent, Popular, Fans);
//! their page and photos stay reachable.

use crate::db::now_micros;
use crate::error::{Problem, Result};
use crate::social::{Social, USER_SUMMARY};
use crate::types::{Handle, User, UserSummary};
use crate::views::{BlockList, Relation};

/// SQL that holds when users `a` and `b` (two SQL expressions) have no block between them.
pub(crate) fn no_block(a: &str, b: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM blocks bk WHERE (bk.blocker_id = {a} AND bk.blocked_id = {b})
            OR (bk.blocker_id = {b} AND bk.blocked_id = {a}))"
    )
}

/// SQL that holds when `muter` has not muted `muted`.
pub(crate) fn not_muted(muter: &str, muted: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM mutes mt WHERE mt.muter_id = {muter} AND mt.muted_id = {muted})"
    )
}

/// Whether users `a` and `b` (ids) have a block between them, either way.
pub(crate) async fn blocked_between(
    conn: &mut sqlx::AnyConnection,
    a: &str,
    b: &str,
) -> Result<bool> {
    if a.is_empty() || b.is_empty() || a == b {
        return Ok(false);
    }
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2)
            OR (blocker_id = $2 AND blocked_id = $1)",
    )
    .bind(a)
    .bind(b)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Which of the two relations a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    Block,
    Mute,
}

impl Social {
    /// Blocks or mutes (`on`) `handle` for `user`, or lifts it; idempotent. Blocking also ends
    /// the fan relation both ways (counts kept). 422 `own_block` for oneself.
    pub async fn set_relation(
        &self,
        user: &User,
        handle: &Handle,
        kind: RelationKind,
        on: bool,
    ) -> Result<Relation> {
        let them = self.user_id(handle).await?;
        let me = user.id.to_string();
        if them == me {
            return Err(Problem::OwnBlock.into());
        }
        let (table, mine, theirs) = match kind {
            RelationKind::Block => ("blocks", "blocker_id", "blocked_id"),
            RelationKind::Mute => ("mutes", "muter_id", "muted_id"),
        };
        let mut tx = self.db.begin_write().await?;
        if on {
            sqlx::query(&format!(
                "INSERT INTO {table} ({mine}, {theirs}, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT ({mine}, {theirs}) DO NOTHING"
            ))
            .bind(&me)
            .bind(&them)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            if kind == RelationKind::Block {
                for (fan, idol) in [(&me, &them), (&them, &me)] {
                    let removed =
                        sqlx::query("DELETE FROM fans WHERE fan_id = $1 AND idol_id = $2")
                            .bind(fan)
                            .bind(idol)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                    if removed > 0 {
                        Self::bump_fans(&mut tx, fan, idol, -(removed as i64)).await?;
                    }
                }
            }
        } else {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE {mine} = $1 AND {theirs} = $2"
            ))
            .bind(&me)
            .bind(&them)
            .execute(&mut *tx)
            .await?;
        }
        let relation = relation_of(&mut tx, &me, &them).await?;
        tx.commit().await?;
        tracing::info!(user = %user.handle, other = %handle, ?kind, on, "relation changed");
        Ok(relation)
    }

    /// Whom `user` blocked and muted, the latest first (at most 1,000 of each).
    pub async fn blocks(&self, user: &User) -> Result<BlockList> {
        let list = |table: &str, mine: &str, theirs: &str| {
            format!(
                "SELECT {USER_SUMMARY} FROM {table} x JOIN users u ON u.id = x.{theirs}
                 WHERE x.{mine} = $1 ORDER BY x.created_at DESC LIMIT 1000"
            )
        };
        let mut out = BlockList::default();
        for (target, sql) in [
            (&mut out.blocked, list("blocks", "blocker_id", "blocked_id")),
            (&mut out.muted, list("mutes", "muter_id", "muted_id")),
        ] {
            let rows: Vec<crate::social::SummaryRow> = sqlx::query_as(&sql)
                .bind(user.id.to_string())
                .fetch_all(self.db.pool())
                .await?;
            *target = rows
                .into_iter()
                .map(crate::social::SummaryRow::view)
                .collect::<Result<Vec<UserSummary>>>()?;
        }
        Ok(out)
    }
}

/// How `me` stands to `them` (ids).
pub(crate) async fn relation_of(
    conn: &mut sqlx::AnyConnection,
    me: &str,
    them: &str,
) -> Result<Relation> {
    let (blocked, muted): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM blocks WHERE blocker_id = $1 AND blocked_id = $2),
                (SELECT COUNT(*) FROM mutes WHERE muter_id = $1 AND muted_id = $2)",
    )
    .bind(me)
    .bind(them)
    .fetch_one(conn)
    .await?;
    Ok(Relation {
        blocked: blocked > 0,
        muted: muted > 0,
    })
}
