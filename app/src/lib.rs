//! PhotoShare's web front end (Leptos, compiled to wasm by Trunk with `--features csr`) and, with
//! `--features ssr`, the server side of its server functions. Server functions carry the session
//! (who am I, log in, sign up, log out) and the photo page's first read; the other reads and
//! actions call the JSON API through [`api`], the same endpoints scripts use.

pub mod api;
pub mod browser;
pub mod components;
pub mod error;
pub mod format;
pub mod i18n;
#[cfg(feature = "csr")]
mod live;
pub mod pages;
pub mod session;
#[cfg(feature = "csr")]
mod upload;

use components::{AnnouncementBanner, Footer, Header, StorageBanner};
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

impl Me {
    /// Signs `user` in on this page, in their saved language if they chose one.
    pub fn set(&self, user: Option<UserView>) {
        if let Some(l) = user.as_ref().and_then(|u| u.locale) {
            i18n::set_locale(l);
        }
        self.user.set(user);
    }

    /// Whether an admin is signed in (tracked). The server checks again on every admin call.
    pub fn is_admin(&self) -> bool {
        self.user.with(|u| u.as_ref().is_some_and(|u| u.is_admin))
    }
}

/// What the server pushes to the page (see [`live`]), shared by every component.
#[derive(Clone, Copy)]
pub struct Live {
    /// The announcement the banner shows.
    pub announcement: RwSignal<Option<photoshare_domain::views::AnnouncementView>>,
    /// Photo storage health, for the storage banner.
    pub storage: RwSignal<Storage>,
    /// Ids of the photos posted since the page opened, oldest first (the newest 500).
    pub photos: RwSignal<Vec<String>>,
}

/// Storage health as users need to know it (`GET /api/v1/status`, and the live stream).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    Ok,
    /// S3 is failing: uploads are kept on the server and queued.
    Degraded,
    /// An admin paused the sync and uploads are waiting.
    Paused,
}

/// How many new photo ids a page keeps.
#[cfg(feature = "csr")]
const LIVE_PHOTOS_KEPT: usize = 500;

pub fn use_live() -> Live {
    expect_context::<Live>()
}

pub fn use_me() -> Me {
    expect_context::<Me>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::set_locale(i18n::browser_locale());
    let me = Me {
        user: RwSignal::new(None),
        loaded: RwSignal::new(false),
    };
    provide_context(me);
    let live = Live {
        announcement: RwSignal::new(None),
        storage: RwSignal::new(Storage::Ok),
        photos: RwSignal::new(Vec::new()),
    };
    provide_context(live);
    #[cfg(feature = "csr")]
    {
        // Open for the page's whole life: the browser closes it with the page.
        std::mem::forget(live::open(
            move |a| live.announcement.set(a),
            move |s| live.storage.set(s),
            move |id| {
                live.photos.update(|p| {
                    p.push(id);
                    if p.len() > LIVE_PHOTOS_KEPT {
                        p.remove(0);
                    }
                })
            },
        ));
    }
    leptos::task::spawn_local(async move {
        if let Ok(user) = session::current_user().await {
            me.set(user);
        }
        me.loaded.set(true);
    });

    view! {
        <Title text="PhotoShare" />
        <Router>
            <a class="skip-link" href="#main">{move || i18n::t("Skip to content")}</a>
            <Header />
            <StorageBanner />
            <AnnouncementBanner />
            <main class="page" id="main">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::feeds::RecentPage />
                    <Route path=path!("/popular") view=pages::feeds::PopularPage />
                    <Route path=path!("/fans") view=pages::feeds::FansPage />
                    <Route path=path!("/top") view=pages::top::TopUsersPage />
                    <Route path=path!("/u/:handle") view=pages::user::UserPage />
                    <Route path=path!("/p/:id") view=pages::photo::PhotoPage />
                    <Route path=path!("/upload") view=pages::upload::UploadPage />
                    <Route path=path!("/settings") view=pages::settings::SettingsPage />
                    <Route path=path!("/login") view=pages::login::LoginPage />
                    <Route path=path!("/signup") view=pages::signup::SignupPage />
                    <Route path=path!("/announcements") view=pages::announcements::AnnouncementsPage />
                    <Route path=path!("/admin") view=pages::admin::AdminPage />
                </Routes>
            </main>
            <Footer />
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
    register_explicit::<pages::photo::GetPhoto>();
}

/// The paths of every server function, for the test that calls each through HTTP.
pub const SERVER_FUNCTION_PATHS: [&str; 5] = [
    "/api/sf/me",
    "/api/sf/log_out",
    "/api/sf/log_in",
    "/api/sf/sign_up",
    "/api/sf/photo",
];
