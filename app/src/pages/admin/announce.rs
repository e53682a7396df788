//! The announcement card: the form that posts an image banner shown on every page.

use crate::browser;
use crate::components::ErrorMessage;
use crate::i18n::{t, tn};
use crate::pages::upload::{ChosenImage, FileHandle, UploadProgress, MAX_UPLOAD_MB};
use leptos::prelude::*;
use leptos_router::components::A;
use photoshare_domain::views::{AltText, AnnouncementView, Link};

#[component]
pub(super) fn AnnounceCard() -> AnyView {
    let posted = RwSignal::new(false);
    // Bumped after each post: a fresh form is an empty one, file input included.
    let generation = RwSignal::new(0u32);
    view! {
        <section class="card" aria-labelledby="announce-title" data-testid="announce-card">
            <h2 id="announce-title">{move || t("Post an announcement")}</h2>
            <p class="hint">
                {move || t("It shows as an image banner on every page until it expires or another replaces it.")} " "
                <A href="/announcements">{move || t("Past announcements")}</A>
            </p>
            <Show when=move || posted.get()>
                <p class="ok-text" role="status" data-testid="announcement-posted">{move || t("Posted.")}</p>
            </Show>
            {move || {
                generation.track();
                view! { <AnnounceForm posted=posted generation=generation /> }
            }}
        </section>
    }
    .into_any()
}

/// Where the announcement's image comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Drawn here from a message (the status-image composer).
    Composed,
    /// A file made elsewhere.
    File,
}

/// The composer's kinds: value, and the label drawn on the image (in the UI's language).
const KINDS: [(&str, fn() -> &'static str); 3] = [
    ("info", || t("Information")),
    ("warning", || t("Warning")),
    ("resolved", || t("Resolved")),
];

#[component]
fn AnnounceForm(posted: RwSignal<bool>, generation: RwSignal<u32>) -> AnyView {
    let source = RwSignal::new(Source::Composed);
    let message = RwSignal::new(String::new());
    let kind = RwSignal::new("info".to_owned());
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // The preview follows every keystroke, the kind and the UI's language.
    #[cfg(feature = "csr")]
    Effect::new(move |_| {
        let (text, k) = (message.get(), kind.get());
        let lang = crate::i18n::locale().get();
        if source.get() != Source::Composed {
            return;
        }
        if let Some(c) = canvas.get() {
            composer::draw(&c, &text, &k, lang.code());
        }
    });
    let alt = RwSignal::new(String::new());
    let link = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<String>);
    let file = StoredValue::new_local(None::<FileHandle>);

    let choose = move |ev: leptos::ev::Event| {
        let Some(f) = FileHandle::from_input(&ev) else {
            return;
        };
        posted.set(false);
        error.set(None);
        if f.size() > MAX_UPLOAD_MB as f64 * 1_000_000.0 {
            error.set(Some(tn("That file is larger than {n} MB.", MAX_UPLOAD_MB)));
            return;
        }
        preview.set(f.preview_url());
        file.set_value(Some(f));
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        posted.set(false);
        let composed = source.get_untracked() == Source::Composed;
        let f = if composed {
            None
        } else {
            match file.with_value(|f| f.clone()) {
                Some(f) => Some(f),
                None => return error.set(Some(t("Choose an image first.").into())),
            }
        };
        // The checks the server makes, before the image is sent. A composed image's alt text
        // is its message, its lines joined (alt text is one line).
        let described = if composed {
            message
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            alt.get_untracked()
        };
        let described = match AltText::parse(&described) {
            Ok(a) => a,
            Err(e) => return error.set(Some(crate::error::say(&e))),
        };
        let link = link.get_untracked().trim().to_owned();
        if !link.is_empty() {
            if let Err(e) = Link::parse(&link) {
                return error.set(Some(crate::error::say(&e)));
            }
        }
        let expires = expires.get_untracked();
        let expires_at = if expires.is_empty() {
            String::new()
        } else {
            match browser::local_to_utc(&expires) {
                Some(at) if at > browser::now_utc() => at,
                _ => return error.set(Some(t("Choose an expiry in the future.").into())),
            }
        };
        let mut fields = vec![("alt", described.as_str())];
        if !link.is_empty() {
            fields.push(("link", &link));
        }
        if !expires_at.is_empty() {
            fields.push(("expires_at", &expires_at));
        }
        error.set(None);
        progress.set(Some(0.0));
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let send = move |f: FileHandle| {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            f.send::<AnnouncementView>(
                "POST",
                "/api/v1/announcements",
                &fields,
                move |p| progress.set(Some(p)),
                move |result| {
                    progress.set(None);
                    match result {
                        Ok(_) => {
                            posted.set(true);
                            generation.update(|g| *g += 1);
                        }
                        Err(msg) => error.set(Some(msg)),
                    }
                },
            );
        };
        match f {
            Some(f) => send(f),
            #[cfg(not(feature = "csr"))]
            None => {}
            #[cfg(feature = "csr")]
            None => {
                // Drawn once more, so the time on it is the time it is posted.
                let (Some(c), lang) = (
                    canvas.get_untracked(),
                    crate::i18n::locale().get_untracked(),
                ) else {
                    return;
                };
                composer::draw(
                    &c,
                    &message.get_untracked(),
                    &kind.get_untracked(),
                    lang.code(),
                );
                composer::png(c, move |png| match png {
                    Some(f) => send(f),
                    None => {
                        progress.set(None);
                        error.set(Some(t("This browser could not draw the image.").into()));
                    }
                });
            }
        }
    };

    view! {
        <form class="announce-form" on:submit=submit data-testid="announce-form">
            <div class="segmented" role="radiogroup" aria-label=move || t("Image")>
                <label>
                    <input type="radio" name="source" checked=move || source.get() == Source::Composed
                        on:change=move |_| source.set(Source::Composed) data-testid="compose-source" />
                    {move || t("Write a message")}
                </label>
                <label>
                    <input type="radio" name="source" checked=move || source.get() == Source::File
                        on:change=move |_| source.set(Source::File) data-testid="file-source" />
                    {move || t("Upload an image")}
                </label>
            </div>
            <Show when=move || source.get() == Source::Composed>
                <ComposeFields message=message kind=kind canvas=canvas />
            </Show>
            <Show when=move || source.get() == Source::File>
                <FileFields preview=preview alt=alt choose=choose />
            </Show>
            <label>
                {move || t("Link (optional)")}
                <input name="link" type="text" inputmode="url" autocomplete="off" bind:value=link placeholder=move || t("https://… or /path") aria-describedby="announce-link-hint" />
                <small class="hint" id="announce-link-hint">{move || t("Where the banner leads when clicked: a web address or a page on this site.")}</small>
            </label>
            <label>
                {move || t("Expires (optional)")}
                <input name="expires_at" type="datetime-local" bind:value=expires aria-describedby="announce-expiry-hint" />
                <small class="hint" id="announce-expiry-hint">{move || t("In your local time. Leave empty to keep it up until it is replaced or deleted.")}</small>
            </label>
            <ErrorMessage message=error />
            <UploadProgress progress=progress />
            <button class="button primary" type="submit" disabled=move || progress.with(|p| p.is_some()) data-testid="announcement-submit">
                {move || t("Post announcement")}
            </button>
        </form>
    }
    .into_any()
}

/// The composer's fields: the message, its kind, and the live preview.
#[component]
fn ComposeFields(
    message: RwSignal<String>,
    kind: RwSignal<String>,
    canvas: NodeRef<leptos::html::Canvas>,
) -> AnyView {
    view! {
        <label>
            {move || t("Message")}
            <textarea name="message" rows="3" maxlength="300" required bind:value=message aria-describedby="compose-hint" data-testid="compose-message"></textarea>
            <small class="hint" id="compose-hint">
                {move || t("Drawn as the banner image below; it is also the image's alt text, for screen readers.")}
            </small>
        </label>
        <label>
            {move || t("Kind")}
            <select name="kind" on:change=move |ev| kind.set(event_target_value(&ev)) data-testid="compose-kind">
                {KINDS.iter().map(|(value, label)| view! {
                    <option value=*value selected=move || kind.get() == *value>{*label}</option>
                }).collect_view()}
            </select>
        </label>
        <figure class="composer-preview">
            <canvas node_ref=canvas width="1200" height="300" aria-hidden="true" data-testid="compose-canvas"></canvas>
            <figcaption class="hint">{move || t("Preview")}</figcaption>
        </figure>
    }
    .into_any()
}

/// An image made elsewhere, and its alt text.
#[component]
fn FileFields(
    preview: RwSignal<Option<String>>,
    alt: RwSignal<String>,
    choose: impl Fn(leptos::ev::Event) + Clone + Send + Sync + 'static,
) -> AnyView {
    view! {
        <label class="dropzone small">
            <ChosenImage preview=preview prompt=|| t("Choose an image") alt=|| t("Preview of the chosen image") />
            <input class="visually-hidden" type="file" name="image" accept="image/*" on:change=choose data-testid="announcement-file" />
        </label>
        <label>
            {move || t("Alt text")}
            <textarea name="alt" rows="2" maxlength="300" required bind:value=alt aria-describedby="announce-alt-hint" data-testid="announcement-alt-input"></textarea>
            <small class="hint" id="announce-alt-hint">
                {move || t("What screen readers read aloud, and what shows when images are off. Describe the image, including any words in it.")}
            </small>
        </label>
    }
    .into_any()
}

/// The drawing itself is public/composer.js (canvas text layout is the browser's); this is its
/// Rust face. On the server there is nothing to draw.
#[cfg(feature = "csr")]
mod composer {
    use super::KINDS;
    use crate::pages::upload::FileHandle;

    mod js {
        use wasm_bindgen::prelude::*;

        #[wasm_bindgen(raw_module = "/composer.js")]
        extern "C" {
            pub fn draw(
                canvas: &web_sys::HtmlCanvasElement,
                message: &str,
                kind: &str,
                label: &str,
                locale: &str,
                site: &str,
            );
            #[wasm_bindgen(js_name = toFile)]
            pub fn to_file(canvas: &web_sys::HtmlCanvasElement) -> js_sys::Promise;
        }
    }

    /// Draws `message` as an announcement of `kind` on `canvas`.
    pub fn draw(canvas: &web_sys::HtmlCanvasElement, message: &str, kind: &str, locale: &str) {
        let label = KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("", |(_, label)| label());
        js::draw(canvas, message, kind, label, locale, "PhotoShare");
    }

    /// The canvas as a PNG file, to `done` (`None` if the browser could not make one).
    pub fn png(
        canvas: web_sys::HtmlCanvasElement,
        done: impl FnOnce(Option<FileHandle>) + 'static,
    ) {
        leptos::task::spawn_local(async move {
            use wasm_bindgen::JsCast;
            let file = wasm_bindgen_futures::JsFuture::from(js::to_file(&canvas))
                .await
                .ok()
                .and_then(|f| f.dyn_into::<web_sys::File>().ok());
            done(file.map(FileHandle::from_file));
        });
    }
}
