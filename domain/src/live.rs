//! New photos as they are posted, for open Recent pages. One watcher per app node reads the
//! newest photos from the database (so photos posted on other nodes arrive too) when a photo is
//! published here or every [`POLL`], but only while someone is listening, and hands their ids to
//! every listener.

use crate::db::Db;
use crate::error::Result;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch, Notify};

/// How often the watcher looks for photos posted on other nodes.
pub const POLL: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

struct Inner {
    tx: broadcast::Sender<String>,
    wake: Notify,
    /// When the first of the current listeners subscribed: photos posted from then on are news.
    since: std::sync::Mutex<Option<i64>>,
    /// Turns true when the node shuts down, to end every open stream (so shutdown need not wait).
    closed: watch::Sender<bool>,
    /// Whose notifications changed: a user id, or `None` for "anyone's" (news from another node).
    users: broadcast::Sender<Option<String>>,
}

/// One listener's stream of new photo ids.
pub struct Subscription {
    rx: broadcast::Receiver<String>,
    closed: watch::Receiver<bool>,
}

impl Subscription {
    /// The next new photo's id; `None` once the node is shutting down. A listener too slow to
    /// keep up skips what it missed rather than holding the others back.
    pub async fn next(&mut self) -> Option<String> {
        loop {
            tokio::select! {
                got = self.rx.recv() => match got {
                    Ok(id) => return Some(id),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = self.closed.wait_for(|c| *c) => return None,
            }
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Self::new()
    }
}

impl Live {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(256);
        Self {
            inner: Arc::new(Inner {
                tx,
                wake: Notify::new(),
                since: std::sync::Mutex::new(None),
                closed: watch::channel(false).0,
                users: broadcast::channel(256).0,
            }),
        }
    }

    /// The ids of photos posted from now on.
    pub fn subscribe(&self) -> Subscription {
        if let Ok(mut since) = self.inner.since.lock() {
            since.get_or_insert_with(crate::db::now_micros);
        }
        let sub = Subscription {
            rx: self.inner.tx.subscribe(),
            closed: self.inner.closed.subscribe(),
        };
        self.wake();
        sub
    }

    /// `user`'s notifications changed (a new one, or read): their open pages look again.
    pub fn notify_user(&self, user: &str) {
        let _ = self.inner.users.send(Some(user.to_owned()));
    }

    /// Someone's notifications changed on another node: every open page looks again.
    pub fn notify_everyone(&self) {
        let _ = self.inner.users.send(None);
    }

    /// Whose notifications change from now on (`None`: maybe anyone's).
    pub fn user_changes(&self) -> broadcast::Receiver<Option<String>> {
        self.inner.users.subscribe()
    }

    /// Turns true when the node shuts down: long-lived streams end on it.
    pub fn closed(&self) -> watch::Receiver<bool> {
        self.inner.closed.subscribe()
    }

    /// A photo was just published on this node: look now rather than at the next poll.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// The watcher; runs until `stop` turns true.
    pub async fn run(self, db: Db, mut stop: watch::Receiver<bool>) {
        // The newest photo already announced (or already there when the first listener came).
        let mut last: Option<(i64, String)> = None;
        loop {
            tokio::select! {
                _ = self.inner.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = stop.wait_for(|s| *s) => {
                    self.inner.closed.send_replace(true);
                    return;
                }
            }
            if self.inner.tx.receiver_count() == 0 {
                last = None;
                if let Ok(mut since) = self.inner.since.lock() {
                    *since = None;
                }
                continue;
            }
            if let Err(e) = self.announce(&db, &mut last).await {
                tracing::warn!(error = %e, "could not look for new photos");
            }
        }
    }

    async fn announce(&self, db: &Db, last: &mut Option<(i64, String)>) -> Result<()> {
        // The first pass after listeners arrived starts where the first of them subscribed, so a
        // photo posted right after subscribing is never taken for an old one.
        let (at, id) = last.clone().unwrap_or_else(|| {
            let since = self.inner.since.lock().ok().and_then(|s| *s);
            (since.unwrap_or_else(crate::db::now_micros), String::new())
        });
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT created_at, id FROM photos WHERE (created_at, id) > ($1, $2) AND unlisted = 0
             ORDER BY created_at, id LIMIT 100",
        )
        .bind(at)
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        for (at, id) in rows {
            let _ = self.inner.tx.send(id.clone());
            *last = Some((at, id));
        }
        Ok(())
    }
}

/// Keeps a watched value current: every `every`, while anyone holds a receiver of `tx`, calls
/// `refresh` (which sends only when the value changed). One database read per node for all the
/// pages listening, instead of one per page. Runs until `stop` turns true.
pub(crate) async fn refresh_while_watched<T, F, Fut>(
    tx: &watch::Sender<T>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
    what: &str,
    refresh: F,
) where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        if tx.receiver_count() == 0 {
            continue;
        }
        if let Err(e) = refresh().await {
            tracing::warn!(error = %e, "could not read {what}");
        }
    }
}
