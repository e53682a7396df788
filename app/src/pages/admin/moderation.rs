//! The moderation queue card; its hide / unhide / delete buttons are the photo page's
//! ([`crate::pages::moderate`]).

use super::parts::Time;
use crate::components::{alt_text, Feed, MoreButton};
use crate::error::AppError;
use crate::i18n::t;
use crate::pages::moderate::ModerationActions;
use leptos::prelude::*;
use photoshare_domain::types::Page;
use photoshare_domain::views::ModerationItem;

/// A page of the moderation queue: photos reported or hidden, the latest flagged first.
#[server(prefix = "/api/sf", endpoint = "moderation_queue", protocol = crate::sf::Sf)]
pub async fn moderation_page(
    cursor: Option<String>,
    limit: Option<u32>,
) -> Result<Page<ModerationItem>, AppError> {
    let (s, admin) = crate::session::ssr::admin().await?;
    let (cursor, limit) = photoshare_domain::types::page_request(cursor.as_deref(), limit)?;
    Ok(s.moderation.queue(&admin, cursor, limit).await?)
}

/// Why a photo in the queue is hidden, in words, with its badge colour.
fn hidden_state(hidden: Option<&str>) -> (&'static str, &'static str) {
    match hidden {
        Some("reports") => ("warn", t("Hidden automatically")),
        Some(_) => ("bad", t("Hidden by an admin")),
        None => ("ok", t("Visible")),
    }
}

#[component]
pub(super) fn ModerationCard(queued: Signal<Option<i64>>) -> AnyView {
    let feed = Feed::new(|cursor| moderation_page(cursor, Some(20)));
    // The overview counts the queue every few seconds; read the list again when that changes.
    Effect::new(move |before: Option<Option<i64>>| {
        let now = queued.get();
        if matches!(before, Some(Some(n)) if Some(n) != now) {
            feed.reload();
        }
        now
    });
    view! {
        <section class="card wide" aria-labelledby="moderation-title" data-testid="moderation-card">
            <h2 id="moderation-title">
                {move || t("Moderation queue")} " "
                {move || queued.get().map(|n| view! { <span class="badge" data-testid="moderation-count">{n}</span> })}
            </h2>
            <Show when=move || feed.is_empty()>
                <p class="hint" data-testid="moderation-empty">{move || t("Nothing to review.")}</p>
            </Show>
            <ul class="queue" data-testid="moderation-queue">
                <For
                    each=move || feed.items.get()
                    key=|m| (m.photo.id.clone(), m.hidden.clone(), m.reports.len())
                    children=move |m| view! { <QueueItem item=m feed=feed /> }
                />
            </ul>
            <MoreButton feed=feed />
        </section>
    }
    .into_any()
}

#[component]
fn QueueItem(item: ModerationItem, feed: Feed<ModerationItem>) -> AnyView {
    let p = item.photo;
    let alt = alt_text(&p);
    let hidden = item.hidden;
    let is_hidden = hidden.is_some();
    let badge = format!("badge {}", hidden_state(hidden.as_deref()).0);
    let state = move || hidden_state(hidden.as_deref()).1;
    view! {
        <li class="queue-item" data-testid="queue-item">
            <a class="queue-thumb" href=format!("/p/{}", p.id)>
                <img src=p.urls.thumb.clone() alt=alt width="96" height="96" loading="lazy" decoding="async" />
            </a>
            <div class="queue-body">
                <p class="queue-head">
                    <a href=format!("/u/{}", p.owner)>"@" {p.owner.clone()}</a>
                    " "
                    <span class=badge data-testid="queue-state">{state}</span>
                </p>
                <p class="queue-caption">{p.caption.clone()}</p>
                <ul class="reports">
                    {item
                        .reports
                        .into_iter()
                        .map(|r| {
                            view! {
                                <li>
                                    <strong>"@" {r.reporter}</strong> " " <Time at=r.created_at /> <br />
                                    <span class="report-reason">{r.reason}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <ModerationActions
                    photo_id=p.id.clone()
                    hidden=is_hidden
                    in_queue=true
                    on_done=UnsyncCallback::new(move |_| feed.reload())
                />
            </div>
        </li>
    }
    .into_any()
}
