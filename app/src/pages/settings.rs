//! Editing one's profile: display name, bio, icon.

use crate::components::{Avatar, ErrorMessage, RequireLogin};
use crate::format::percent;
use crate::i18n::t;
use crate::pages::upload::FileHandle;
use crate::pages::user::get_profile;
use crate::session::update_profile;
use crate::state::use_me;
use leptos::prelude::*;
use photoshare_domain::types::{Bio, DisplayName, UserView};
use photoshare_domain::views::ProfileChange;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section class="settings-card">
            <h1>{move || t("Profile")}</h1>
            <RequireLogin message=|| t("Please log in first.")>
                <ProfileForm />
            </RequireLogin>
        </section>
        <Show when=move || use_me().user.with(|u| u.is_some())>
            <crate::pages::sessions::SessionsSection />
            <crate::pages::two_factor::TwoFactorSection />
            <crate::pages::notifications::NotificationSettingsSection />
            <crate::pages::blocks::BlocksSection />
            <crate::pages::tokens::TokensSection />
            <crate::pages::account::AccountSection />
        </Show>
    }
}

#[component]
fn ProfileForm() -> impl IntoView {
    let me = use_me();
    let handle = me
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.handle.clone()).unwrap_or_default());
    let display_name = RwSignal::new(String::new());
    let bio = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let icon_progress = RwSignal::new(None::<f64>);
    let icon_preview = RwSignal::new(None::<String>);
    // The fields stay disabled until what is saved has arrived, so it cannot overwrite typing.
    let loaded = RwSignal::new(false);

    // Start from what is saved.
    {
        let handle = handle.clone();
        leptos::task::spawn_local(async move {
            match get_profile(handle).await {
                Ok(p) => {
                    display_name.set(p.display_name);
                    bio.set(p.bio);
                    loaded.set(true);
                }
                Err(e) => error.set(Some(e.text())),
            }
        });
    }

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        // The same checks the server makes, before anything is sent.
        if let Err(e) = DisplayName::parse(&display_name.get_untracked())
            .and_then(|_| Bio::parse(&bio.get_untracked()))
        {
            error.set(Some(crate::error::say(&e)));
            return;
        }
        busy.set(true);
        let change = ProfileChange {
            display_name: Some(display_name.get_untracked()),
            bio: Some(bio.get_untracked()),
            locale: None,
        };
        leptos::task::spawn_local(async move {
            match update_profile(change).await {
                Ok(user) => {
                    me.user.set(Some(user));
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };

    let choose_icon = move |ev: leptos::ev::Event| {
        let Some(file) = FileHandle::from_input(&ev) else {
            return;
        };
        icon_preview.set(file.preview_url());
        icon_progress.set(Some(0.0));
        error.set(None);
        file.send::<UserView>(
            "PUT",
            "/api/v1/me/icon",
            &[],
            move |p| icon_progress.set(Some(p)),
            move |result| {
                icon_progress.set(None);
                match result {
                    Ok(user) => me.user.set(Some(user)),
                    Err(msg) => {
                        icon_preview.set(None);
                        error.set(Some(msg));
                    }
                }
            },
        );
    };

    let navigate = leptos_router::hooks::use_navigate();
    let log_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if crate::session::log_out().await.is_ok() {
                me.user.set(None);
                navigate("/", Default::default());
            }
        });
    };
    let profile_link = format!("/u/{handle}");
    view! {
        <div class="icon-row">
            {move || match icon_preview.get() {
                Some(src) => view! { <img class="avatar" src=src alt="" width="96" height="96" /> }.into_any(),
                None => {
                    let u = me.user.get();
                    let (url, h) = u.map(|u| (u.icon_url, u.handle)).unwrap_or_default();
                    view! { <Avatar url=url handle=h size=96 /> }.into_any()
                }
            }}
            <label class="button">
                {move || t("Choose an icon")}
                <input class="visually-hidden" type="file" accept="image/jpeg,image/png,image/webp,image/*" on:change=choose_icon data-testid="icon-input" />
            </label>
            <Show when=move || icon_progress.with(|p| p.is_some())>
                <progress max="100" value=move || percent(icon_progress.get())></progress>
            </Show>
        </div>
        <p class="hint">{move || t("Your icon is cropped to a square.")}</p>
        <form class="profile-form" on:submit=save>
            <label>
                {move || t("Display name")}
                <input name="display_name" maxlength=DisplayName::MAX bind:value=display_name autocomplete="name" disabled=move || !loaded.get() />
            </label>
            <label>
                {move || t("Bio")}
                <textarea name="bio" rows="4" maxlength=Bio::MAX bind:value=bio disabled=move || !loaded.get()></textarea>
                <small class="hint">{move || format!("{} / {}", bio.with(|b| b.chars().count()), Bio::MAX)}</small>
            </label>
            <ErrorMessage message=error />
            <Show when=move || saved.get()>
                <p class="ok" role="status">{move || t("Saved.")} " " <a href=profile_link.clone()>{move || t("My profile")}</a></p>
            </Show>
            <button class="button primary" type="submit" disabled=move || busy.get() || !loaded.get()>{move || t("Save")}</button>
        </form>
        <hr />
        <button class="button" on:click=log_out data-testid="settings-log-out">{move || t("Log out")}</button>
    }
}
