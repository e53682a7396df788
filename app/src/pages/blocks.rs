//! Blocking and muting: the buttons on a user's page, and the list in settings.

use crate::components::{Avatar, ErrorMessage};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::types::UserSummary;
use photoshare_domain::views::{BlockList, Relation};

/// Blocks (`block`) or mutes `handle` (`on`), or lifts it.
#[server(prefix = "/api/sf", endpoint = "set_relation", protocol = crate::sf::Sf)]
pub async fn set_relation(handle: String, block: bool, on: bool) -> Result<Relation, AppError> {
    use photoshare_domain::blocks::RelationKind;
    use photoshare_domain::types::user_in_path;
    let (s, user) = crate::session::ssr::signed_in().await?;
    let kind = if block {
        RelationKind::Block
    } else {
        RelationKind::Mute
    };
    Ok(s.social
        .set_relation(&user, &user_in_path(&handle)?, kind, on)
        .await?)
}

#[server(prefix = "/api/sf", endpoint = "my_blocks", protocol = crate::sf::Sf)]
pub async fn my_blocks() -> Result<BlockList, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.social.blocks(&user).await?)
}

/// Mute and block, on another user's page. `on_change` gets the new relation.
#[component]
pub fn RelationButtons(
    handle: String,
    relation: RwSignal<Relation>,
    on_change: UnsyncCallback<Relation>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let handle = StoredValue::new(handle);
    let change = move |block: bool| {
        let on = !relation.with_untracked(|r| if block { r.blocked } else { r.muted });
        busy.set(true);
        leptos::task::spawn_local(async move {
            match set_relation(handle.get_value(), block, on).await {
                Ok(r) => {
                    relation.set(r);
                    error.set(None);
                    on_change.run(r);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="relation-buttons">
            <button type="button" class="button" data-testid="mute-button" aria-pressed=move || relation.with(|r| r.muted).to_string()
                disabled=move || busy.get() on:click=move |_| change(false)>
                {move || if relation.with(|r| r.muted) { t("Unmute") } else { t("Mute") }}
            </button>
            " "
            <button type="button" class="button danger" data-testid="block-button" aria-pressed=move || relation.with(|r| r.blocked).to_string()
                disabled=move || busy.get() on:click=move |_| change(true)>
                {move || if relation.with(|r| r.blocked) { t("Unblock") } else { t("Block") }}
            </button>
            <Show when=move || relation.with(|r| r.blocked)>
                <p class="hint" role="status">{move || t("Blocked: you no longer see each other's photos and comments, and they cannot favorite, comment on or follow yours.")}</p>
            </Show>
            <Show when=move || relation.with(|r| r.muted && !r.blocked)>
                <p class="hint" role="status">{move || t("Muted: their photos no longer show in your feeds.")}</p>
            </Show>
            <ErrorMessage message=error />
        </div>
    }
}

/// Settings: whom I blocked and muted, each with a button to lift it.
#[component]
pub fn BlocksSection() -> impl IntoView {
    let list = RwSignal::new(BlockList::default());
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match my_blocks().await {
                Ok(l) => list.set(l),
                Err(e) => error.set(Some(e.text())),
            }
        })
    };
    reload();
    let lift = move |handle: String, block: bool| {
        leptos::task::spawn_local(async move {
            match set_relation(handle, block, false).await {
                Ok(_) => reload(),
                Err(e) => error.set(Some(e.text())),
            }
        })
    };
    let rows = move |users: Vec<UserSummary>, block: bool| {
        users
            .into_iter()
            .map(|u| {
                let handle = u.handle.clone();
                view! {
                    <li data-testid=if block { "blocked-user" } else { "muted-user" }>
                        <a href=format!("/u/{}", u.handle)>
                            <Avatar url=u.icon_url.clone() handle=u.handle.clone() size=32 />
                            " @" {u.handle.clone()}
                        </a>
                        " "
                        <button type="button" class="button" on:click=move |_| lift(handle.clone(), block)>
                            {move || if block { t("Unblock") } else { t("Unmute") }}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="settings-card" aria-labelledby="blocks-title" data-testid="blocks">
            <h2 id="blocks-title">{move || t("Blocked and muted")}</h2>
            <p class="hint">{move || t("Block or mute someone from their page.")}</p>
            <h3>{move || t("Blocked")}</h3>
            <ul class="events">
                {move || rows(list.get().blocked, true)}
            </ul>
            <Show when=move || list.with(|l| l.blocked.is_empty())>
                <p class="hint">{move || t("Nobody.")}</p>
            </Show>
            <h3>{move || t("Muted")}</h3>
            <ul class="events">
                {move || rows(list.get().muted, false)}
            </ul>
            <Show when=move || list.with(|l| l.muted.is_empty())>
                <p class="hint">{move || t("Nobody.")}</p>
            </Show>
            <ErrorMessage message=error />
        </section>
    }
}
