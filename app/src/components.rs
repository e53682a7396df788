//! Pieces shared by several pages.

use crate::error::AppError;
use crate::{session, use_me};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use photoshare_domain::types::{PhotoView, UserView};

#[component]
pub fn Header() -> impl IntoView {
    let me = use_me();
    let navigate = use_navigate();
    let log_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if session::log_out().await.is_ok() {
                me.user.set(None);
                navigate("/", Default::default());
            }
        });
    };
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◐"</span>
                "PhotoShare"
            </A>
            <nav class="site-nav" aria-label="Main">
                <A href="/" attr:class="nav-recent">"Recent"</A>
                <Show
                    when=move || me.user.with(|u| u.is_some())
                    fallback=move || {
                        view! {
                            <Show when=move || me.loaded.get()>
                                <A href="/login">"Log in"</A>
                                <A href="/signup" attr:class="button primary">"Sign up"</A>
                            </Show>
                        }
                    }
                >
                    <A href="/upload" attr:class="button primary">"Upload"</A>
                    <span class="who" data-testid="who">
                        {move || me.user.with(|u| u.as_ref().map(|u| format!("@{}", u.handle)))}
                    </span>
                    <button class="link-button" on:click=log_out.clone()>"Log out"</button>
                </Show>
            </nav>
        </header>
    }
}

/// A square thumbnail linking to the photo page.
#[component]
pub fn PhotoTile(photo: PhotoView) -> impl IntoView {
    let href = format!("/p/{}", photo.id);
    let alt = alt_text(&photo);
    view! {
        <li class="tile">
            <a href=href>
                <img src=photo.urls.thumb.clone() alt=alt loading="lazy" width="320" height="320" />
            </a>
        </li>
    }
}

/// Every image gets alt text: the caption, or who posted it.
pub fn alt_text(photo: &PhotoView) -> String {
    if photo.caption.is_empty() {
        format!("Photo by @{}", photo.owner)
    } else {
        photo.caption.clone()
    }
}

/// A date in the reader's locale.
pub fn local_date(rfc3339: &str) -> String {
    #[cfg(feature = "csr")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if !d.get_time().is_nan() {
            return String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED));
        }
    }
    rfc3339.to_owned()
}

/// A message for a failed action, shown where the user is looking.
#[component]
pub fn ErrorMessage(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.with(|m| m.is_some())>
            <p class="error" role="alert">{move || message.get()}</p>
        </Show>
    }
}

/// The state of a handle-and-password form (log in, sign up).
#[derive(Clone, Copy)]
pub struct AuthForm {
    pub handle: RwSignal<String>,
    pub password: RwSignal<String>,
    pub error: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
}

impl AuthForm {
    pub fn new() -> Self {
        Self {
            handle: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    /// The form's submit handler: calls `call(handle, password)`; on success the user is signed
    /// in and taken to Recent, on failure the message shows in the form.
    pub fn on_submit<F, Fut>(self, call: F) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static
    where
        F: Fn(String, String) -> Fut + Clone + 'static,
        Fut: std::future::Future<Output = Result<UserView, AppError>> + 'static,
    {
        let me = use_me();
        let navigate = use_navigate();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (navigate, call) = (navigate.clone(), call.clone());
            self.busy.set(true);
            leptos::task::spawn_local(async move {
                match call(self.handle.get_untracked(), self.password.get_untracked()).await {
                    Ok(user) => {
                        me.user.set(Some(user));
                        navigate("/", Default::default());
                    }
                    Err(e) => self.error.set(Some(e.message)),
                }
                self.busy.set(false);
            });
        }
    }
}

impl Default for AuthForm {
    fn default() -> Self {
        Self::new()
    }
}
