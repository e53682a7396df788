//! One photo: large image, caption, its owner, favorites and comments. The server also writes this
//! route's Open Graph tags into the HTML it serves, so a shared link previews.

use crate::components::{alt_text, Avatar, ErrorMessage, Feed, MoreButton, RichText};
use crate::error::AppError;
use crate::i18n::{relative_time, t, Text};
use crate::pages::moderate::{Moderated, ModerationActions};
use crate::pages::photo_edit::PhotoOwnerTools;
use crate::pages::user::user_list_page;
use crate::state::use_me;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use photoshare_domain::types::{CommentBody, CommentView, Page, PhotoView, Visibility};
use photoshare_domain::views::{FavoriteState, ReportReason, UserList};

#[server(prefix = "/api/sf", endpoint = "photo", protocol = crate::sf::Sf)]
pub async fn get_photo(id: String) -> Result<Option<PhotoView>, AppError> {
    use photoshare_domain::types::PhotoId;
    let services = crate::session::ssr::services()?;
    let Ok(id) = id.parse::<PhotoId>() else {
        return Ok(None);
    };
    let viewer = crate::session::ssr::user(&services).await?;
    Ok(services.photos.get(id, viewer.as_ref()).await?)
}

#[component]
pub fn PhotoPage() -> impl IntoView {
    let params = use_params_map();
    let photo = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        get_photo(id)
    });

    view! {
        <Suspense fallback=|| view! { <p class="loading">{move || t("Loading…")}</p> }>
            {move || {
                photo
                    .get()
                    .map(|result| match result {
                        Ok(Some(p)) => view! { <PhotoDetail photo=p /> }.into_any(),
                        Ok(None) => {
                            view! {
                                <section class="empty">
                                    <h1>{move || t("Photo not found")}</h1>
                                    <p>{move || t("This photo does not exist, or it was removed.")}</p>
                                    <A href="/">{move || t("Back to recent photos")}</A>
                                </section>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{e.text()}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// Mark (`on`) or unmark the photo as a favorite; both idempotent.
#[server(prefix = "/api/sf", endpoint = "set_favorite", protocol = crate::sf::Sf)]
pub async fn set_favorite(photo: String, on: bool) -> Result<FavoriteState, AppError> {
    use photoshare_domain::types::photo_in_path;
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.social
        .set_favorite(&user, photo_in_path(&photo)?, on)
        .await?)
}

/// A page of a photo's comments, oldest first.
#[server(prefix = "/api/sf", endpoint = "comments", protocol = crate::sf::Sf)]
pub async fn comment_page(
    photo: String,
    cursor: Option<String>,
    limit: Option<u32>,
) -> Result<Page<CommentView>, AppError> {
    use photoshare_domain::types::{page_request, photo_in_path};
    let (s, viewer) = crate::session::ssr::viewer().await?;
    let (cursor, limit) = page_request(cursor.as_deref(), limit)?;
    Ok(s.social
        .comments(photo_in_path(&photo)?, viewer.as_ref(), cursor, limit)
        .await?)
}

#[server(prefix = "/api/sf", endpoint = "add_comment", protocol = crate::sf::Sf)]
pub async fn add_comment(photo: String, body: String) -> Result<CommentView, AppError> {
    use photoshare_domain::types::photo_in_path;
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.social
        .comment(&user, photo_in_path(&photo)?, CommentBody::parse(&body)?)
        .await?)
}

/// Its author or an admin may delete a comment.
#[server(prefix = "/api/sf", endpoint = "delete_comment", protocol = crate::sf::Sf)]
pub async fn delete_comment(photo: String, comment: String) -> Result<(), AppError> {
    use photoshare_domain::types::{comment_in_path, photo_in_path};
    let (s, user) = crate::session::ssr::signed_in().await?;
    let (photo, comment) = (photo_in_path(&photo)?, comment_in_path(&comment)?);
    Ok(s.social.delete_comment(&user, photo, comment).await?)
}

/// Report the photo to the admins. The page only says thanks: the answer carries nothing (the
/// API's answers how many reports the photo has).
#[server(prefix = "/api/sf", endpoint = "report", protocol = crate::sf::Sf)]
pub async fn send_report(photo: String, reason: String) -> Result<(), AppError> {
    use photoshare_domain::types::photo_in_path;
    let (s, user) = crate::session::ssr::signed_in().await?;
    let reason = ReportReason::parse(&reason)?;
    s.moderation
        .report(&user, photo_in_path(&photo)?, &reason)
        .await?;
    Ok(())
}

#[component]
fn PhotoDetail(photo: PhotoView) -> impl IntoView {
    let me = use_me();
    let alt = alt_text(&photo);
    let title = if photo.caption.is_empty() {
        format!("{alt} · PhotoShare")
    } else {
        format!("{} · PhotoShare", photo.caption)
    };
    let (w, h) = fit_box(photo.width, photo.height, 1280);
    let favorited = RwSignal::new(photo.favorited);
    let favorites = RwSignal::new(photo.favorites_count);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = photo.id.clone();
    let toggle = move |_| {
        if me.user.with_untracked(|u| u.is_none()) {
            error.set(Some(t("Please log in first.").into()));
            return;
        }
        let on = !favorited.get_untracked();
        let id = id.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match set_favorite(id, on).await {
                Ok(s) => {
                    favorited.set(s.favorited);
                    favorites.set(s.favorites_count);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    let owner_href = format!("/u/{}", photo.owner);
    let owner_name = if photo.owner_display_name.is_empty() {
        photo.owner.clone()
    } else {
        photo.owner_display_name.clone()
    };
    let srcset = format!("{} 320w, {} 1280w", photo.urls.thumb, photo.urls.large);
    let created = photo.created_at.clone();
    let hidden = RwSignal::new(photo.hidden);
    let can_report = {
        let owner = photo.owner.clone();
        move || {
            me.user
                .with(|u| u.as_ref().is_some_and(|u| u.handle != owner))
        }
    };
    let navigate = leptos_router::hooks::use_navigate();
    let moderated = UnsyncCallback::new(move |m: Moderated| match m {
        Moderated::Hidden => hidden.set(true),
        Moderated::Shown => hidden.set(false),
        Moderated::Deleted => navigate("/", Default::default()),
    });
    let photo_id = StoredValue::new(photo.id.clone());
    let current = RwSignal::new(photo.clone());
    let can_edit = {
        let owner = photo.owner.clone();
        move || {
            me.user
                .with(|u| u.as_ref().is_some_and(|u| u.handle == owner || u.is_admin))
        }
    };
    let saved = UnsyncCallback::new(move |p: PhotoView| current.set(p));
    let navigate_away = leptos_router::hooks::use_navigate();
    let deleted = UnsyncCallback::new(move |()| navigate_away("/", Default::default()));
    view! {
        <Title text=title />
        <article class="photo-detail">
            <figure>
                <img
                    class="photo-large"
                    src=photo.urls.large.clone()
                    srcset=srcset
                    sizes="(max-width: 1280px) 100vw, 1280px"
                    alt=move || current.with(alt_text)
                    width=w
                    height=h
                />
            </figure>
            <div class="photo-side">
                <Show when=move || hidden.get()>
                    <p class="notice" role="status" data-testid="hidden-notice">
                        {move || t("This photo is hidden while an admin reviews it.")}
                    </p>
                </Show>
                <p class="byline">
                    <a href=owner_href class="owner">
                        <Avatar url=photo.owner_icon_url.clone() handle=photo.owner.clone() size=40 />
                        <span class="names">
                            <span class="display-name">{owner_name}</span>
                            <span class="handle">"@" {photo.owner.clone()}</span>
                        </span>
                    </a>
                </p>
                <p class="caption" data-testid="caption">{move || view! { <RichText text=current.with(|p| p.caption.clone()) /> }}</p>
                <Show when=move || current.with(|p| p.visibility == Visibility::Unlisted)>
                    <p><span class="badge" data-testid="unlisted-badge">{move || t("Unlisted")}</span> " "
                    <span class="hint">{move || t("Only people with the link see this photo.")}</span></p>
                </Show>
                <p class="meta">
                    <time datetime=photo.created_at.clone()>{move || relative_time(&created)}</time>
                    " · "
                    <a href=photo.urls.original.clone() target="_blank" rel="noopener">
                        {move || t("Download original")} " (" {photo.width} "×" {photo.height} ")"
                    </a>
                </p>
                <div class="actions">
                    <button
                        class="button favorite"
                        class:on=move || favorited.get()
                        aria-pressed=move || favorited.get().to_string()
                        aria-label=move || if favorited.get() { t("Remove from favorites") } else { t("Add to favorites") }
                        data-testid="favorite-button"
                        disabled=move || busy.get()
                        on:click=toggle
                    >
                        <span aria-hidden="true">{move || if favorited.get() { "♥" } else { "♡" }}</span>
                        " " <span data-testid="favorites-count">{move || favorites.get()}</span>
                    </button>
                </div>
                <ErrorMessage message=error />
                <Show when=can_report>
                    <ReportPhoto photo_id=photo_id.get_value() />
                </Show>
                <Show when=can_edit>
                    <PhotoOwnerTools photo=current.get_untracked() on_saved=saved on_deleted=deleted />
                </Show>
                <Show when=move || me.is_admin()>
                    <ModerationActions photo_id=photo_id.get_value() hidden=hidden in_queue=false on_done=moderated />
                </Show>
                <FavoritedBy photo_id=photo.id.clone() count=favorites />
                <Comments photo_id=photo.id.clone() />
            </div>
        </article>
    }
}

/// The faces of the latest people who favorited the photo; follows the favorites count.
#[component]
fn FavoritedBy(photo_id: String, count: RwSignal<i64>) -> impl IntoView {
    let who = LocalResource::new(move || {
        count.track();
        user_list_page(UserList::Favoriters, Some(photo_id.clone()), None, Some(12))
    });
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="favorited-by" data-testid="favorited-by">
                <span class="hint">{move || t("Favorited by")}</span>
                <ul>
                    {move || {
                        who.get()
                            .and_then(|r| r.ok())
                            .map(|page| {
                                page.items
                                    .into_iter()
                                    .map(|u| {
                                        let href = format!("/u/{}", u.handle);
                                        let title = format!("@{}", u.handle);
                                        view! {
                                            <li>
                                                <a href=href title=title.clone() aria-label=title>
                                                    <Avatar url=u.icon_url.clone() handle=u.handle.clone() size=28 />
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            })
                    }}
                </ul>
            </div>
        </Show>
    }
}

#[component]
fn Comments(photo_id: String) -> impl IntoView {
    let me = use_me();
    let feed = {
        let photo_id = photo_id.clone();
        Feed::new(move |cursor| comment_page(photo_id.clone(), cursor, Some(50)))
    };
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let photo_id = StoredValue::new(photo_id);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = body.get_untracked();
        if let Err(e) = CommentBody::parse(&text) {
            error.set(Some(crate::error::say(&e)));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match add_comment(photo_id.get_value(), text).await {
                Ok(c) => {
                    feed.items.update(|v| v.push(c));
                    body.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    let remove = move |id: String| {
        leptos::task::spawn_local(async move {
            match delete_comment(photo_id.get_value(), id.clone()).await {
                Ok(()) => feed.items.update(|v| v.retain(|c| c.id != id)),
                Err(e) => error.set(Some(e.text())),
            }
        });
    };

    view! {
        <section class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">{move || t("Comments")}</h2>
            <Show when=move || feed.is_empty()>
                <p class="hint">{move || t("No comments yet.")}</p>
            </Show>
            <ul class="comment-list" data-testid="comments">
                <For
                    each=move || feed.items.get()
                    key=|c| c.id.clone()
                    children=move |c| {
                        let id = c.id.clone();
                        let created = c.created_at.clone();
                        view! {
                            <li class="comment">
                                <Avatar url=c.author_icon_url.clone() handle=c.author.clone() size=32 />
                                <div>
                                    <p class="comment-head">
                                        <a href=format!("/u/{}", c.author)>"@" {c.author.clone()}</a>
                                        " "
                                        <time datetime=c.created_at.clone()>{move || relative_time(&created)}</time>
                                    </p>
                                    <p class="comment-body"><RichText text=c.body.clone() /></p>
                                </div>
                                <Show when=move || c.can_delete>
                                    <button class="link-button" on:click={
                                        let id = id.clone();
                                        move |_| remove(id.clone())
                                    }>{move || t("Delete")}</button>
                                </Show>
                            </li>
                        }
                    }
                />
            </ul>
            <MoreButton feed=feed />
            <Show
                when=move || me.user.with(|u| u.is_some())
                fallback=move || view! { <p class="hint"><A href="/login">{move || t("Log in to comment.")}</A></p> }
            >
                <form class="comment-form" on:submit=submit>
                    <label>
                        <span class="visually-hidden">{move || t("Add a comment")}</span>
                        <textarea name="comment" rows="2" maxlength=CommentBody::MAX placeholder=move || t("Add a comment") bind:value=body></textarea>
                    </label>
                    <ErrorMessage message=error />
                    <button class="button primary" type="submit" disabled=move || busy.get()>{move || t("Post comment")}</button>
                </form>
            </Show>
        </section>
    }
}

/// Why people report photos: the English label goes to the server (admins read one language),
/// the user reads it in theirs.
const REPORT_REASONS: [(&str, Text); 6] = [
    ("Spam", || t("Spam")),
    ("Nudity or sexual content", || t("Nudity or sexual content")),
    ("Violence or gore", || t("Violence or gore")),
    ("Hate or harassment", || t("Hate or harassment")),
    ("Copyright", || t("Copyright")),
    ("Something else", || t("Something else")),
];

/// The most a reporter may add to the reason.
const REPORT_DETAILS_MAX: usize = 400;

/// "Report" for a signed-in reader of someone else's photo: a short form, then a thank-you.
#[component]
fn ReportPhoto(photo_id: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let done = RwSignal::new(false);
    let reason = RwSignal::new(0usize);
    let details = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let photo_id = StoredValue::new(photo_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let label = REPORT_REASONS[reason.get_untracked().min(REPORT_REASONS.len() - 1)].0;
        let extra = details.get_untracked().trim().to_owned();
        let text = if extra.is_empty() {
            label.to_owned()
        } else {
            format!("{label}: {extra}")
        };
        if let Err(e) = ReportReason::parse(&text) {
            return error.set(Some(crate::error::say(&e)));
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match send_report(photo_id.get_value(), text).await {
                Ok(_) => {
                    error.set(None);
                    open.set(false);
                    done.set(true);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="report">
            <Show when=move || !done.get()>
                <button
                    type="button"
                    class="link-button"
                    aria-expanded=move || open.get().to_string()
                    aria-controls="report-form"
                    on:click=move |_| open.update(|o| *o = !*o)
                    data-testid="report-button"
                >
                    {move || t("Report")}
                </button>
            </Show>
            <Show when=move || open.get()>
                <form class="report-form" id="report-form" on:submit=submit data-testid="report-form">
                    <h2>{move || t("Report this photo")}</h2>
                    <label>
                        {move || t("Reason")}
                        <select
                            name="reason"
                            prop:value=move || reason.get().to_string()
                            on:change=move |ev| reason.set(event_target_value(&ev).parse().unwrap_or(0))
                            data-testid="report-reason"
                        >
                            {REPORT_REASONS
                                .iter()
                                .enumerate()
                                .map(|(i, (_, label))| view! { <option value=i.to_string()>{*label}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {move || t("Details (optional)")}
                        <textarea name="details" rows="3" maxlength=REPORT_DETAILS_MAX bind:value=details data-testid="report-details"></textarea>
                        <small class="hint">{move || format!("{} / {REPORT_DETAILS_MAX}", details.with(|d| d.chars().count()))}</small>
                    </label>
                    <ErrorMessage message=error />
                    <div class="row-actions">
                        <button class="button primary" type="submit" disabled=move || busy.get() data-testid="report-submit">
                            {move || t("Send report")}
                        </button>
                        <button class="button" type="button" on:click=move |_| open.set(false)>{move || t("Cancel")}</button>
                    </div>
                </form>
            </Show>
            <Show when=move || done.get()>
                <p class="ok-text" role="status" data-testid="report-done">{move || t("Thanks — an admin will review this photo.")}</p>
            </Show>
        </div>
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
