//! My sessions and password in settings: where I am signed in (device, address, last used), log
//! out one or every other, change the password (which logs out every other session).

use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::i18n::{relative_time, t};
use leptos::prelude::*;
use photoshare_domain::types::Password;
use photoshare_domain::views::SessionView;

/// The signed-in user's sessions, the current one marked.
#[server(prefix = "/api/sf", endpoint = "my_sessions", protocol = crate::sf::Sf)]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    let token = crate::session::ssr::request_token().unwrap_or_default();
    Ok(s.accounts.sessions(&user, &token).await?)
}

/// Ends one session (`id`), or every other one (`id` empty).
#[server(prefix = "/api/sf", endpoint = "end_sessions", protocol = crate::sf::Sf)]
pub async fn end_sessions(id: String) -> Result<(), AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    if id.is_empty() {
        let token = crate::session::ssr::request_token().unwrap_or_default();
        s.accounts.end_other_sessions(&user, &token).await?;
    } else {
        s.accounts.end_session_by_id(&user, &id).await?;
    }
    Ok(())
}

/// Changes the password, given the old one; every other session ends.
#[server(prefix = "/api/sf", endpoint = "change_password", protocol = crate::sf::Sf)]
pub async fn change_password(old: String, new: String) -> Result<(), AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    let new = Password::parse(&new)?;
    let token = crate::session::ssr::request_token().unwrap_or_default();
    let client = crate::session::ssr::client_addr();
    Ok(s.accounts
        .change_password(&user, &old, &new, &token, &client)
        .await?)
}

#[component]
pub fn SessionsSection() -> impl IntoView {
    let sessions = RwSignal::new(Vec::<SessionView>::new());
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match my_sessions().await {
                Ok(list) => sessions.set(list),
                Err(e) => error.set(Some(e.text())),
            }
        })
    };
    reload();
    let end = move |id: String| {
        leptos::task::spawn_local(async move {
            match end_sessions(id).await {
                Ok(()) => reload(),
                Err(e) => error.set(Some(e.text())),
            }
        })
    };
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let changed = RwSignal::new(false);
    let pw_error = RwSignal::new(None::<String>);
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changed.set(false);
        if let Err(e) = Password::parse(&new.get_untracked()) {
            pw_error.set(Some(crate::error::say(&e)));
            return;
        }
        leptos::task::spawn_local(async move {
            match change_password(old.get_untracked(), new.get_untracked()).await {
                Ok(()) => {
                    old.set(String::new());
                    new.set(String::new());
                    pw_error.set(None);
                    changed.set(true);
                    reload();
                }
                Err(e) => pw_error.set(Some(e.text())),
            }
        })
    };
    view! {
        <section class="settings-card" aria-labelledby="sessions-title" data-testid="sessions">
            <h2 id="sessions-title">{move || t("Where you are logged in")}</h2>
            <ul class="events">
                {move || sessions.get().into_iter().map(|s| {
                    let id = s.id.clone();
                    let seen = s.last_seen_at.clone();
                    view! {
                        <li data-testid="session">
                            <strong>{if s.device.is_empty() { t("Unknown device").to_owned() } else { s.device.clone() }}</strong>
                            " "
                            {if s.current {
                                view! { <span class="badge ok">{move || t("This device")}</span> }.into_any()
                            } else {
                                view! { <button type="button" class="button" on:click=move |_| end(id.clone())>{move || t("Log out")}</button> }.into_any()
                            }}
                            <br />
                            <span class="hint">{s.address} " · " {move || t("Last used")} " " {relative_time(&seen)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ErrorMessage message=error />
            <button type="button" class="button" on:click=move |_| end(String::new()) data-testid="end-others">{move || t("Log out everywhere else")}</button>
            <hr />
            <h2>{move || t("Change password")}</h2>
            <form class="profile-form" on:submit=change>
                <label>
                    {move || t("Current password")}
                    <input type="password" autocomplete="current-password" required bind:value=old />
                </label>
                <label>
                    {move || t("New password")}
                    <input type="password" autocomplete="new-password" required minlength=Password::MIN bind:value=new />
                </label>
                <ErrorMessage message=pw_error />
                <Show when=move || changed.get()>
                    <p class="ok" role="status">{move || t("Password changed. Every other session was logged out.")}</p>
                </Show>
                <button class="button primary" type="submit">{move || t("Change password")}</button>
            </form>
        </section>
    }
}
