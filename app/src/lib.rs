//! PhotoShare's web front end (Leptos, compiled to wasm by Trunk with `--features csr`) and, with
//! `--features ssr`, the server side of its server functions. Server functions sit beside the page
//! that uses them and stay thin: parse, call the domain, map the error.

pub mod components;
pub mod error;
pub mod pages;
pub mod session;
#[cfg(feature = "csr")]
mod upload;

use components::Header;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use photoshare_domain::types::UserView;

/// Who is signed in, shared by every page. `loaded` turns true once the server has answered.
#[derive(Clone, Copy)]
pub struct Me {
    pub user: RwSignal<Option<UserView>>,
    pub loaded: RwSignal<bool>,
}

pub fn use_me() -> Me {
    expect_context::<Me>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let me = Me {
        user: RwSignal::new(None),
        loaded: RwSignal::new(false),
    };
    provide_context(me);
    leptos::task::spawn_local(async move {
        if let Ok(user) = session::current_user().await {
            me.user.set(user);
        }
        me.loaded.set(true);
    });

    view! {
        <Title text="PhotoShare" />
        <Router>
            <Header />
            <main class="page">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::recent::RecentPage />
                    <Route path=path!("/p/:id") view=pages::photo::PhotoPage />
                    <Route path=path!("/upload") view=pages::upload::UploadPage />
                    <Route path=path!("/login") view=pages::login::LoginPage />
                    <Route path=path!("/signup") view=pages::signup::SignupPage />
                </Routes>
            </main>
        </Router>
    }
}

/// Server functions the server must register by hand: the `inventory` registry only sees those
/// the binary links, and every server function is named here so none can be forgotten.
#[cfg(feature = "ssr")]
pub fn register_server_functions() {
    use server_fn::axum::register_explicit;
    register_explicit::<session::CurrentUser>();
    register_explicit::<session::LogOut>();
    register_explicit::<pages::login::LogIn>();
    register_explicit::<pages::signup::SignUp>();
    register_explicit::<pages::recent::RecentPhotos>();
    register_explicit::<pages::photo::GetPhoto>();
}

/// The paths of every server function, for the test that calls each through HTTP.
pub const SERVER_FUNCTION_PATHS: [&str; 6] = [
    "/api/sf/me",
    "/api/sf/log_out",
    "/api/sf/log_in",
    "/api/sf/sign_up",
    "/api/sf/recent_photos",
    "/api/sf/photo",
];
