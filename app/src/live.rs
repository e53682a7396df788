//! What the server pushes, on one EventSource per page (`/api/v1/live`): the current announcement,
//! the ids of new photos and, for a signed-in reader, the unread notifications count. One stream, not one per feature: over HTTP/1.1 a browser holds at
//! most six connections to a site, and every open tab keeps its stream. The browser reconnects by
//! itself after a network failure.

use crate::state::Storage;
use photoshare_domain::views::{AnnouncementView, StorageStatus, UnreadCount};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

/// Calls `on_data` with the data of each event named `event` on `source`.
fn listen(source: &EventSource, event: &str, on_data: impl Fn(String) + 'static) {
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(data) = e.data().as_string() {
            on_data(data);
        }
    });
    if source
        .add_event_listener_with_callback(event, handler.as_ref().unchecked_ref())
        .is_ok()
    {
        handler.forget();
    }
}

/// Opens the page's stream: `on_announcement` gets the current announcement (`None`: there is
/// none) and `on_storage` storage health, each as soon as it opens and on every change;
/// `on_photo` the id of each photo posted from now on. Calling `close` on the source stops it.
pub fn open(
    on_announcement: impl Fn(Option<AnnouncementView>) + 'static,
    on_storage: impl Fn(Storage) + 'static,
    on_photo: impl Fn(String) + 'static,
    on_unread: impl Fn(i64) + 'static,
) -> Option<EventSource> {
    let source = EventSource::new("/api/v1/live").ok()?;
    listen(&source, "announcement", move |data| {
        if let Ok(a) = serde_json::from_str::<Option<AnnouncementView>>(&data) {
            on_announcement(a);
        }
    });
    listen(&source, "storage", move |data| {
        // `null` (not known yet) does not parse and changes nothing.
        if let Ok(s) = serde_json::from_str::<StorageStatus>(&data) {
            on_storage(s.storage);
        }
    });
    listen(&source, "photo", on_photo);
    // Only for a signed-in reader: how many notifications are unread, now and on every change.
    listen(&source, "notifications", move |data| {
        if let Ok(c) = serde_json::from_str::<UnreadCount>(&data) {
            on_unread(c.unread);
        }
    });
    Some(source)
}
