//! /admin: the gate in front of the console. The server answers /admin with the admins' bundle
//! (which has the console, [`crate::pages::admin`]) to admins only; everyone else gets the
//! bundle every visitor downloads, and this page tells them the console is for admins. An admin
//! who reaches /admin inside that bundle (a link followed without a page load) gets the page
//! loaded again, so the server sends the admins' bundle.

use crate::components::RequireLogin;
use crate::i18n::t;
use crate::state::use_me;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn AdminPage() -> impl IntoView {
    let me = use_me();
    view! {
        <RequireLogin message=|| t("Please log in first.")>
            <Show when=move || me.is_admin() fallback=|| view! { <Forbidden /> }>
                {console()}
            </Show>
        </RequireLogin>
    }
}

/// What a signed-in user who is not an admin sees at /admin.
#[component]
pub(crate) fn Forbidden() -> impl IntoView {
    view! {
        <section class="empty forbidden" data-testid="forbidden">
            <h1>{move || t("403 — Admins only")}</h1>
            <p>{move || t("The admin console is for the administrators of this PhotoShare. If you need access, ask one of them.")}</p>
            <A href="/">{move || t("Back to recent photos")}</A>
        </section>
    }
}

#[cfg(any(feature = "console", not(feature = "csr")))]
fn console() -> impl IntoView {
    view! { <crate::pages::admin::Console /> }
}

/// In the visitors' bundle: load /admin from the server, which sends an admin the admins'
/// bundle. Once only: if this bundle is what came back (a server whose admins' bundle is not
/// built), say so instead of loading it again and again.
#[cfg(all(feature = "csr", not(feature = "console")))]
fn console() -> impl IntoView {
    const KEY: &str = "photoshare.console-load";
    let now = js_sys::Date::now();
    let tried = crate::browser::stored(KEY)
        .and_then(|at| at.parse::<f64>().ok())
        .is_some_and(|at| now - at < 10_000.0);
    if !tried {
        crate::browser::store(KEY, Some(&now.to_string()));
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    }
    view! {
        <section class="empty" data-testid="console-loading">
            <p>
                {move || if tried {
                    t("The admin console is not built on this server (see docs/OPERATIONS.md).")
                } else {
                    t("Opening the admin console…")
                }}
            </p>
        </section>
    }
}
