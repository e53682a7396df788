//! An admin's hide / unhide / delete buttons for one photo: on the photo page, so in the bundle
//! every visitor downloads (they show for admins only), and in the console's moderation queue.

use crate::browser;
use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::views::ModerationAction;

/// Hide, unhide or delete a photo (admins).
#[server(prefix = "/api/sf", endpoint = "moderate", protocol = crate::sf::Sf)]
pub async fn moderate(photo: String, action: ModerationAction) -> Result<(), AppError> {
    let (s, admin) = crate::session::ssr::admin().await?;
    let photo = photoshare_domain::types::photo_in_path(&photo)?;
    Ok(s.moderation.act(photo, action, &admin).await?)
}

/// What an admin did to a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moderated {
    Hidden,
    Shown,
    Deleted,
}

/// An admin's buttons for one photo: hide, unhide, delete. In the moderation queue, "Keep"
/// (unhide) also settles the reports on a photo that is still visible.
#[component]
pub fn ModerationActions(
    photo_id: String,
    #[prop(into)] hidden: Signal<bool>,
    in_queue: bool,
    on_done: UnsyncCallback<Moderated>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(photo_id);
    let act = move |what: Moderated| {
        let id = id.get_value();
        let action = match what {
            Moderated::Hidden => ModerationAction::Hide,
            Moderated::Shown => ModerationAction::Unhide,
            Moderated::Deleted => {
                if !browser::confirm(t("Delete this photo for everyone? It is removed from the cache and from S3, and the same image cannot be uploaded again.")) {
                    return;
                }
                ModerationAction::Delete
            }
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match moderate(id, action).await {
                Ok(()) => {
                    error.set(None);
                    on_done.try_run(what);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="row-actions" role="group" aria-label=move || t("Moderation")>
            <Show when=move || !hidden.get()>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(Moderated::Hidden) data-testid="hide-photo">
                    {move || t("Hide")}
                </button>
            </Show>
            <Show when=move || in_queue || hidden.get()>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(Moderated::Shown) data-testid="unhide-photo">
                    {move || if in_queue { t("Keep (unhide)") } else { t("Unhide") }}
                </button>
            </Show>
            <button type="button" class="button danger" disabled=move || busy.get() on:click=move |_| act(Moderated::Deleted) data-testid="delete-photo">
                {move || t("Delete")}
            </button>
        </div>
        <ErrorMessage message=error />
    }
}
