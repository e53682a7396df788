//! My data in settings: download everything (`GET /api/v1/me/export`, a zip), and delete the
//! account (password, the handle typed again, and a code with two-factor sign-in on).

use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::i18n::t;
use crate::state::use_me;
use leptos::prelude::*;
use photoshare_domain::problem::Problem;

/// Deletes the signed-in account and ends its session.
#[server(prefix = "/api/sf", endpoint = "delete_account", protocol = crate::sf::Sf)]
pub async fn delete_account(
    password: String,
    confirm: String,
    code: Option<String>,
) -> Result<(), AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    let client = crate::session::ssr::client_addr();
    let ask = photoshare_domain::my_data::AccountDeletion {
        password: &password,
        confirm: &confirm,
        code: code.as_deref(),
    };
    s.delete_account(&user, &ask, &client).await?;
    crate::session::ssr::set_cookie(photoshare_domain::accounts::clear_cookie());
    Ok(())
}

#[component]
pub fn AccountSection() -> impl IntoView {
    let me = use_me();
    let handle = move || {
        me.user
            .with(|u| u.as_ref().map(|u| u.handle.clone()).unwrap_or_default())
    };
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let asks_code = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let delete = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let code = asks_code.get_untracked().then(|| code.get_untracked());
            match delete_account(password.get_untracked(), confirm.get_untracked(), code).await {
                Ok(()) => {
                    me.user.set(None);
                    navigate("/", Default::default());
                }
                Err(e) => {
                    if matches!(e, AppError(Problem::TwoFactorRequired)) {
                        asks_code.set(true);
                    }
                    error.set(Some(e.text()));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <section class="settings-card" aria-labelledby="account-title" data-testid="account">
            <h2 id="account-title">{move || t("Your data")}</h2>
            <p class="hint">{move || t("A zip of every photo you posted, as you uploaded it, with your profile, captions, favorites, fans and comments as JSON.")}</p>
            <a class="button" href="/api/v1/me/export" download data-testid="export">{move || t("Download my data")}</a>
            <hr />
            <h2>{move || t("Delete account")}</h2>
            <p class="hint">{move || t("Your photos, icon, favorites, fans, comments and sessions are deleted for good. This cannot be undone.")}</p>
            <form class="profile-form" on:submit=delete>
                <label>
                    {move || t("Current password")}
                    <input type="password" autocomplete="current-password" required bind:value=password />
                </label>
                <label>
                    {move || t("Type your handle to confirm")} " (" {handle} ")"
                    <input autocomplete="off" autocapitalize="none" spellcheck="false" required bind:value=confirm data-testid="delete-confirm" />
                </label>
                <Show when=move || asks_code.get()>
                    <label>
                        {move || t("Two-factor code")}
                        <input autocomplete="one-time-code" required bind:value=code data-testid="delete-code" />
                    </label>
                </Show>
                <ErrorMessage message=error />
                <button class="button danger" type="submit" disabled=move || busy.get() || confirm.with(|c| c.trim().to_lowercase() != handle())>{move || t("Delete my account")}</button>
            </form>
        </section>
    }
}
