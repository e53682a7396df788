//! Personal access tokens in settings: make one (its secret shown once), see what each may do and
//! when it was last used, revoke it.

use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::i18n::{relative_time, t};
use crate::state::use_me;
use leptos::prelude::*;
use photoshare_domain::views::TokenView;

/// The signed-in user's tokens, newest first.
#[server(prefix = "/api/sf", endpoint = "my_tokens", protocol = crate::sf::Sf)]
pub async fn my_tokens() -> Result<Vec<TokenView>, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.tokens.list(&user).await?)
}

/// Makes a token that may read, and `write` or `admin` if asked. Answers its secret, shown this
/// once (the page reloads the list for the rest).
#[server(prefix = "/api/sf", endpoint = "create_token", protocol = crate::sf::Sf)]
pub async fn create_token(name: String, write: bool, admin: bool) -> Result<String, AppError> {
    use photoshare_domain::views::Scope;
    let (s, user) = crate::session::ssr::signed_in().await?;
    let name = photoshare_domain::types::TokenName::parse(&name)?;
    let mut scopes = vec![Scope::Read];
    scopes.extend(write.then_some(Scope::Write));
    scopes.extend(admin.then_some(Scope::Admin));
    Ok(s.tokens.create(&user, &name, &scopes).await?.secret)
}

/// Revokes one of the signed-in user's tokens.
#[server(prefix = "/api/sf", endpoint = "revoke_token", protocol = crate::sf::Sf)]
pub async fn revoke_token(id: String) -> Result<(), AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.tokens.revoke(&user, &id).await?)
}

#[component]
pub fn TokensSection() -> impl IntoView {
    let me = use_me();
    let tokens = RwSignal::new(None::<Vec<TokenView>>);
    let name = RwSignal::new(String::new());
    let write = RwSignal::new(false);
    let admin = RwSignal::new(false);
    let secret = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match my_tokens().await {
                Ok(list) => tokens.set(Some(list)),
                Err(e) => error.set(Some(e.text())),
            }
        })
    };
    reload();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        secret.set(None);
        leptos::task::spawn_local(async move {
            let made = create_token(
                name.get_untracked(),
                write.get_untracked(),
                admin.get_untracked(),
            )
            .await;
            match made {
                Ok(made) => {
                    secret.set(Some(made));
                    name.set(String::new());
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    let revoke = move |id: String| {
        leptos::task::spawn_local(async move {
            match revoke_token(id).await {
                Ok(()) => reload(),
                Err(e) => error.set(Some(e.text())),
            }
        })
    };
    let is_admin = move || me.is_admin();
    view! {
        <section class="settings-card" aria-labelledby="tokens-title" data-testid="tokens">
            <h2 id="tokens-title">{move || t("Access tokens")}</h2>
            <p class="hint">{move || t("For scripts and apps: send a token as “Authorization: Bearer …”. It can do what you allow it, until you revoke it.")}</p>
            <ul class="events">
                {move || tokens.get().unwrap_or_default().into_iter().map(|tok| {
                    let id = tok.id.clone();
                    let scopes = tok.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" · ");
                    let created = tok.created_at.clone();
                    let used = tok.last_used_at.clone();
                    view! {
                        <li data-testid="token">
                            <strong>{tok.name}</strong> " " <span class="badge">{scopes}</span> " "
                            <button type="button" class="button" on:click=move |_| revoke(id.clone())>{move || t("Revoke")}</button>
                            <br />
                            <span class="hint">
                                {move || t("Made")} " " {relative_time(&created)} " · " {move || t("Last used")} " "
                                {used.as_deref().map(relative_time).unwrap_or_else(|| t("never").to_owned())}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || secret.with(|s| s.is_some())>
                <div class="new-token" role="status">
                    <p>{move || t("Your new token. Copy it now: it is not shown again.")}</p>
                    <code data-testid="new-token">{move || secret.get().unwrap_or_default()}</code>
                </div>
            </Show>
            <form class="profile-form" on:submit=create>
                <label>
                    {move || t("Token name")}
                    <input name="token_name" maxlength="60" required bind:value=name placeholder=move || t("e.g. backup script") />
                </label>
                <label class="check">
                    <input type="checkbox" bind:checked=write />
                    {move || t("May post and change things (write), not only read")}
                </label>
                <Show when=is_admin>
                    <label class="check">
                        <input type="checkbox" bind:checked=admin />
                        {move || t("May use the admin API (admin)")}
                    </label>
                </Show>
                <ErrorMessage message=error />
                <button class="button primary" type="submit" disabled=move || busy.get()>{move || t("Make a token")}</button>
            </form>
        </section>
    }
}
