//! Sending an image from the browser (a photo, an icon): an XMLHttpRequest to the JSON API,
//! because it reports upload progress (fetch does not).

use photoshare_domain::problem::Problem;
use server_fn::error::FromServerFnError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

/// Why an upload did not go through.
pub struct Failed {
    /// The server could not be reached (offline, or no answer): sending later may work.
    pub unreachable: bool,
    /// For the user, in the UI's language.
    pub message: String,
}

/// Sends `file` as the multipart field `image`, with text `fields` (name, value), by `method` to `url`;
/// `on_progress` gets 0.0–1.0 as bytes leave; `on_done` gets the decoded answer or a message for
/// the user.
pub fn send<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    file: &web_sys::File,
    fields: &[(&str, &str)],
    on_progress: impl Fn(f64) + 'static,
    on_done: impl FnOnce(Result<T, String>) + 'static,
) -> Result<(), String> {
    let on_done = move |r: Result<T, Failed>| on_done(r.map_err(|f| f.message));
    send_with(method, url, file, fields, &[], on_progress, on_done)
}

/// As [`send`], with request `headers`, telling an unreachable server from a refusal.
pub fn send_with<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    file: &web_sys::File,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
    on_progress: impl Fn(f64) + 'static,
    on_done: impl FnOnce(Result<T, Failed>) + 'static,
) -> Result<(), String> {
    let fail = |_| "Your browser could not start the upload.".to_string();
    let xhr = XmlHttpRequest::new().map_err(fail)?;
    xhr.open(method, url).map_err(fail)?;
    for (name, value) in headers {
        xhr.set_request_header(name, value).map_err(fail)?;
    }
    let form = FormData::new().map_err(fail)?;
    for (name, value) in fields {
        form.append_with_str(name, value).map_err(fail)?;
    }
    form.append_with_blob_and_filename("image", file, &file.name())
        .map_err(fail)?;

    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            on_progress(e.loaded() / e.total());
        }
    });
    xhr.upload()
        .map_err(fail)?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));
    progress.forget();

    let done_xhr = xhr.clone();
    let mut on_done = Some(on_done);
    let finished = Closure::<dyn FnMut()>::new(move || {
        let Some(done) = on_done.take() else { return };
        let status = done_xhr.status().unwrap_or(0);
        let body = done_xhr.response_text().ok().flatten().unwrap_or_default();
        let said = |message: String| Failed {
            unreachable: false,
            message,
        };
        done(match status {
            // In the UI's language, like every other problem.
            200..=299 => serde_json::from_str::<T>(&body)
                .map_err(|_| said(crate::error::AppError(Problem::Internal).text())),
            // No answer, or a proxy's word that the app behind it is down.
            0 | 502 | 504 => Err(Failed {
                unreachable: true,
                message: crate::error::AppError(Problem::Unreachable).text(),
            }),
            // Every error body names its problem by code, with its values: shown in the UI's
            // language whatever language the server wrote `error` in.
            // Read the way every server function's error is (one reader in the download).
            _ => Err(said(crate::error::AppError::de(body.into()).text())),
        });
    });
    xhr.set_onloadend(Some(finished.as_ref().unchecked_ref()));
    finished.forget();

    xhr.send_with_opt_form_data(Some(&form)).map_err(fail)
}
