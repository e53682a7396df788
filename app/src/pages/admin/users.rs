//! The users card: search by handle, then make admin, ban or unban.

use super::parts::{sleep_ms, SEARCH_DEBOUNCE_MS};
use crate::browser;
use crate::components::{Avatar, ErrorMessage, Feed, MoreButton};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::types::Page;
use photoshare_domain::views::{AdminUserView, UserAction};

/// A page of users whose handle contains `q` (admins).
#[server(prefix = "/api/sf", endpoint = "admin_users", protocol = crate::sf::Sf)]
pub async fn admin_user_page(
    q: String,
    cursor: Option<String>,
    limit: Option<u32>,
) -> Result<Page<AdminUserView>, AppError> {
    let (s, _) = crate::session::ssr::admin().await?;
    let (cursor, limit) = photoshare_domain::types::page_request(cursor.as_deref(), limit)?;
    Ok(s.accounts.list_for_admin(&q, cursor, limit).await?)
}

/// Promote, ban or unban a user (admins). The row shows the change itself: the answer carries
/// nothing it does not know (one reader less in the download).
#[server(prefix = "/api/sf", endpoint = "admin_user_action", protocol = crate::sf::Sf)]
pub async fn admin_user_action(handle: String, action: UserAction) -> Result<(), AppError> {
    let (s, admin) = crate::session::ssr::admin().await?;
    let handle = photoshare_domain::types::user_in_path(&handle)?;
    s.accounts.admin_action(&handle, action, &admin).await?;
    Ok(())
}

#[component]
pub(super) fn UsersCard() -> AnyView {
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        leptos::task::spawn_local(async move {
            sleep_ms(SEARCH_DEBOUNCE_MS).await;
            // Only the last keystroke of a burst searches.
            if typed.try_get_untracked().as_deref() == Some(value.as_str()) {
                query.set(value);
            }
        });
    };
    let search_now = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(typed.get_untracked());
    };
    view! {
        <section class="card wide" aria-labelledby="users-title" data-testid="users-card">
            <h2 id="users-title">{move || t("Users")}</h2>
            <form class="search" role="search" on:submit=search_now>
                <label>
                    {move || t("Search by handle")}
                    <input type="search" name="q" autocomplete="off" spellcheck="false" prop:value=move || typed.get() on:input=on_input data-testid="user-search" />
                </label>
            </form>
            {move || {
                let q = query.get().trim().to_owned();
                let feed = Feed::new(move |cursor| admin_user_page(q.clone(), cursor, Some(20)));
                view! {
                    <Show when=move || feed.is_empty()>
                        <p class="hint">{move || t("No users match.")}</p>
                    </Show>
                    <ul class="admin-users" data-testid="admin-users">
                        <For each=move || feed.items.get() key=|u| u.id.clone() children=|u| view! { <AdminUserRow user=u /> } />
                    </ul>
                    <MoreButton feed=feed />
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn AdminUserRow(user: AdminUserView) -> AnyView {
    let u = RwSignal::new(user);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let act = move |action: UserAction| {
        let handle = u.with_untracked(|u| u.handle.clone());
        let question = match action {
            UserAction::Promote => Some(t("Make @{n} an admin? They will be able to moderate photos, post announcements and manage users.")),
            UserAction::Ban => Some(t("Ban @{n}? They can no longer log in or post.")),
            UserAction::Unban => None,
        };
        if question.is_some_and(|q| !browser::confirm(&q.replace("{n}", &handle))) {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match admin_user_action(handle, action).await {
                Ok(()) => {
                    u.update(|u| match action {
                        UserAction::Promote => u.is_admin = true,
                        UserAction::Ban => u.banned = true,
                        UserAction::Unban => u.banned = false,
                    });
                    error.set(None);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    let is_admin = move || u.with(|u| u.is_admin);
    let banned = move || u.with(|u| u.banned);
    view! {
        <li class="admin-user" data-testid="admin-user">
            {move || {
                u.with(|u| {
                    let name = if u.display_name.is_empty() { u.handle.clone() } else { u.display_name.clone() };
                    view! {
                        <a class="who" href=format!("/u/{}", u.handle)>
                            <Avatar url=u.icon_url.clone() handle=u.handle.clone() size=40 />
                            <span class="names">
                                <span class="display-name">{name}</span>
                                <span class="handle">"@" {u.handle.clone()}</span>
                            </span>
                        </a>
                    }
                })
            }}
            <p class="user-facts">
                <span>{move || u.with(|u| u.photos_count)} " " {move || t("photos")}</span>
                <Show when=is_admin>
                    <span class="badge ok" data-testid="admin-badge">{move || t("Admin")}</span>
                </Show>
                <Show when=banned>
                    <span class="badge bad" data-testid="banned-badge">{move || t("Banned")}</span>
                </Show>
            </p>
            <div class="row-actions">
                <Show when=move || !is_admin()>
                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(UserAction::Promote) data-testid="promote-user">
                        {move || t("Make admin")}
                    </button>
                </Show>
                // The server refuses to ban an admin.
                <Show when=move || !is_admin() && !banned()>
                    <button type="button" class="button danger" disabled=move || busy.get() on:click=move |_| act(UserAction::Ban) data-testid="ban-user">
                        {move || t("Ban")}
                    </button>
                </Show>
                <Show when=banned>
                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(UserAction::Unban) data-testid="unban-user">
                        {move || t("Unban")}
                    </button>
                </Show>
            </div>
            <ErrorMessage message=error />
        </li>
    }
    .into_any()
}
