//! The storage card: the S3 sync worker's state and backlog, recent S3 errors, and the pause,
//! resume and retry buttons.

use super::parts::{Facts, Kind, Overview, Row, Time};
use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::format::{bytes_i, duration};
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::views::{StorageHealth, SyncAction};

/// Pause, resume or retry the sync (admins).
#[server(prefix = "/api/sf", endpoint = "control_sync", protocol = crate::sf::Sf)]
pub async fn control_sync(action: SyncAction) -> Result<(), AppError> {
    let (s, admin) = crate::session::ssr::admin().await?;
    Ok(s.media.control_sync(action, &admin).await?)
}

/// The sync worker's state in words, with the badge colour that goes with it.
fn sync_state(state: &str) -> (&'static str, String) {
    match state {
        "running" => ("ok", t("Syncing to S3").into()),
        "paused" => ("warn", t("Paused by an admin").into()),
        "circuit_open" => ("bad", t("Waiting after repeated S3 errors").into()),
        other => ("", other.to_owned()),
    }
}

/// Whether this node can reach S3, in words.
fn s3_state(state: &str) -> (&'static str, String) {
    match state {
        "ok" => ("ok", t("Reachable").into()),
        "unreachable" => ("bad", t("Unreachable").into()),
        "unknown" => ("", t("Not contacted yet").into()),
        other => ("", other.to_owned()),
    }
}

#[component]
pub(super) fn StorageCard(storage: Memo<Option<StorageHealth>>, overview: Overview) -> AnyView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let run = move |action: SyncAction| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match control_sync(action).await {
                Ok(()) => {
                    error.set(None);
                    overview.load().await;
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    let paused = move || storage.with(|s| s.as_ref().is_some_and(|s| s.sync == "paused"));
    view! {
        <section class="card" aria-labelledby="storage-title" data-testid="storage-card">
            <h2 id="storage-title">{move || t("Storage")}</h2>
            {move || match storage.get() {
                Some(s) => view! { <StorageFacts s=s /> }.into_any(),
                None => view! { <p class="hint">{move || t("Loading…")}</p> }.into_any(),
            }}
            <div class="card-actions">
                <Show
                    when=paused
                    fallback=move || view! {
                        <button type="button" class="button" disabled=move || busy.get() on:click=move |_| run(SyncAction::Pause) data-testid="pause-sync">
                            {move || t("Pause sync")}
                        </button>
                    }
                >
                    <button type="button" class="button primary" disabled=move || busy.get() on:click=move |_| run(SyncAction::Resume) data-testid="resume-sync">
                        {move || t("Resume sync")}
                    </button>
                </Show>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| run(SyncAction::Retry) data-testid="retry-sync">
                    {move || t("Retry now")}
                </button>
            </div>
            <ErrorMessage message=error />
        </section>
    }
    .into_any()
}

#[component]
fn StorageFacts(s: StorageHealth) -> impl IntoView {
    let (sync, s3) = (s.sync.clone(), s.s3.clone());
    let oldest = (s.backlog_objects > 0).then_some(s.oldest_unsynced_seconds);
    let backlog_bytes = s.backlog_bytes;
    let errors = s.recent_errors.into_iter().take(10).collect::<Vec<_>>();
    let rows = vec![
        Row::new(|| t("Sync"), move || sync_state(&sync).1)
            .kind(Kind::Badge(sync_state(&s.sync).0))
            .id("sync-state"),
        Row::new(|| t("S3"), move || s3_state(&s3).1)
            .kind(Kind::Badge(s3_state(&s.s3).0))
            .id("s3-state"),
        Row::of(|| t("Bucket"), s.bucket).kind(Kind::Code),
        Row::of(|| t("Waiting to sync"), s.backlog_objects)
            .id("backlog-objects")
            .then(move || format!("{} · {}", t("objects"), bytes_i(backlog_bytes))),
        Row::new(
            || t("Oldest unsynced"),
            move || oldest.map(duration).unwrap_or_else(|| "—".into()),
        ),
        Row::of(|| t("Synced in the last minute"), s.drained_last_minute),
        Row::of(|| t("Deletions waiting for S3"), s.pending_deletes),
    ];
    let mut rows = rows;
    if s.single_copy_objects > 0 {
        // Only with --replicas 2: uploads taken while no other node could hold a copy.
        rows.push(
            Row::of(|| t("On one node only"), s.single_copy_objects)
                .kind(Kind::Badge("warn"))
                .id("single-copy"),
        );
    }
    view! {
        <Facts rows=rows />
        <h3>{move || t("Recent S3 errors")}</h3>
        {if errors.is_empty() {
            view! { <p class="hint">{move || t("No recent errors.")}</p> }.into_any()
        } else {
            view! {
                <ul class="events" data-testid="recent-errors">
                    {errors
                        .into_iter()
                        .map(|e| view! { <li><Time at=e.at /> " " <span class="event-message">{e.message}</span></li> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}
