//! What the server pushes: new photos (`/api/v1/photos/live`) and the current announcement
//! (`/api/v1/announcements/live`), each an EventSource. The browser reconnects by itself after a
//! network failure.

use photoshare_domain::views::AnnouncementView;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

/// Calls `on_data` with the data of each event named `event` from `url`.
fn listen(url: &str, event: &str, on_data: impl Fn(String) + 'static) -> Option<EventSource> {
    let source = EventSource::new(url).ok()?;
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(data) = e.data().as_string() {
            on_data(data);
        }
    });
    source
        .add_event_listener_with_callback(event, handler.as_ref().unchecked_ref())
        .ok()?;
    handler.forget();
    Some(source)
}

/// Calls `on_photo` with the id of each photo posted from now on. Dropping the returned source
/// (or calling `close`) stops it.
pub fn new_photos(on_photo: impl Fn(String) + 'static) -> Option<EventSource> {
    listen("/api/v1/photos/live", "photo", on_photo)
}

/// Calls `on_change` with the current announcement (`None`: there is none) as soon as the
/// connection opens, and again whenever it changes.
pub fn announcements(
    on_change: impl Fn(Option<AnnouncementView>) + 'static,
) -> Option<EventSource> {
    listen("/api/v1/announcements/live", "announcement", move |data| {
        if let Ok(a) = serde_json::from_str::<Option<AnnouncementView>>(&data) {
            on_change(a);
        }
    })
}
