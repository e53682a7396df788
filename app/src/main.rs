//! The browser entry point, built by Trunk.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(photoshare_app::App);
}
