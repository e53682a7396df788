//! The admin console: storage and cache health, integrity checks, announcements, the moderation
//! queue and users. Only admins see it, and the API checks again on every call, so a non-admin
//! never receives its data.
//!
//! This file holds the page, its layout and what several cards share; each card is in its own
//! file below.

mod announce;
mod cache;
pub(crate) mod fsck;
pub(crate) mod moderation;
pub(crate) mod storage;
pub(crate) mod users;

pub use moderation::{Moderated, ModerationActions};

use crate::components::{poll, ErrorMessage, RequireLogin};
use crate::error::AppError;
use crate::i18n::{absolute_time, relative_time, t, Text};
use crate::use_me;
use announce::AnnounceCard;
use cache::CacheCard;
use fsck::FsckCard;
use leptos::prelude::*;
use leptos_router::components::A;
use moderation::ModerationCard;
use photoshare_domain::problem::Problem;
use photoshare_domain::views::AdminOverview;
use storage::StorageCard;
use users::UsersCard;

/// The console's overview: storage, cache, the moderation queue (admins).
#[server(prefix = "/api/sf", endpoint = "admin_overview", input = server_fn::codec::Json)]
pub async fn console_overview() -> Result<AdminOverview, AppError> {
    let (s, _) = crate::session::ssr::admin().await?;
    Ok(s.admin_overview().await?)
}

/// How often the console reads the storage overview while it is open.
const OVERVIEW_POLL_MS: u32 = 3000;
/// How often it asks how a running integrity check is doing.
const FSCK_POLL_MS: u32 = 2000;
/// How long the user search waits for typing to pause.
const SEARCH_DEBOUNCE_MS: u32 = 300;

#[component]
pub fn AdminPage() -> impl IntoView {
    let me = use_me();
    view! {
        <RequireLogin message=|| t("Please log in first.")>
            <Show when=move || me.is_admin() fallback=|| view! { <Forbidden /> }>
                <Console />
            </Show>
        </RequireLogin>
    }
}

/// What a signed-in user who is not an admin sees at /admin.
#[component]
fn Forbidden() -> impl IntoView {
    view! {
        <section class="empty forbidden" data-testid="forbidden">
            <h1>{move || t("403 — Admins only")}</h1>
            <p>{move || t("The admin console is for the administrators of this PhotoShare. If you need access, ask one of them.")}</p>
            <A href="/">{move || t("Back to recent photos")}</A>
        </section>
    }
}

/// The overview every storage and cache figure comes from, read again every few seconds.
#[derive(Clone, Copy)]
pub(crate) struct Overview {
    data: RwSignal<Option<AdminOverview>>,
    error: RwSignal<Option<String>>,
    /// The server says this user is not (or no longer) an admin.
    forbidden: RwSignal<bool>,
}

impl Overview {
    /// Reads the overview; false once there is no point asking again.
    async fn load(self) -> bool {
        match console_overview().await {
            Ok(o) => {
                self.data.set(Some(o));
                self.error.set(None);
                true
            }
            Err(e) if *e.problem() == Problem::AdminsOnly => {
                self.forbidden.set(true);
                false
            }
            Err(e) => {
                self.error.set(Some(e.text()));
                true
            }
        }
    }
}

#[component]
fn Console() -> AnyView {
    let overview = Overview {
        data: RwSignal::new(None),
        error: RwSignal::new(None),
        forbidden: RwSignal::new(false),
    };
    poll(OVERVIEW_POLL_MS, move || overview.load());
    let storage = Memo::new(move |_| {
        overview
            .data
            .with(|o| o.as_ref().map(|o| o.storage.clone()))
    });
    let cache = Memo::new(move |_| overview.data.with(|o| o.as_ref().map(|o| o.cache.clone())));
    let queued = Signal::derive(move || {
        overview
            .data
            .with(|o| o.as_ref().map(|o| o.moderation_queue))
    });
    view! {
        <Show when=move || !overview.forbidden.get() fallback=|| view! { <Forbidden /> }>
            <section class="admin" data-testid="admin-console">
                <h1 class="page-title">{move || t("Admin console")}</h1>
                <ErrorMessage message=overview.error />
                <div class="admin-grid">
                    <StorageCard storage=storage overview=overview />
                    <CacheCard cache=cache />
                    <FsckCard />
                    <AnnounceCard />
                    <ModerationCard queued=queued />
                    <UsersCard />
                </div>
            </section>
        </Show>
    }
    .into_any()
}

/// A labelled figure in a card's list of facts.
#[component]
fn Fact(label: Text, children: Children) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{label}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

/// A moment, relative ("3 minutes ago"), in full on hover.
#[component]
fn Time(at: String) -> impl IntoView {
    let (relative, full) = (at.clone(), at.clone());
    view! { <time datetime=at title=move || absolute_time(&full)>{move || relative_time(&relative)}</time> }
}

/// Waits `ms` milliseconds (in the browser; at once elsewhere).
async fn sleep_ms(ms: u32) {
    #[cfg(feature = "csr")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "csr"))]
    let _ = ms;
}
