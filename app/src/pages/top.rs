//! Top users by number of fans.

use crate::components::{MoreButton, UserRow};
use crate::i18n::t;
use crate::pages::user::user_feed;
use leptos::prelude::*;
use photoshare_domain::views::UserList;

#[component]
pub fn TopUsersPage() -> impl IntoView {
    let feed = user_feed(UserList::Top, None, None);
    view! {
        <section class="narrow">
            <h1 class="page-title">{move || t("Top users")}</h1>
            <Show when=move || feed.is_empty()>
                <p class="empty">{move || t("Nothing here yet.")}</p>
            </Show>
            <ol class="user-list" data-testid="top-users">
                {move || {
                    feed.items
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, u)| view! { <UserRow user=u rank=i + 1 /> })
                        .collect_view()
                }}
            </ol>
            <MoreButton feed=feed />
        </section>
    }
}
