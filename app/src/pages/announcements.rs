//! Every announcement admins have posted, newest first, expired ones included.

use crate::browser;
use crate::components::{ErrorMessage, Feed, MoreButton};
use crate::error::AppError;
use crate::i18n::{absolute_time, relative_time, t};
use crate::state::use_me;
use leptos::prelude::*;
use photoshare_domain::types::Page;
use photoshare_domain::views::AnnouncementView;

/// A page of every announcement, newest first, expired ones included.
#[server(prefix = "/api/sf", endpoint = "announcements", protocol = crate::sf::Sf)]
pub async fn announcement_page(
    cursor: Option<String>,
    limit: Option<u32>,
) -> Result<Page<AnnouncementView>, AppError> {
    let s = crate::session::ssr::services()?;
    let (cursor, limit) = photoshare_domain::types::page_request(cursor.as_deref(), limit)?;
    Ok(s.announcements.list(cursor, limit).await?)
}

/// Takes an announcement down (admins).
#[server(prefix = "/api/sf", endpoint = "take_down", protocol = crate::sf::Sf)]
pub async fn take_down(id: String) -> Result<(), AppError> {
    let (s, admin) = crate::session::ssr::admin().await?;
    Ok(s.announcements.delete(&id, &admin).await?)
}

#[component]
pub fn AnnouncementsPage() -> impl IntoView {
    let feed = Feed::new(|cursor| announcement_page(cursor, Some(20)));
    // The newest one not yet expired is what the banner shows.
    let current = Memo::new(move |_| {
        feed.items
            .with(|v| v.iter().find(|a| !a.expired).map(|a| a.id.clone()))
    });
    view! {
        <section class="narrow">
            <h1 class="page-title">{move || t("Announcements")}</h1>
            <Show when=move || feed.is_empty()>
                <p class="empty">{move || t("No announcements yet.")}</p>
            </Show>
            <ol class="timeline" data-testid="announcements">
                <For
                    each=move || feed.items.get()
                    key=|a| a.id.clone()
                    children=move |a| {
                        let id = a.id.clone();
                        let is_current = Signal::derive(move || current.with(|c| c.as_ref() == Some(&id)));
                        view! { <Entry announcement=a is_current=is_current feed=feed /> }
                    }
                />
            </ol>
            <MoreButton feed=feed />
        </section>
    }
}

#[component]
fn Entry(
    announcement: AnnouncementView,
    is_current: Signal<bool>,
    feed: Feed<AnnouncementView>,
) -> impl IntoView {
    let me = use_me();
    let a = announcement;
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = a.id.clone();
    let remove = move |_| {
        let question =
            t("Delete this announcement? It disappears from the banner and from this page.");
        if !browser::confirm(question) {
            return;
        }
        let id = id.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match take_down(id).await {
                Ok(()) => feed.reload(),
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    let (created, created_title) = (a.created_at.clone(), a.created_at.clone());
    let expired = a.expired;
    let expires = a.expires_at.clone().filter(|_| !expired);
    view! {
        <li class="timeline-item" class:expired=expired data-testid="announcement-entry">
            <p class="timeline-head">
                <time datetime=a.created_at.clone() title=move || absolute_time(&created_title)>{move || relative_time(&created)}</time>
                <Show when=move || is_current.get()>
                    <span class="badge ok">{move || t("Current")}</span>
                </Show>
                <Show when=move || expired>
                    <span class="badge">{move || t("Expired")}</span>
                </Show>
            </p>
            <figure class="timeline-figure">
                <img src=a.image_url.clone() width=a.width height=a.height alt="" loading="lazy" decoding="async" />
                <figcaption>{a.alt.clone()}</figcaption>
            </figure>
            {a.link.clone().map(|href| {
                let text = href.clone();
                view! { <p class="timeline-link"><a href=href>{text}</a></p> }
            })}
            {expires.map(|at| {
                let datetime = at.clone();
                view! {
                    <p class="hint">
                        <time datetime=datetime>{move || t("Shown until {n}").replace("{n}", &absolute_time(&at))}</time>
                    </p>
                }
            })}
            <Show when=move || me.is_admin()>
                <div class="row-actions">
                    <button type="button" class="button danger" disabled=move || busy.get() on:click=remove.clone()>{move || t("Delete")}</button>
                    <ErrorMessage message=error />
                </div>
            </Show>
        </li>
    }
}
