//! Posting a photo: pick or drop a file, see it, caption it, watch it upload.

use crate::components::{ErrorMessage, RequireLogin};
use crate::format::percent;
use crate::i18n::{t, tn, Text};
use leptos::prelude::*;
use photoshare_domain::types::{Caption, PhotoAlt};

/// The largest file the page sends; the server's default limit (`--max-upload-bytes`) says the same.
pub const MAX_UPLOAD_MB: i64 = 25;

#[component]
pub fn UploadPage() -> impl IntoView {
    view! {
        <section class="upload-card">
            <h1>{move || t("Post a photo")}</h1>
            <RequireLogin message=|| t("Please log in to post photos.")>
                <UploadForm />
            </RequireLogin>
        </section>
    }
}

#[component]
fn UploadForm() -> impl IntoView {
    let caption = RwSignal::new(String::new());
    let alt = RwSignal::new(String::new());
    let unlisted = RwSignal::new(false);
    let preview = RwSignal::new(None::<String>);
    let file_name = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);
    // The chosen file lives in the browser only; it is not Send, so keep it in local storage.
    let file = StoredValue::new_local(None::<FileHandle>);

    let choose = move |f: FileHandle| {
        error.set(None);
        if f.size() > MAX_UPLOAD_MB as f64 * 1_000_000.0 {
            error.set(Some(tn("That file is larger than {n} MB.", MAX_UPLOAD_MB)));
            return;
        }
        file_name.set(Some(f.name()));
        preview.set(f.preview_url());
        file.set_value(Some(f));
    };

    let on_input = move |ev: leptos::ev::Event| {
        if let Some(f) = FileHandle::from_input(&ev) {
            choose(f);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(f) = FileHandle::from_drop(&ev) {
            choose(f);
        }
    };

    let navigate = leptos_router::hooks::use_navigate();
    let me = crate::state::use_me();
    let offline = crate::offline::use_offline().offline;
    let caption_error = move || {
        Caption::parse(&caption.get())
            .and_then(|_| PhotoAlt::parse(&alt.get()))
            .err()
            .map(|e| crate::error::say(&e))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(msg) = caption_error() {
            error.set(Some(msg));
            return;
        }
        let Some(f) = file.with_value(|f| f.clone()) else {
            error.set(Some(t("Choose a photo first.").into()));
            return;
        };
        error.set(None);
        progress.set(Some(0.0));
        let visibility = if unlisted.get_untracked() {
            "unlisted"
        } else {
            "public"
        };
        let upload = Upload {
            key: crate::offline::new_key(),
            owner: me
                .user
                .with_untracked(|u| u.as_ref().map(|u| u.handle.clone()))
                .unwrap_or_default(),
            fields: [
                caption.get_untracked(),
                alt.get_untracked(),
                visibility.to_owned(),
            ],
        };
        // Recent, where the new photo is now at the top (or waits to be sent).
        let navigate = navigate.clone();
        let done = move |result: Result<(), String>| match result {
            Ok(()) => navigate("/", Default::default()),
            Err(msg) => {
                progress.set(None);
                error.set(Some(msg));
            }
        };
        if offline.get_untracked() {
            f.keep_for_later(upload, done);
        } else {
            f.post_photo(upload, move |p| progress.set(Some(p)), done);
        }
    };

    view! {
        <form class="upload-form" on:submit=submit>
            <label
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <ChosenImage
                    preview=preview
                    prompt=|| t("Drop a photo here, or tap to choose one")
                    alt=|| t("Preview of the chosen photo")
                />
                <input class="visually-hidden" type="file" name="image" accept="image/jpeg,image/png,image/webp,image/*" on:change=on_input data-testid="file-input" />
            </label>
            <p class="hint">{move || file_name.get().unwrap_or_else(|| tn("JPEG, PNG or WebP, up to {n} MB.", MAX_UPLOAD_MB))}</p>
            <crate::pages::photo_edit::PhotoTextFields caption=caption alt=alt unlisted=unlisted />
            <ErrorMessage message=error />
            <UploadProgress progress=progress />
            <button class="button primary" type="submit" disabled=move || progress.with(|p| p.is_some())>
                {move || t("Post photo")}
            </button>
        </form>
    }
}

/// Inside a file-picking label: the chosen image, or `prompt` until there is one.
#[component]
pub(crate) fn ChosenImage(
    preview: RwSignal<Option<String>>,
    prompt: Text,
    alt: Text,
) -> impl IntoView {
    view! {
        <Show
            when=move || preview.with(|p| p.is_some())
            fallback=move || view! { <span class="dropzone-text">{prompt}</span> }
        >
            <img class="preview" src=move || preview.get().unwrap_or_default() alt=alt />
        </Show>
    }
}

/// How much of an upload has left, while one is under way.
#[component]
pub(crate) fn UploadProgress(progress: RwSignal<Option<f64>>) -> impl IntoView {
    view! {
        <Show when=move || progress.with(|p| p.is_some())>
            <div class="progress-row">
                <progress max="100" value=move || percent(progress.get())></progress>
                <span>{move || format!("{}%", percent(progress.get()))}</span>
            </div>
        </Show>
    }
}

/// A photo to post: its idempotency key (the same for every try), its owner's handle, and its
/// caption, alt text and visibility.
#[derive(Clone)]
#[cfg_attr(not(feature = "csr"), allow(dead_code))]
pub(crate) struct Upload {
    key: String,
    owner: String,
    fields: [String; 3],
}

/// A file the user picked, wrapping the browser's `File` (nothing on the server).
#[derive(Clone)]
pub(crate) struct FileHandle {
    #[cfg(feature = "csr")]
    file: web_sys::File,
}

#[cfg(feature = "csr")]
impl FileHandle {
    pub(crate) fn from_input(ev: &leptos::ev::Event) -> Option<Self> {
        use wasm_bindgen::JsCast;
        let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
        input.files()?.get(0).map(|file| Self { file })
    }

    /// A file the page made itself (the composer's PNG).
    #[cfg_attr(not(feature = "console"), allow(dead_code))]
    pub(crate) fn from_file(file: web_sys::File) -> Self {
        Self { file }
    }

    fn from_drop(ev: &leptos::ev::DragEvent) -> Option<Self> {
        ev.data_transfer()?
            .files()?
            .get(0)
            .map(|file| Self { file })
    }

    fn name(&self) -> String {
        self.file.name()
    }

    pub(crate) fn size(&self) -> f64 {
        self.file.size()
    }

    pub(crate) fn preview_url(&self) -> Option<String> {
        web_sys::Url::create_object_url_with_blob(&self.file).ok()
    }

    /// Posts the photo with its idempotency key; if the server cannot be reached, keeps it in
    /// the offline queue instead, which sends it when the connection returns.
    fn post_photo(
        &self,
        upload: Upload,
        on_progress: impl Fn(f64) + 'static,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        let [caption, alt, visibility] = &upload.fields;
        let fields = [
            ("caption", caption.as_str()),
            ("alt", alt.as_str()),
            ("visibility", visibility.as_str()),
        ];
        let headers = [("Idempotency-Key", upload.key.as_str())];
        let this = self.clone();
        let later = upload.clone();
        let sent = crate::upload::send_with::<photoshare_domain::types::PhotoView>(
            "POST",
            "/api/v1/photos",
            &self.file,
            &fields,
            &headers,
            on_progress,
            move |result| match result {
                Ok(_) => done(Ok(())),
                Err(f) if f.unreachable => this.keep_for_later(later, done),
                Err(f) => done(Err(f.message)),
            },
        );
        if let Err(msg) = sent {
            leptos::logging::error!("{msg}");
        }
    }

    /// Keeps the photo in the offline queue (IndexedDB), to be sent when the connection returns.
    fn keep_for_later(&self, upload: Upload, done: impl FnOnce(Result<(), String>) + 'static) {
        crate::offline::enqueue(
            upload.key,
            upload.owner,
            self.file.clone(),
            upload.fields,
            done,
        );
    }

    /// Sends the file as `image`, with `fields`, by `method` to `url`; see [`crate::upload::send`].
    pub(crate) fn send<T: serde::de::DeserializeOwned + 'static>(
        &self,
        method: &str,
        url: &str,
        fields: &[(&str, &str)],
        on_progress: impl Fn(f64) + 'static,
        on_done: impl FnOnce(Result<T, String>) + 'static,
    ) {
        if let Err(msg) = crate::upload::send(method, url, &self.file, fields, on_progress, on_done)
        {
            leptos::logging::error!("{msg}");
        }
    }
}

/// Without a browser there is no file to pick; these exist so the server build compiles.
#[cfg(not(feature = "csr"))]
impl FileHandle {
    pub(crate) fn from_input(_: &leptos::ev::Event) -> Option<Self> {
        None
    }
    fn from_drop(_: &leptos::ev::DragEvent) -> Option<Self> {
        None
    }
    fn name(&self) -> String {
        String::new()
    }
    pub(crate) fn size(&self) -> f64 {
        0.0
    }
    pub(crate) fn preview_url(&self) -> Option<String> {
        None
    }
    pub(crate) fn send<T: 'static>(
        &self,
        _: &str,
        _: &str,
        _: &[(&str, &str)],
        _: impl Fn(f64) + 'static,
        _: impl FnOnce(Result<T, String>) + 'static,
    ) {
    }
    fn post_photo(
        &self,
        _: Upload,
        _: impl Fn(f64) + 'static,
        _: impl FnOnce(Result<(), String>) + 'static,
    ) {
    }
    fn keep_for_later(&self, _: Upload, _: impl FnOnce(Result<(), String>) + 'static) {}
}
