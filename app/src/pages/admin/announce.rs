//! The announcement card: the form that posts an image banner shown on every page.

use crate::browser;
use crate::components::ErrorMessage;
use crate::i18n::{t, tn};
use crate::pages::upload::{ChosenImage, FileHandle, UploadProgress, MAX_UPLOAD_MB};
use leptos::prelude::*;
use leptos_router::components::A;
use photoshare_domain::views::{AltText, AnnouncementView, Link};

#[component]
pub(super) fn AnnounceCard() -> AnyView {
    let posted = RwSignal::new(false);
    // Bumped after each post: a fresh form is an empty one, file input included.
    let generation = RwSignal::new(0u32);
    view! {
        <section class="card" aria-labelledby="announce-title" data-testid="announce-card">
            <h2 id="announce-title">{move || t("Post an announcement")}</h2>
            <p class="hint">
                {move || t("It shows as an image banner on every page until it expires or another replaces it.")} " "
                <A href="/announcements">{move || t("Past announcements")}</A>
            </p>
            <Show when=move || posted.get()>
                <p class="ok-text" role="status" data-testid="announcement-posted">{move || t("Posted.")}</p>
            </Show>
            {move || {
                generation.track();
                view! { <AnnounceForm posted=posted generation=generation /> }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn AnnounceForm(posted: RwSignal<bool>, generation: RwSignal<u32>) -> impl IntoView {
    let alt = RwSignal::new(String::new());
    let link = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<String>);
    let file = StoredValue::new_local(None::<FileHandle>);

    let choose = move |ev: leptos::ev::Event| {
        let Some(f) = FileHandle::from_input(&ev) else {
            return;
        };
        posted.set(false);
        error.set(None);
        if f.size() > MAX_UPLOAD_MB as f64 * 1_000_000.0 {
            error.set(Some(tn("That file is larger than {n} MB.", MAX_UPLOAD_MB)));
            return;
        }
        preview.set(f.preview_url());
        file.set_value(Some(f));
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        posted.set(false);
        let Some(f) = file.with_value(|f| f.clone()) else {
            error.set(Some(t("Choose an image first.").into()));
            return;
        };
        // The checks the server makes, before the image is sent.
        let described = match AltText::parse(&alt.get_untracked()) {
            Ok(a) => a,
            Err(e) => return error.set(Some(crate::error::say(&e))),
        };
        let link = link.get_untracked().trim().to_owned();
        if !link.is_empty() {
            if let Err(e) = Link::parse(&link) {
                return error.set(Some(crate::error::say(&e)));
            }
        }
        let expires = expires.get_untracked();
        let expires_at = if expires.is_empty() {
            String::new()
        } else {
            match browser::local_to_utc(&expires) {
                Some(at) if at > browser::now_utc() => at,
                _ => return error.set(Some(t("Choose an expiry in the future.").into())),
            }
        };
        let mut fields = vec![("alt", described.as_str())];
        if !link.is_empty() {
            fields.push(("link", &link));
        }
        if !expires_at.is_empty() {
            fields.push(("expires_at", &expires_at));
        }
        error.set(None);
        progress.set(Some(0.0));
        f.send::<AnnouncementView>(
            "POST",
            "/api/v1/announcements",
            &fields,
            move |p| progress.set(Some(p)),
            move |result| {
                progress.set(None);
                match result {
                    Ok(_) => {
                        posted.set(true);
                        generation.update(|g| *g += 1);
                    }
                    Err(msg) => error.set(Some(msg)),
                }
            },
        );
    };

    view! {
        <form class="announce-form" on:submit=submit data-testid="announce-form">
            <label class="dropzone small">
                <ChosenImage preview=preview prompt=|| t("Choose an image") alt=|| t("Preview of the chosen image") />
                <input class="visually-hidden" type="file" name="image" accept="image/*" on:change=choose data-testid="announcement-file" />
            </label>
            <label>
                {move || t("Alt text")}
                <textarea name="alt" rows="2" maxlength="300" required bind:value=alt aria-describedby="announce-alt-hint" data-testid="announcement-alt-input"></textarea>
                <small class="hint" id="announce-alt-hint">
                    {move || t("What screen readers read aloud, and what shows when images are off. Describe the image, including any words in it.")}
                </small>
            </label>
            <label>
                {move || t("Link (optional)")}
                <input name="link" type="text" inputmode="url" autocomplete="off" bind:value=link placeholder=move || t("https://… or /path") aria-describedby="announce-link-hint" />
                <small class="hint" id="announce-link-hint">{move || t("Where the banner leads when clicked: a web address or a page on this site.")}</small>
            </label>
            <label>
                {move || t("Expires (optional)")}
                <input name="expires_at" type="datetime-local" bind:value=expires aria-describedby="announce-expiry-hint" />
                <small class="hint" id="announce-expiry-hint">{move || t("In your local time. Leave empty to keep it up until it is replaced or deleted.")}</small>
            </label>
            <ErrorMessage message=error />
            <UploadProgress progress=progress />
            <button class="button primary" type="submit" disabled=move || progress.with(|p| p.is_some()) data-testid="announcement-submit">
                {move || t("Post announcement")}
            </button>
        </form>
    }
}
