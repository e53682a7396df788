//! What every page shares: who is signed in, and what the server pushes to the page.

use crate::i18n;
use leptos::prelude::*;
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
    /// The signed-in reader's unread notifications (the bell).
    pub unread: RwSignal<i64>,
}

/// Storage health as users need to know it (the live stream's `storage` events).
pub use photoshare_domain::views::StorageState as Storage;

pub fn use_live() -> Live {
    expect_context::<Live>()
}

pub fn use_me() -> Me {
    expect_context::<Me>()
}
