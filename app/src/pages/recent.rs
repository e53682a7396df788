//! Recent photos, newest first.

use crate::components::{ErrorMessage, PhotoTile};
use crate::error::AppError;
use leptos::prelude::*;
use photoshare_domain::types::{Page, PhotoView};

/// One page of the recent feed, continuing after `cursor`.
#[server(prefix = "/api/sf", endpoint = "recent_photos")]
pub async fn recent_photos(cursor: Option<String>) -> Result<Page<PhotoView>, AppError> {
    crate::session::ssr::answer(async move {
        use photoshare_domain::types::{page_limit, Cursor};
        let services = crate::session::ssr::services()?;
        let cursor = cursor.as_deref().map(Cursor::parse).transpose()?;
        Ok(services.photos.recent(cursor, page_limit(None)?).await?)
    })
    .await
}

#[component]
pub fn RecentPage() -> impl IntoView {
    let items = RwSignal::new(Vec::<PhotoView>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let loaded_once = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let load = move |cursor: Option<String>| {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        leptos::task::spawn_local(async move {
            match recent_photos(cursor).await {
                Ok(page) => {
                    items.update(|v| v.extend(page.items));
                    next.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
            loading.set(false);
            loaded_once.set(true);
        });
    };
    load(None);

    view! {
        <section>
            <h1 class="page-title">"Recent photos"</h1>
            <ErrorMessage message=error />
            <Show when=move || loaded_once.get() && items.with(|v| v.is_empty()) && error.with(|e| e.is_none())>
                <p class="empty">"No photos yet. Be the first to post one!"</p>
            </Show>
            <ul class="grid" data-testid="recent-grid">
                <For
                    each=move || items.get()
                    key=|p| p.id.clone()
                    children=move |photo| view! { <PhotoTile photo=photo /> }
                />
            </ul>
            <Show when=move || next.with(|n| n.is_some())>
                <button class="button more" disabled=move || loading.get() on:click=move |_| load(next.get_untracked())>
                    {move || if loading.get() { "Loading…" } else { "Show more" }}
                </button>
            </Show>
        </section>
    }
}
