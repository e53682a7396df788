use crate::components::{AuthForm, ErrorMessage};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::components::A;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::UserView;

/// Logs in; `code` is the second factor, for an account with two-factor sign-in on (without it
/// such an account gets `two_factor_required`, and the page asks for the code).
#[server(prefix = "/api/sf", endpoint = "log_in", protocol = crate::sf::Sf)]
pub async fn log_in(
    handle: String,
    password: String,
    code: Option<String>,
) -> Result<UserView, AppError> {
    let services = crate::session::ssr::services()?;
    let client = crate::session::ssr::client_addr();
    let user = services
        .accounts
        .log_in(&handle, &password, code.as_deref(), &client)
        .await?;
    crate::session::ssr::start_session(&services, &user).await?;
    Ok(user.view())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let form = AuthForm::new();
    let AuthForm {
        handle,
        password,
        error,
        busy,
    } = form;
    let code = RwSignal::new(String::new());
    // Shown once the server said this account needs its second factor.
    let asks_code = RwSignal::new(false);
    let submit = form.on_submit(move |handle, password| async move {
        let code = asks_code.get_untracked().then(|| code.get_untracked());
        let result = log_in(handle, password, code).await;
        if let Err(AppError(Problem::TwoFactorRequired)) = &result {
            asks_code.set(true);
        }
        result
    });

    view! {
        <section class="auth-card">
            <h1>{move || t("Log in")}</h1>
            <form on:submit=submit>
                <label>
                    {move || t("Handle")}
                    <input name="handle" autocomplete="username" required bind:value=handle />
                </label>
                <label>
                    {move || t("Password")}
                    <input name="password" type="password" autocomplete="current-password" required bind:value=password />
                </label>
                <Show when=move || asks_code.get()>
                    <label>
                        {move || t("Two-factor code")}
                        <input name="code" autocomplete="one-time-code" inputmode="numeric" autofocus required bind:value=code data-testid="login-code" />
                        <small class="hint">{move || t("The 6-digit code from your authenticator app, or a recovery code.")}</small>
                    </label>
                </Show>
                <ErrorMessage message=error />
                <button class="button primary" type="submit" disabled=move || busy.get()>{move || t("Log in")}</button>
            </form>
            <p class="aside">{move || t("No account yet?")} " " <A href="/signup">{move || t("Create account")}</A></p>
        </section>
    }
}
