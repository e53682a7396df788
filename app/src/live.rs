//! New photos as they are posted: an EventSource on `/api/v1/photos/live`. The browser reconnects
//! by itself after a network failure.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

/// Calls `on_photo` with the id of each photo posted from now on. Dropping the returned source
/// (or calling `close`) stops it.
pub fn new_photos(on_photo: impl Fn(String) + 'static) -> Option<EventSource> {
    let source = EventSource::new("/api/v1/photos/live").ok()?;
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(id) = e.data().as_string() {
            on_photo(id);
        }
    });
    source
        .add_event_listener_with_callback("photo", handler.as_ref().unchecked_ref())
        .ok()?;
    handler.forget();
    Some(source)
}
