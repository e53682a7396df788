use crate::components::{AuthForm, ErrorMessage};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::components::A;
use photoshare_domain::types::{Handle, Password, UserView};

#[server(prefix = "/api/sf", endpoint = "sign_up", protocol = crate::sf::Sf)]
pub async fn sign_up(handle: String, password: String) -> Result<UserView, AppError> {
    let services = crate::session::ssr::services()?;
    let handle = Handle::parse(&handle)?;
    let password = Password::parse(&password)?;
    let client = crate::session::ssr::client_addr();
    let user = services
        .accounts
        .sign_up_from(&client, &handle, &password)
        .await?;
    crate::session::ssr::start_session(&services, &user).await?;
    Ok(user.view())
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let form = AuthForm::new();
    let AuthForm {
        handle,
        password,
        error,
        busy,
    } = form;

    // The same checks the server makes, as the user types.
    let handle_hint = move || {
        let h = handle.get();
        (!h.is_empty())
            .then(|| Handle::parse(&h).err().map(|e| crate::error::say(&e)))
            .flatten()
    };
    let password_hint = move || {
        let p = password.get();
        (!p.is_empty())
            .then(|| Password::parse(&p).err().map(|e| crate::error::say(&e)))
            .flatten()
    };

    let submit = form.on_submit(sign_up);

    view! {
        <section class="auth-card">
            <h1>{move || t("Join PhotoShare")}</h1>
            <form on:submit=submit>
                <label>
                    {move || t("Handle")}
                    <input name="handle" autocomplete="username" required bind:value=handle aria-describedby="handle-hint" />
                    <small id="handle-hint" class="hint">
                        {move || handle_hint().unwrap_or_else(|| t("3–30 letters, digits or _; shown as @handle.").into())}
                    </small>
                </label>
                <label>
                    {move || t("Password")}
                    <input name="password" type="password" autocomplete="new-password" required bind:value=password aria-describedby="password-hint" />
                    <small id="password-hint" class="hint">
                        {move || password_hint().unwrap_or_else(|| t("At least 8 characters.").into())}
                    </small>
                </label>
                <ErrorMessage message=error />
                <button class="button primary" type="submit" disabled=move || busy.get()>{move || t("Create account")}</button>
            </form>
            <p class="aside">{move || t("Already have an account?")} " " <A href="/login">{move || t("Log in")}</A></p>
        </section>
    }
}
