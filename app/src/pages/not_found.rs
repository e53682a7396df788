use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="empty">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <A href="/">"See recent photos"</A>
        </section>
    }
}
