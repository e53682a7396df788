//! Search: one box for people (handle, display name) and photos (caption, alt text), in any
//! script. The query and the tab live in the address (`/search?q=…&type=users`), so a search can
//! be shared, bookmarked and gone back to.

use crate::components::{Feed, PhotoGrid, UserList};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use photoshare_domain::types::{Page, PhotoView, UserSummary};

/// Photos whose caption or alt text matches `q`, newest first.
#[server(prefix = "/api/sf", endpoint = "search_photos", protocol = crate::sf::Sf)]
pub async fn search_photos(q: String, cursor: Option<String>) -> Result<Page<PhotoView>, AppError> {
    let (s, viewer) = crate::session::ssr::viewer().await?;
    let (cursor, limit) = photoshare_domain::types::page_request(cursor.as_deref(), None)?;
    Ok(s.search.photos(&q, viewer.as_ref(), cursor, limit).await?)
}

/// People whose handle or display name matches `q`, the most followed first.
#[server(prefix = "/api/sf", endpoint = "search_users", protocol = crate::sf::Sf)]
pub async fn search_users(
    q: String,
    cursor: Option<String>,
) -> Result<Page<UserSummary>, AppError> {
    let (s, viewer) = crate::session::ssr::viewer().await?;
    let (cursor, limit) = photoshare_domain::types::page_request(cursor.as_deref(), None)?;
    Ok(s.search.users(&q, viewer.as_ref(), cursor, limit).await?)
}

/// The address of a search.
pub fn search_href(q: &str, people: bool) -> String {
    let q = query_escape(q);
    if people {
        format!("/search?q={q}&type=users")
    } else {
        format!("/search?q={q}")
    }
}

/// `q` as a query-string value.
fn query_escape(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The search box, in the header and at the top of the results.
#[component]
pub fn SearchBox(#[prop(optional)] big: bool) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let input = NodeRef::<leptos::html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(el) = input.get() else { return };
        let q = el.value();
        if q.trim().is_empty() {
            return;
        }
        let people = query.with_untracked(|m| m.get("type").as_deref() == Some("users"));
        navigate(&search_href(q.trim(), people), Default::default());
    };
    view! {
        <form class=if big { "search-box big" } else { "search-box site-search" } role="search" on:submit=submit>
            <input
                node_ref=input
                type="search"
                name="q"
                enterkeyhint="search"
                maxlength="200"
                autocomplete="off"
                data-testid=if big { "search-input" } else { "header-search" }
                aria-label=move || t("Search people and photos")
                placeholder=move || t("Search people and photos")
                prop:value=move || query.with(|m| m.get("q").unwrap_or_default())
            />
            <button type="submit" class="search-go" aria-label=move || t("Search")>
                <span aria-hidden="true">"⌕"</span>
            </button>
        </form>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let people = Memo::new(move |_| query.with(|m| m.get("type").as_deref() == Some("users")));
    view! {
        <section class="search-page">
            <h1 class="page-title">{move || t("Search")}</h1>
            <SearchBox big=true />
            <Show when=move || !q.get().trim().is_empty()
                fallback=|| view! { <p class="hint">{move || t("Find people by name or handle, and photos by the words in their caption or description. Any language works.")}</p> }>
                <nav class="tabs" aria-label=move || t("Search")>
                    <a href=move || search_href(&q.get(), false) aria-current=move || (!people.get()).then_some("page") data-testid="tab-photos">{move || t("Photos")}</a>
                    <a href=move || search_href(&q.get(), true) aria-current=move || people.get().then_some("page") data-testid="tab-people">{move || t("People")}</a>
                </nav>
                {move || {
                    let q = q.get();
                    if people.get() {
                        let feed = Feed::new(move |cursor| search_users(q.clone(), cursor));
                        view! { <UserList feed=feed empty="Nobody found. Try another spelling or fewer words." /> }.into_any()
                    } else {
                        let feed = Feed::new(move |cursor| search_photos(q.clone(), cursor));
                        view! { <PhotoGrid feed=feed empty="No photos found. Try other words." /> }.into_any()
                    }
                }}
            </Show>
        </section>
    }
}
