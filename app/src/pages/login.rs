use crate::components::{AuthForm, ErrorMessage};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::components::A;
use photoshare_domain::types::UserView;

#[server(prefix = "/api/sf", endpoint = "log_in", protocol = crate::sf::Sf)]
pub async fn log_in(handle: String, password: String) -> Result<UserView, AppError> {
    let services = crate::session::ssr::services()?;
    let client = crate::session::ssr::client_addr();
    let user = services
        .accounts
        .log_in(&handle, &password, &client)
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
    let submit = form.on_submit(log_in);

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
                <ErrorMessage message=error />
                <button class="button primary" type="submit" disabled=move || busy.get()>{move || t("Log in")}</button>
            </form>
            <p class="aside">{move || t("No account yet?")} " " <A href="/signup">{move || t("Create account")}</A></p>
        </section>
    }
}
