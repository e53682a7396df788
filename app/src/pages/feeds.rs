//! The photo feeds: Recent (live), Popular, and the fans feed; and the one server function that
//! reads every list of photos (these feeds, a user's photos and favorites).

use crate::components::{new_photos_label, Feed, PhotoGrid, RequireLogin};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::types::{Page, PhotoView};
use photoshare_domain::views::PhotoList;

/// A page of a list of photos, as the reader sees it. `handle` names the user of `by_user` and
/// `favorites_of_user`.
#[server(prefix = "/api/sf", endpoint = "photos", protocol = crate::sf::Sf)]
pub async fn photo_list_page(
    list: PhotoList,
    handle: Option<String>,
    cursor: Option<String>,
) -> Result<Page<PhotoView>, AppError> {
    use photoshare_domain::photos::Feed;
    use photoshare_domain::problem::Problem;
    use photoshare_domain::types::{page_request, user_in_path};
    let (s, viewer) = crate::session::ssr::viewer().await?;
    let (cursor, limit) = page_request(cursor.as_deref(), None)?;
    let user = || async {
        let handle = user_in_path(handle.as_deref().unwrap_or_default())?;
        s.social.id_of(&handle).await
    };
    let feed = match list {
        PhotoList::Recent => Feed::Recent,
        PhotoList::Popular => Feed::Popular,
        PhotoList::Fans => Feed::Fans(viewer.as_ref().ok_or(AppError(Problem::LoginRequired))?.id),
        PhotoList::ByUser => Feed::By(user().await?),
        PhotoList::FavoritesOfUser => Feed::FavoritesOf(user().await?),
        PhotoList::Tag => Feed::Tagged(
            photoshare_domain::types::Tag::parse(handle.as_deref().unwrap_or_default())
                .ok_or(AppError(Problem::BadTag))?,
        ),
    };
    Ok(s.photos.feed(feed, viewer.as_ref(), cursor, limit).await?)
}

/// The feed of `list` (of the user `handle`, where it names one).
pub fn photo_feed(list: PhotoList, handle: Option<String>) -> Feed<PhotoView> {
    Feed::new(move |cursor| photo_list_page(list, handle.clone(), cursor))
}

#[component]
pub fn RecentPage() -> impl IntoView {
    let feed = photo_feed(PhotoList::Recent, None);
    // Ids of photos posted since the page loaded, shown as a button rather than pushed in under
    // the reader's thumb.
    let fresh = RwSignal::new(Vec::<String>::new());
    let live = crate::state::use_live().photos;
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
    // A photo from the offline queue has been sent: it is in the feed now.
    let queue = crate::offline::use_offline().queue;
    Effect::new(move |before: Option<usize>| {
        let waiting = queue.with(|q| q.len());
        if before.is_some_and(|b| waiting < b) {
            feed.reload();
        }
        waiting
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
            <crate::offline::WaitingUploads />
            <PhotoGrid feed=feed empty="No photos yet. Be the first to post one!" />
        </section>
    }
}

/// The tags on the most photos of the last 7 days.
#[server(prefix = "/api/sf", endpoint = "trending_tags", protocol = crate::sf::Sf)]
pub async fn trending_tags() -> Result<photoshare_domain::views::TrendingTags, AppError> {
    let s = crate::session::ssr::services()?;
    Ok(s.photos.trending_tags(10).await?)
}

#[component]
pub fn PopularPage() -> impl IntoView {
    let feed = photo_feed(PhotoList::Popular, None);
    let tags = LocalResource::new(trending_tags);
    view! {
        <section>
            <h1 class="page-title">{move || t("Popular photos")}</h1>
            {move || tags.get().and_then(|r| r.ok()).filter(|t| !t.items.is_empty()).map(|tags| view! {
                <nav class="tags" aria-label=move || t("Trending tags") data-testid="trending-tags">
                    <span class="hint">{move || t("Trending tags")}</span>
                    {tags.items.into_iter().map(|tc| view! {
                        <a class="tag" href=format!("/t/{}", tc.tag)>"#" {tc.tag.clone()}</a>
                    }).collect_view()}
                </nav>
            })}
            <PhotoGrid feed=feed empty="Nothing here yet." />
        </section>
    }
}

/// The photos of a `#tag`, newest first.
#[component]
pub fn TagPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    view! {
        {move || {
            let tag = params.read().get("tag").unwrap_or_default();
            let feed = photo_feed(PhotoList::Tag, Some(tag.clone()));
            view! {
                <section>
                    <h1 class="page-title">"#" {tag}</h1>
                    <PhotoGrid feed=feed empty="Nothing here yet." />
                </section>
            }
        }}
    }
}

#[component]
pub fn FansPage() -> impl IntoView {
    view! {
        <section>
            <h1 class="page-title">{move || t("New photos from the people you are a fan of")}</h1>
            <RequireLogin message=|| t("Please log in first.")>
                {
                    let feed = photo_feed(PhotoList::Fans, None);
                    view! { <PhotoGrid feed=feed empty="Become a fan of people to see their photos here." /> }
                }
            </RequireLogin>
        </section>
    }
}
