//! The photo feeds: Recent (live), Popular, and the fans feed.

use crate::components::{new_photos_label, Feed, PhotoGrid, RequireLogin};
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::types::PhotoView;

#[component]
pub fn RecentPage() -> impl IntoView {
    let feed = Feed::<PhotoView>::new("/photos/recent".into());
    // Ids of photos posted since the page loaded, shown as a button rather than pushed in under
    // the reader's thumb.
    let fresh = RwSignal::new(Vec::<String>::new());
    let live = crate::use_live().photos;
    // Photos announced before this page opened are in the feed it loads.
    let seen = StoredValue::new(live.with_untracked(|p| p.last().cloned()));
    Effect::new(move |_| {
        live.with(|all| {
            let start = seen
                .with_value(|s| s.as_ref().and_then(|s| all.iter().position(|id| id == s)))
                .map_or(0, |i| i + 1);
            for id in &all[start..] {
                let known = feed.items.with_untracked(|v| v.iter().any(|p| &p.id == id));
                if !known && !fresh.with_untracked(|f| f.contains(id)) {
                    fresh.update(|f| f.push(id.clone()));
                }
            }
            seen.set_value(all.last().cloned());
        })
    });
    let show_fresh = move |_| {
        fresh.set(Vec::new());
        feed.reload();
        #[cfg(feature = "csr")]
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    };
    view! {
        <section>
            <h1 class="page-title">{move || t("Recent photos")}</h1>
            <Show when=move || fresh.with(|f| !f.is_empty())>
                <button class="button new-photos" data-testid="new-photos" on:click=show_fresh>
                    {move || new_photos_label(fresh.with(|f| f.len()) as i64)}
                </button>
            </Show>
            <PhotoGrid feed=feed empty="No photos yet. Be the first to post one!" />
        </section>
    }
}

#[component]
pub fn PopularPage() -> impl IntoView {
    let feed = Feed::<PhotoView>::new("/photos/popular".into());
    view! {
        <section>
            <h1 class="page-title">{move || t("Popular photos")}</h1>
            <PhotoGrid feed=feed empty="Nothing here yet." />
        </section>
    }
}

#[component]
pub fn FansPage() -> impl IntoView {
    view! {
        <section>
            <h1 class="page-title">{move || t("New photos from the people you are a fan of")}</h1>
            <RequireLogin message=|| t("Please log in first.")>
                {
                    let feed = Feed::<PhotoView>::new("/feeds/fans".into());
                    view! { <PhotoGrid feed=feed empty="Become a fan of people to see their photos here." /> }
                }
            </RequireLogin>
        </section>
    }
}
