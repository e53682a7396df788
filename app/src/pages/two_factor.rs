//! Two-factor sign-in in settings: turn it on (password, then scan the QR code and type the first
//! code), keep the recovery codes, make new ones, turn it off.

use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::i18n::{relative_time, t, tn};
use leptos::prelude::*;
use photoshare_domain::views::{RecoveryCodes, TwoFactorEnrolment, TwoFactorStatus};

#[server(prefix = "/api/sf", endpoint = "my_two_factor", protocol = crate::sf::Sf)]
pub async fn my_two_factor() -> Result<TwoFactorStatus, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.accounts.two_factor_status(&user).await?)
}

/// Starts turning two-factor sign-in on: the secret and its QR code.
#[server(prefix = "/api/sf", endpoint = "start_two_factor", protocol = crate::sf::Sf)]
pub async fn start_two_factor(password: String) -> Result<TwoFactorEnrolment, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    let client = crate::session::ssr::client_addr();
    Ok(s.accounts
        .start_two_factor(&user, &password, &client)
        .await?)
}

/// Turns it on with the app's first code; the recovery codes, shown once.
#[server(prefix = "/api/sf", endpoint = "confirm_two_factor", protocol = crate::sf::Sf)]
pub async fn confirm_two_factor(code: String) -> Result<RecoveryCodes, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.accounts.confirm_two_factor(&user, &code).await?)
}

/// Turns it off (password and a code), or makes new recovery codes (a code; `password` empty).
#[server(prefix = "/api/sf", endpoint = "change_two_factor", protocol = crate::sf::Sf)]
pub async fn change_two_factor(
    password: String,
    code: String,
) -> Result<Option<RecoveryCodes>, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    if password.is_empty() {
        return Ok(Some(s.accounts.renew_recovery_codes(&user, &code).await?));
    }
    let client = crate::session::ssr::client_addr();
    s.accounts
        .disable_two_factor(&user, &password, &code, &client)
        .await?;
    Ok(None)
}

fn codes_left(n: i64) -> String {
    if n == 1 {
        t("1 recovery code left").to_owned()
    } else {
        tn("{n} recovery codes left", n)
    }
}

#[component]
pub fn TwoFactorSection() -> impl IntoView {
    let status = RwSignal::new(None::<TwoFactorStatus>);
    let enrolment = RwSignal::new(None::<TwoFactorEnrolment>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let reload = move || {
        leptos::task::spawn_local(async move {
            match my_two_factor().await {
                Ok(s) => status.set(Some(s)),
                Err(e) => error.set(Some(e.text())),
            }
        })
    };
    reload();
    // Runs one call with the form busy; a success clears the typed password and code.
    let run =
        move |call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>| {
            busy.set(true);
            leptos::task::spawn_local(async move {
                match call.await {
                    Ok(()) => {
                        error.set(None);
                        password.set(String::new());
                        code.set(String::new());
                        reload();
                    }
                    Err(e) => error.set(Some(e.text())),
                }
                busy.set(false);
            });
        };
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run(Box::pin(async move {
            enrolment.set(Some(start_two_factor(password.get_untracked()).await?));
            Ok(())
        }));
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run(Box::pin(async move {
            let made = confirm_two_factor(code.get_untracked()).await?;
            enrolment.set(None);
            codes.set(Some(made.codes));
            Ok(())
        }));
    };
    // Turn off (with the password) or new recovery codes (without).
    let change = move |turn_off: bool| {
        let pw = if turn_off {
            password.get_untracked()
        } else {
            String::new()
        };
        run(Box::pin(async move {
            let made = change_two_factor(pw, code.get_untracked()).await?;
            codes.set(made.map(|m| m.codes));
            Ok(())
        }));
    };
    let enabled = move || status.with(|s| s.as_ref().is_some_and(|s| s.enabled));
    view! {
        <section class="settings-card" aria-labelledby="two-factor-title" data-testid="two-factor">
            <h2 id="two-factor-title">{move || t("Two-factor sign-in")}</h2>
            {move || status.get().map(|s| if s.enabled {
                let since = s.enabled_at.clone().unwrap_or_default();
                view! {
                    <p><span class="badge ok">{move || t("On")}</span> " " {move || t("Since")} " " {relative_time(&since)} " · "
                    {move || codes_left(s.recovery_codes_left)}</p>
                }.into_any()
            } else {
                view! {
                    <p><span class="badge">{move || t("Off")}</span> " " {move || t("Ask for a code from an authenticator app at every log-in, so a stolen password is not enough.")}</p>
                }.into_any()
            })}
            <Show when=move || codes.with(|c| c.is_some())>
                <div class="new-token" role="status">
                    <p>{move || t("Your recovery codes. Keep them somewhere safe: each one logs you in once if you lose your phone. They are not shown again.")}</p>
                    <ol class="recovery-codes" data-testid="recovery-codes">
                        {move || codes.get().unwrap_or_default().into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                    <button type="button" class="button" on:click=move |_| codes.set(None)>{move || t("I have saved them")}</button>
                </div>
            </Show>
            {move || match (enabled(), enrolment.get()) {
                (false, None) => view! {
                    <form class="profile-form" on:submit=start>
                        <label>
                            {move || t("Current password")}
                            <input type="password" autocomplete="current-password" required bind:value=password />
                        </label>
                        <button class="button primary" type="submit" disabled=move || busy.get()>{move || t("Turn on two-factor sign-in")}</button>
                    </form>
                }.into_any(),
                (false, Some(e)) => {
                    let view_box = format!("-4 -4 {0} {0}", e.qr_size + 8);
                    let secret = e.secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
                    view! {
                        <p>{move || t("Scan this code with your authenticator app, or type the key into it. Then enter the 6-digit code it shows.")}</p>
                        <svg class="qr" viewBox=view_box role="img" aria-label=move || t("QR code for your authenticator app") data-testid="totp-qr">
                            <rect x="-4" y="-4" width="100%" height="100%" fill="#fff" />
                            <path d=e.qr_path fill="#000" />
                        </svg>
                        <p><code class="secret" data-testid="totp-secret">{secret}</code></p>
                        <form class="profile-form" on:submit=confirm>
                            <label>
                                {move || t("Code from the app")}
                                <input autocomplete="one-time-code" inputmode="numeric" maxlength="6" required bind:value=code data-testid="totp-code" />
                            </label>
                            <button class="button primary" type="submit" disabled=move || busy.get()>{move || t("Turn on")}</button>
                        </form>
                    }.into_any()
                }
                (true, _) => view! {
                    <form class="profile-form" on:submit=move |ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                        <label>
                            {move || t("Code from the app, or a recovery code")}
                            <input autocomplete="one-time-code" required bind:value=code data-testid="two-factor-code" />
                        </label>
                        <button class="button" type="button" disabled=move || busy.get() on:click=move |_| change(false)>{move || t("New recovery codes")}</button>
                        <label>
                            {move || t("Current password (to turn it off)")}
                            <input type="password" autocomplete="current-password" bind:value=password />
                        </label>
                        <button class="button danger" type="button" disabled=move || busy.get() || password.with(String::is_empty) on:click=move |_| change(true)>{move || t("Turn off two-factor sign-in")}</button>
                    </form>
                }.into_any(),
            }}
            <ErrorMessage message=error />
        </section>
    }
}
