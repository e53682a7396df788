//! The moderation queue card, and the hide / unhide / delete buttons it shares with the photo
//! page.

use super::parts::Time;
use crate::browser;
use crate::components::{alt_text, ErrorMessage, Feed, MoreButton};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::types::Page;
use photoshare_domain::views::{ModerationAction, ModerationItem};

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

/// Hide, unhide or delete a photo (admins).
#[server(prefix = "/api/sf", endpoint = "moderate", protocol = crate::sf::Sf)]
pub async fn moderate(photo: String, action: ModerationAction) -> Result<(), AppError> {
    let (s, admin) = crate::session::ssr::admin().await?;
    let photo = photoshare_domain::types::photo_in_path(&photo)?;
    Ok(s.moderation.act(photo, action, &admin).await?)
}

/// What an admin did to a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moderated {
    Hidden,
    Shown,
    Deleted,
}

/// An admin's buttons for one photo: hide, unhide, delete. In the moderation queue, "Keep"
/// (unhide) also settles the reports on a photo that is still visible.
#[component]
pub fn ModerationActions(
    photo_id: String,
    #[prop(into)] hidden: Signal<bool>,
    in_queue: bool,
    on_done: UnsyncCallback<Moderated>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(photo_id);
    let act = move |what: Moderated| {
        let id = id.get_value();
        let action = match what {
            Moderated::Hidden => ModerationAction::Hide,
            Moderated::Shown => ModerationAction::Unhide,
            Moderated::Deleted => {
                if !browser::confirm(t("Delete this photo for everyone? It is removed from the cache and from S3, and the same image cannot be uploaded again.")) {
                    return;
                }
                ModerationAction::Delete
            }
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match moderate(id, action).await {
                Ok(()) => {
                    error.set(None);
                    on_done.try_run(what);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="row-actions" role="group" aria-label=move || t("Moderation")>
            <Show when=move || !hidden.get()>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(Moderated::Hidden) data-testid="hide-photo">
                    {move || t("Hide")}
                </button>
            </Show>
            <Show when=move || in_queue || hidden.get()>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(Moderated::Shown) data-testid="unhide-photo">
                    {move || if in_queue { t("Keep (unhide)") } else { t("Unhide") }}
                </button>
            </Show>
            <button type="button" class="button danger" disabled=move || busy.get() on:click=move |_| act(Moderated::Deleted) data-testid="delete-photo">
                {move || t("Delete")}
            </button>
        </div>
        <ErrorMessage message=error />
    }
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
