use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::use_me;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use photoshare_domain::types::UserView;

#[server(prefix = "/api/sf", endpoint = "log_in")]
pub async fn log_in(handle: String, password: String) -> Result<UserView, AppError> {
    crate::session::ssr::answer(async move {
        let services = crate::session::ssr::services()?;
        let user = services.accounts.log_in(&handle, &password).await?;
        crate::session::ssr::start_session(&services, &user).await?;
        Ok(user.view())
    })
    .await
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let me = use_me();
    let navigate = use_navigate();
    let handle = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match log_in(handle.get_untracked(), password.get_untracked()).await {
                Ok(user) => {
                    me.user.set(Some(user));
                    navigate("/", Default::default());
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="auth-card">
            <h1>"Log in"</h1>
            <form on:submit=submit>
                <label>
                    "Handle"
                    <input name="handle" autocomplete="username" required bind:value=handle />
                </label>
                <label>
                    "Password"
                    <input name="password" type="password" autocomplete="current-password" required bind:value=password />
                </label>
                <ErrorMessage message=error />
                <button class="button primary" type="submit" disabled=move || busy.get()>"Log in"</button>
            </form>
            <p class="aside">"New here? " <A href="/signup">"Create an account"</A></p>
        </section>
    }
}
