use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="empty">
            <h1>{move || t("Page not found")}</h1>
            <p>{move || t("There is nothing at this address.")}</p>
            <A href="/">{move || t("Back to recent photos")}</A>
        </section>
    }
}
