//! Server-sent events. `/api/v1/live` is the one stream a page needs: the current announcement
//! and storage health (each when it opens and whenever it changes), every new photo's id, and for
//! a signed-in reader their unread notifications count. `/api/v1/photos/live` and
//! `/api/v1/announcements/live` carry one kind each, for clients that want only that. Every stream
//! sends a keep-alive comment every 15 s and ends when the node shuts down.

use super::auth::Viewer;
use super::error::ApiError;
use super::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::stream::{BoxStream, StreamExt};
use photoshare_domain::accounts::User;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/live", get(everything))
        .route("/photos/live", get(photos))
        .route("/announcements/live", get(announcements))
}

type Events = BoxStream<'static, Result<Event, Infallible>>;

fn sse(events: Events) -> Response {
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// A `photo` event with the id of each photo posted from now on.
fn photo_events(state: &AppState) -> Events {
    let sub = state.services.live.subscribe();
    futures::stream::unfold(sub, |mut sub| async move {
        let id = sub.next().await?;
        Some((Ok(Event::default().event("photo").data(id)), sub))
    })
    .boxed()
}

/// An event named `name` with `rx`'s value as JSON: now, and on every change, until the node
/// shuts down.
fn watch_events<T: serde::Serialize + Send + Sync + 'static>(
    state: &AppState,
    mut rx: tokio::sync::watch::Receiver<T>,
    name: &'static str,
) -> Events {
    rx.mark_changed();
    let closed = state.services.live.closed();
    futures::stream::unfold((rx, closed), move |(mut rx, mut closed)| async move {
        tokio::select! {
            changed = rx.changed() => changed.ok()?,
            _ = closed.wait_for(|c| *c) => return None,
        }
        let data = serde_json::to_string(&*rx.borrow_and_update()).ok()?;
        Some((Ok(Event::default().event(name).data(data)), (rx, closed)))
    })
    .boxed()
}

/// An `announcement` event now and on every change: the announcement as JSON, or `null`.
async fn announcement_events(state: &AppState) -> Result<Events, ApiError> {
    let announcements = &state.services.announcements;
    // The watchers only poll while someone listens: bring the value up to date first.
    announcements.refresh().await?;
    Ok(watch_events(state, announcements.watch(), "announcement"))
}

/// A `storage` event now and whenever what users are told changes: `{"storage": "ok" |
/// "degraded" | "paused", "backlog_objects", "oldest_unsynced_seconds"}` (as `GET /api/v1/status`).
async fn storage_events(state: &AppState) -> Result<Events, ApiError> {
    let media = &state.services.media;
    media.refresh_storage().await?;
    Ok(watch_events(
        state,
        media.health().storage_changes(),
        "storage",
    ))
}

/// For a signed-in reader, a `notifications` event with `{"unread": n}` now and whenever it
/// changes (a new notification, or read on another page).
fn notification_events(state: &AppState, user: User) -> Events {
    let changes = state.services.live.user_changes();
    let closed = state.services.live.closed();
    let services = state.services.clone();
    let me = user.id.to_string();
    futures::stream::unfold(
        (changes, closed, None::<i64>),
        move |(mut changes, mut closed, last)| {
            let (services, user, me) = (services.clone(), user.clone(), me.clone());
            async move {
                loop {
                    if last.is_some() {
                        tokio::select! {
                            got = changes.recv() => match got {
                                Ok(Some(who)) if who != me => continue,
                                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                                Err(broadcast::error::RecvError::Closed) => return None,
                            },
                            _ = closed.wait_for(|c| *c) => return None,
                        }
                    }
                    // A database that fails here ends this part of the stream: the page's other
                    // events go on, and its bell catches up when the page is next loaded.
                    let count = services.notifications.unread(&user).await.ok()?;
                    if last == Some(count.unread) {
                        continue;
                    }
                    let data = serde_json::to_string(&count).ok()?;
                    let event = Event::default().event("notifications").data(data);
                    return Some((Ok(event), (changes, closed, Some(count.unread))));
                }
            }
        },
    )
    .boxed()
}

async fn everything(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
) -> Result<Response, ApiError> {
    let announcements = announcement_events(&state).await?;
    let storage = storage_events(&state).await?;
    let mut streams = vec![announcements, storage, photo_events(&state)];
    if let Some(user) = viewer {
        streams.push(notification_events(&state, user));
    }
    Ok(sse(futures::stream::select_all(streams).boxed()))
}

async fn photos(State(state): State<AppState>) -> Response {
    sse(photo_events(&state))
}

async fn announcements(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(sse(announcement_events(&state).await?))
}
