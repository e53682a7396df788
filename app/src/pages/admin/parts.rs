//! What the console's cards share: the overview they are drawn from (read again every few
//! seconds), how often things are read, and the small pieces of a card (a fact, a time).

use crate::error::AppError;
use crate::i18n::{absolute_time, relative_time, Text};
use leptos::prelude::*;
use photoshare_domain::problem::Problem;
use photoshare_domain::views::AdminOverview;

/// The console's overview: storage, cache, the moderation queue (admins).
#[server(prefix = "/api/sf", endpoint = "admin_overview", protocol = crate::sf::Sf)]
pub async fn console_overview() -> Result<AdminOverview, AppError> {
    let (s, _) = crate::session::ssr::admin().await?;
    Ok(s.admin_overview().await?)
}

/// How often the console reads the storage overview while it is open.
pub(super) const OVERVIEW_POLL_MS: u32 = 3000;
/// How often it asks how a running integrity check is doing.
pub(super) const FSCK_POLL_MS: u32 = 2000;
/// How long the user search waits for typing to pause.
pub(super) const SEARCH_DEBOUNCE_MS: u32 = 300;

/// The overview every storage and cache figure comes from, read again every few seconds.
#[derive(Clone, Copy)]
pub(crate) struct Overview {
    pub(super) data: RwSignal<Option<AdminOverview>>,
    pub(super) error: RwSignal<Option<String>>,
    /// The server says this user is not (or no longer) an admin.
    pub(super) forbidden: RwSignal<bool>,
}

impl Overview {
    /// Reads the overview; false once there is no point asking again.
    pub(super) async fn load(self) -> bool {
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

/// A labelled figure in a card's list of facts.
#[component]
pub(super) fn Fact(label: Text, children: Children) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{label}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

/// A moment, relative ("3 minutes ago"), in full on hover.
#[component]
pub(super) fn Time(at: String) -> impl IntoView {
    let (relative, full) = (at.clone(), at.clone());
    view! { <time datetime=at title=move || absolute_time(&full)>{move || relative_time(&relative)}</time> }
}

/// Waits `ms` milliseconds (in the browser; at once elsewhere).
pub(super) async fn sleep_ms(ms: u32) {
    #[cfg(feature = "csr")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "csr"))]
    let _ = ms;
}
