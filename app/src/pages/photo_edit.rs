//! A photo's owner (or an admin) changes its caption, alt text and visibility, or deletes it.

use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::types::{Caption, PhotoAlt, PhotoView, Visibility};
use photoshare_domain::views::PhotoChange;

#[server(prefix = "/api/sf", endpoint = "edit_photo", protocol = crate::sf::Sf)]
pub async fn edit_photo(id: String, change: PhotoChange) -> Result<PhotoView, AppError> {
    use photoshare_domain::types::photo_in_path;
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.photos.edit(photo_in_path(&id)?, &user, &change).await?)
}

#[server(prefix = "/api/sf", endpoint = "delete_photo", protocol = crate::sf::Sf)]
pub async fn delete_photo(id: String) -> Result<(), AppError> {
    use photoshare_domain::types::photo_in_path;
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.photos.delete(photo_in_path(&id)?, &user).await?)
}

/// The caption, alt text and visibility fields, shared by the upload form and the edit form.
#[component]
pub fn PhotoTextFields(
    caption: RwSignal<String>,
    alt: RwSignal<String>,
    unlisted: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <label>
            {move || t("Caption")}
            <textarea name="caption" rows="3" maxlength=Caption::MAX bind:value=caption placeholder=move || t("Say something about it (optional)")></textarea>
            <small class="hint">{move || format!("{} / {}", caption.with(|c| c.chars().count()), Caption::MAX)}</small>
        </label>
        <label>
            {move || t("Description for people who cannot see the photo (alt text)")}
            <textarea name="alt" rows="3" maxlength=PhotoAlt::MAX bind:value=alt placeholder=move || t("What is in the photo? e.g. A red tram crossing a snowy bridge at dusk")></textarea>
            <small class="hint" class:nudge=move || alt.with(|a| a.trim().is_empty())>
                {move || if alt.with(|a| a.trim().is_empty()) {
                    t("Without a description, people who use a screen reader will not know what the photo shows.").to_owned()
                } else {
                    format!("{} / {}", alt.with(|a| a.chars().count()), PhotoAlt::MAX)
                }}
            </small>
        </label>
        <label class="check">
            <input type="checkbox" name="unlisted" bind:checked=unlisted />
            {move || t("Unlisted: only people with the link see it, not the feeds")}
        </label>
    }
}

/// Edit and delete, for the photo's owner or an admin. `on_saved` gets the changed photo;
/// `on_deleted` runs once it is gone.
#[component]
pub fn PhotoOwnerTools(
    photo: PhotoView,
    on_saved: UnsyncCallback<PhotoView>,
    on_deleted: UnsyncCallback<()>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let caption = RwSignal::new(photo.caption.clone());
    let alt = RwSignal::new(photo.alt.clone());
    let unlisted = RwSignal::new(photo.visibility == Visibility::Unlisted);
    let id = StoredValue::new(photo.id.clone());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The same checks the server makes, before anything is sent.
        if let Err(e) = Caption::parse(&caption.get_untracked())
            .and_then(|_| PhotoAlt::parse(&alt.get_untracked()))
        {
            error.set(Some(crate::error::say(&e)));
            return;
        }
        let visibility = if unlisted.get_untracked() {
            Visibility::Unlisted
        } else {
            Visibility::Public
        };
        let change = PhotoChange {
            caption: Some(caption.get_untracked()),
            alt: Some(alt.get_untracked()),
            visibility: Some(visibility.as_str().to_owned()),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match edit_photo(id.get_value(), change).await {
                Ok(p) => {
                    error.set(None);
                    editing.set(false);
                    on_saved.run(p);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    let delete = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match delete_photo(id.get_value()).await {
                Ok(()) => on_deleted.run(()),
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="owner-tools" data-testid="owner-tools">
            <Show when=move || !editing.get()>
                <button type="button" class="button" on:click=move |_| editing.set(true)>{move || t("Edit")}</button>
                " "
                <Show
                    when=move || confirming.get()
                    fallback=move || view! { <button type="button" class="button danger" on:click=move |_| confirming.set(true)>{move || t("Delete photo")}</button> }
                >
                    <span class="confirm" role="group" aria-label=move || t("Delete this photo for good?")>
                        {move || t("Delete this photo for good?")} " "
                        <button type="button" class="button danger" disabled=move || busy.get() on:click=delete>{move || t("Yes, delete")}</button>
                        " "
                        <button type="button" class="button" on:click=move |_| confirming.set(false)>{move || t("Cancel")}</button>
                    </span>
                </Show>
            </Show>
            <Show when=move || editing.get()>
                <form class="profile-form" on:submit=save data-testid="edit-photo">
                    <PhotoTextFields caption=caption alt=alt unlisted=unlisted />
                    <button class="button primary" type="submit" disabled=move || busy.get()>{move || t("Save")}</button>
                    " "
                    <button type="button" class="button" on:click=move |_| editing.set(false)>{move || t("Cancel")}</button>
                </form>
            </Show>
            <ErrorMessage message=error />
        </div>
    }
}
