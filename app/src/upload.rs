//! Sending an image from the browser (a photo, an icon): an XMLHttpRequest to the JSON API,
//! because it reports upload progress (fetch does not).

use photoshare_domain::problem::Problem;
use server_fn::error::FromServerFnError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

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
    let fail = |_| "Your browser could not start the upload.".to_string();
    let xhr = XmlHttpRequest::new().map_err(fail)?;
    xhr.open(method, url).map_err(fail)?;
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
        done(match status {
            // In the UI's language, like every other problem.
            200..=299 => serde_json::from_str::<T>(&body)
                .map_err(|_| crate::error::AppError(Problem::Internal).text()),
            0 => Err(crate::error::AppError(Problem::Unreachable).text()),
            // Every error body names its problem by code, with its values: shown in the UI's
            // language whatever language the server wrote `error` in.
            // Read the way every server function's error is (one reader in the download).
            _ => Err(crate::error::AppError::de(body.into()).text()),
        });
    });
    xhr.set_onloadend(Some(finished.as_ref().unchecked_ref()));
    finished.forget();

    xhr.send_with_opt_form_data(Some(&form)).map_err(fail)
}
