//! PhotoShare's web front end (Leptos, compiled to wasm by Trunk with `--features csr`) and, with
//! `--features ssr`, the server side of its server functions. Every read and action of a page is
//! a server function declared beside it; they are all named in [`server_functions!`] below.

pub mod browser;
pub mod components;
pub mod error;
pub mod format;
pub mod i18n;
#[cfg(feature = "csr")]
mod live;
pub mod offline;
pub mod pages;
pub mod session;
pub mod sf;
pub mod state;
#[cfg(feature = "csr")]
mod upload;

use components::{AnnouncementBanner, Footer, Header, StorageBanner};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use state::{Live, Me, Storage};

/// How many new photo ids a page keeps.
#[cfg(feature = "csr")]
const LIVE_PHOTOS_KEPT: usize = 500;

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
        unread: RwSignal::new(0),
    };
    provide_context(live);
    offline::provide();
    #[cfg(feature = "csr")]
    {
        let open = move || {
            live::open(
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
                move |n| live.unread.set(n),
            )
        };
        // Open at once for the page's whole life (the browser closes it with the page); opened
        // again when someone logs in or out on the page, since the stream is per reader.
        let source = StoredValue::new_local(open());
        Effect::new(move |before: Option<(bool, Option<String>)>| {
            let now = (
                me.loaded.get(),
                me.user.with(|u| u.as_ref().map(|u| u.handle.clone())),
            );
            if let Some((true, who)) = before {
                if who != now.1 {
                    source.update_value(|s| {
                        if let Some(s) = s.take() {
                            s.close();
                        }
                    });
                    live.unread.set(0);
                    source.set_value(open());
                }
            }
            now
        });
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
            <FirstPaint />
            <Header />
            <offline::OfflineNotice />
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
                    <Route path=path!("/notifications") view=pages::notifications::NotificationsPage />
                    <Route path=path!("/t/:tag") view=pages::feeds::TagPage />
                    <Route path=path!("/search") view=pages::search::SearchPage />
                    <Route path=path!("/login") view=pages::login::LoginPage />
                    <Route path=path!("/signup") view=pages::signup::SignupPage />
                    <Route path=path!("/announcements") view=pages::announcements::AnnouncementsPage />
                    <Route path=path!("/admin") view=pages::admin_page::AdminPage />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// The server's first photos on `/` stay over the app only until it draws its own page: another
/// page than Recent, or at most a few seconds (Recent's grid removes them when it has loaded).
#[component]
fn FirstPaint() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        if location.pathname.get() != "/" {
            browser::first_paint_done();
        }
    });
    #[cfg(feature = "csr")]
    set_timeout(browser::first_paint_done, std::time::Duration::from_secs(5));
}

/// Every server function, named once: the server registers each by hand (the `inventory`
/// registry only sees those the binary links), and a test calls each through HTTP.
macro_rules! server_functions {
    ($($f:path),* $(,)?) => {
        #[cfg(feature = "ssr")]
        pub fn register_server_functions() {
            $(server_fn::axum::register_explicit::<$f>();)*
        }

        /// The URL of every server function.
        #[cfg(feature = "ssr")]
        pub fn server_function_paths() -> Vec<&'static str> {
            vec![$(<$f as server_fn::ServerFn>::PATH),*]
        }
    };
}

server_functions![
    session::CurrentUser,
    session::LogOut,
    session::UpdateProfile,
    pages::login::LogIn,
    pages::signup::SignUp,
    pages::feeds::PhotoListPage,
    pages::feeds::TrendingTags,
    pages::photo::GetPhoto,
    pages::photo::SetFavorite,
    pages::photo::CommentPage,
    pages::photo::AddComment,
    pages::photo::DeleteComment,
    pages::photo::SendReport,
    pages::photo_edit::EditPhoto,
    pages::photo_edit::DeletePhoto,
    pages::user::GetProfile,
    pages::user::SetFan,
    pages::user::UserListPage,
    pages::announcements::AnnouncementPage,
    pages::announcements::TakeDown,
    pages::admin::parts::ConsoleOverview,
    pages::admin::storage::ControlSync,
    pages::admin::bucket::StartBucketMove,
    pages::admin::fsck::StartFsck,
    pages::admin::moderation::ModerationPage,
    pages::moderate::Moderate,
    pages::admin::users::AdminUserPage,
    pages::admin::users::AdminUserAction,
    pages::admin::audit::AuditPage,
    pages::sessions::MySessions,
    pages::sessions::EndSessions,
    pages::sessions::ChangePassword,
    pages::tokens::MyTokens,
    pages::tokens::CreateToken,
    pages::tokens::RevokeToken,
    pages::two_factor::MyTwoFactor,
    pages::two_factor::StartTwoFactor,
    pages::two_factor::ConfirmTwoFactor,
    pages::two_factor::ChangeTwoFactor,
    pages::account::DeleteAccount,
    pages::blocks::SetRelation,
    pages::blocks::MyBlocks,
    pages::notifications::NotificationPage,
    pages::notifications::MarkNotificationsRead,
    pages::notifications::MyNotificationSettings,
    pages::notifications::SetNotificationSettings,
];
