//! The few browser services the pages use directly (local storage, the confirm dialog, dates).
//! On the server they do nothing, so pages compile there unchanged.

/// A value this browser remembers.
pub fn stored(key: &str) -> Option<String> {
    #[cfg(feature = "csr")]
    {
        local_storage()?.get_item(key).ok().flatten()
    }
    #[cfg(not(feature = "csr"))]
    {
        let _ = key;
        None
    }
}

/// Remembers `value` under `key` in this browser, or forgets it (`None`).
pub fn store(key: &str, value: Option<&str>) {
    #[cfg(feature = "csr")]
    if let Some(storage) = local_storage() {
        let _ = match value {
            Some(v) => storage.set_item(key, v),
            None => storage.remove_item(key),
        };
    }
    #[cfg(not(feature = "csr"))]
    let _ = (key, value);
}

#[cfg(feature = "csr")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Removes the first photos the server wrote into the front page (`#first-paint`, see the
/// server's `http/home.rs`), once the app shows its own page.
pub fn first_paint_done() {
    #[cfg(feature = "csr")]
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("first-paint"))
    {
        el.remove();
    }
}

/// Asks the user to confirm a consequential action; false when they cancel.
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "csr")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "csr"))]
    {
        let _ = message;
        false
    }
}

/// An `<input type="datetime-local">` value (the user's local time) as RFC 3339 UTC.
pub fn local_to_utc(value: &str) -> Option<String> {
    #[cfg(feature = "csr")]
    {
        // A date-time without an offset is local time to `Date`.
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
        if date.get_time().is_nan() {
            return None;
        }
        Some(String::from(date.to_iso_string()))
    }
    #[cfg(not(feature = "csr"))]
    {
        let _ = value;
        None
    }
}

/// Now, as RFC 3339 UTC in the same form as [`local_to_utc`] (so the two compare as strings).
pub fn now_utc() -> String {
    #[cfg(feature = "csr")]
    {
        String::from(js_sys::Date::new_0().to_iso_string())
    }
    #[cfg(not(feature = "csr"))]
    {
        String::new()
    }
}
