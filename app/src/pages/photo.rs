//! One photo: large image, caption, who posted it and when.

use crate::components::{alt_text, local_date};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use photoshare_domain::types::PhotoView;

#[server(prefix = "/api/sf", endpoint = "photo")]
pub async fn get_photo(id: String) -> Result<Option<PhotoView>, AppError> {
    crate::session::ssr::answer(async move {
        use photoshare_domain::types::PhotoId;
        let services = crate::session::ssr::services()?;
        let Ok(id) = id.parse::<PhotoId>() else {
            return Ok(None);
        };
        Ok(services.photos.get(id).await?)
    })
    .await
}

#[component]
pub fn PhotoPage() -> impl IntoView {
    let params = use_params_map();
    let photo = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        get_photo(id)
    });

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                photo
                    .get()
                    .map(|result| match result {
                        Ok(Some(p)) => view! { <PhotoDetail photo=p /> }.into_any(),
                        Ok(None) => {
                            view! {
                                <section class="empty">
                                    <h1>"Photo not found"</h1>
                                    <p>"It may have been removed, or the link is wrong."</p>
                                    <A href="/">"See recent photos"</A>
                                </section>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn PhotoDetail(photo: PhotoView) -> impl IntoView {
    let alt = alt_text(&photo);
    let title = if photo.caption.is_empty() {
        format!("Photo by @{} · PhotoShare", photo.owner)
    } else {
        format!("{} · PhotoShare", photo.caption)
    };
    let icon = photo.owner_icon_url.clone();
    let (w, h) = fit_box(photo.width, photo.height, 1280);
    view! {
        <Title text=title />
        <article class="photo-detail">
            <figure>
                <img class="photo-large" src=photo.urls.large.clone() alt=alt width=w height=h />
                <figcaption>
                    <p class="caption" data-testid="caption">{photo.caption.clone()}</p>
                    <p class="byline">
                        {icon.map(|src| view! { <img class="avatar" src=src alt="" width="32" height="32" /> })}
                        <span class="owner">"@" {photo.owner.clone()}</span>
                        <time datetime=photo.created_at.clone()>{local_date(&photo.created_at)}</time>
                    </p>
                    <p class="meta">
                        <a href=photo.urls.original.clone() target="_blank" rel="noopener">
                            "View original (" {photo.width} "×" {photo.height} ")"
                        </a>
                    </p>
                </figcaption>
            </figure>
        </article>
    }
}

/// The size an image of `w`×`h` is shown at when it must fit a `px` square.
fn fit_box(w: u32, h: u32, px: u32) -> (u32, u32) {
    let longest = w.max(h).max(1);
    if longest <= px {
        (w, h)
    } else {
        (
            (w as u64 * px as u64 / longest as u64) as u32,
            (h as u64 * px as u64 / longest as u64) as u32,
        )
    }
}
