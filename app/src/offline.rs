//! Offline: the "offline" notice, and the photos posted while offline that wait to be sent (the
//! queue in IndexedDB, public/queue.js; the service worker is public/sw.js, started from
//! public/pwa.js). On the server these do nothing, so pages compile there unchanged.

use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::problem::Problem;
use serde::Deserialize;

/// A photo that waits to be sent, as the queue lists it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    pub key: String,
    pub owner: String,
    pub caption: String,
    pub alt: String,
    /// An object URL of the image, for its preview.
    pub url: String,
    /// What the server said when it refused the photo for good (it then waits for the user).
    pub error: Option<Problem>,
}

/// What every page shares about being offline.
#[derive(Clone, Copy)]
pub struct Offline {
    /// The browser is offline, or the server could not be reached (the page shows what the
    /// service worker kept).
    pub offline: RwSignal<bool>,
    /// What waits to be sent, oldest first.
    pub queue: RwSignal<Vec<Queued>>,
}

pub fn use_offline() -> Offline {
    expect_context::<Offline>()
}

/// Provides [`Offline`] and, in the browser, starts the service worker, the status and the queue.
pub fn provide() -> Offline {
    let state = Offline {
        offline: RwSignal::new(false),
        queue: RwSignal::new(Vec::new()),
    };
    provide_context(state);
    #[cfg(feature = "csr")]
    js::start(state);
    state
}

/// A new idempotency key for one photo the user means to post.
pub fn new_key() -> String {
    #[cfg(feature = "csr")]
    {
        js::new_key()
    }
    #[cfg(not(feature = "csr"))]
    {
        String::new()
    }
}

/// The notice under the header while offline.
#[component]
pub fn OfflineNotice() -> impl IntoView {
    let state = use_offline();
    view! {
        <Show when=move || state.offline.get()>
            <div class="offline-notice" role="status" data-testid="offline-notice">
                <strong>{move || t("You are offline.")}</strong>
                " "
                {move || t("You see what this device kept from your last visit; photos you post are sent when the connection returns.")}
            </div>
        </Show>
    }
}

/// At the top of Recent: the photos waiting to be sent (this user's).
#[component]
pub fn WaitingUploads() -> impl IntoView {
    let state = use_offline();
    let me = crate::state::use_me();
    let mine = move || {
        let handle = me.user.with(|u| u.as_ref().map(|u| u.handle.clone()));
        state.queue.with(|q| {
            q.iter()
                .filter(|i| Some(&i.owner) == handle.as_ref())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !mine().is_empty()>
            <section class="waiting-uploads" aria-label=move || t("Waiting to upload")>
                <ul class="waiting-list">
                    <For each=mine key=|i| (i.key.clone(), i.error.is_some()) let:item>
                        <WaitingUpload item=item />
                    </For>
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn WaitingUpload(item: Queued) -> impl IntoView {
    let alt = if item.alt.is_empty() {
        item.caption.clone()
    } else {
        item.alt.clone()
    };
    let key = item.key.clone();
    let refused = item.error.clone().map(|p| crate::error::say(&p));
    let failed = refused.is_some();
    view! {
        <li class="waiting-row" data-testid="waiting-upload">
            <img src=item.url.clone() alt=alt width="64" height="64" />
            <div>
                <span class="badge" class:warn=!failed class:bad=failed>
                    {move || if failed { t("Not uploaded") } else { t("Waiting to upload") }}
                </span>
                <p class="caption">{item.caption.clone()}</p>
                {refused.map(|msg| view! { <p class="error" role="alert">{msg}</p> })}
                {failed.then(|| view! {
                    <button type="button" class="button" on:click=move |_| discard(key.clone())>
                        {move || t("Discard")}
                    </button>
                })}
            </div>
        </li>
    }
}

/// Forgets a queued photo.
pub fn discard(key: String) {
    #[cfg(feature = "csr")]
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(js::discard(&key)).await;
    });
    #[cfg(not(feature = "csr"))]
    let _ = key;
}

/// Keeps a photo to send when the connection returns; `done` runs once it is kept (or with
/// the reason it could not be).
#[cfg(feature = "csr")]
pub fn enqueue(
    key: String,
    owner: String,
    file: web_sys::File,
    fields: [String; 3],
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    leptos::task::spawn_local(async move {
        let [caption, alt, visibility] = fields;
        let kept = wasm_bindgen_futures::JsFuture::from(js::enqueue(
            &key,
            &owner,
            &file,
            &caption,
            &alt,
            &visibility,
        ))
        .await;
        done(kept.map(|_| ()).map_err(|_| {
            t("This browser could not keep the photo to send later; try again when you are online.")
                .to_owned()
        }));
    });
}

#[cfg(feature = "csr")]
mod js {
    use super::{Offline, Queued};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(raw_module = "/pwa.js")]
    extern "C" {
        #[wasm_bindgen(js_name = start)]
        fn start_pwa(on_status: &Closure<dyn FnMut(bool)>);
    }

    #[wasm_bindgen(raw_module = "/queue.js")]
    extern "C" {
        #[wasm_bindgen(js_name = newKey)]
        pub fn new_key() -> String;
        pub fn enqueue(
            key: &str,
            owner: &str,
            file: &web_sys::File,
            caption: &str,
            alt: &str,
            visibility: &str,
        ) -> js_sys::Promise;
        fn list() -> js_sys::Promise;
        pub fn discard(key: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_name = onChange)]
        fn on_change(f: &Closure<dyn FnMut()>);
    }

    pub fn start(state: Offline) {
        let status = Closure::<dyn FnMut(bool)>::new(move |now: bool| state.offline.set(now));
        start_pwa(&status);
        status.forget();
        let reload = move || {
            leptos::task::spawn_local(async move {
                let Ok(items) = wasm_bindgen_futures::JsFuture::from(list()).await else {
                    return;
                };
                let json = js_sys::JSON::stringify(&items)
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_default();
                if let Ok(items) = serde_json::from_str::<Vec<Queued>>(&json) {
                    state.queue.update(|q| {
                        // The previews of items no longer listed are let go.
                        for old in q.iter() {
                            let _ = web_sys::Url::revoke_object_url(&old.url);
                        }
                        *q = items;
                    });
                }
            });
        };
        reload();
        let changed = Closure::<dyn FnMut()>::new(reload);
        on_change(&changed);
        changed.forget();
    }
}
