//! Multipart uploads, shared by every route that takes an image: the body limit, the answer when
//! the body is not multipart, and reading a bounded `image` field with the text fields beside it.

use super::error::ApiError;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart};
use photoshare_domain::problem::Problem;
use std::collections::HashMap;

/// Room for the multipart framing and the text fields around the image itself.
const MULTIPART_OVERHEAD: u64 = 1 << 20;

/// The body limit of a route taking an image of at most `max_upload` bytes.
pub(super) fn upload_limit(max_upload: u64) -> DefaultBodyLimit {
    DefaultBodyLimit::max((max_upload + MULTIPART_OVERHEAD) as usize)
}

/// The multipart body, or 415 saying how to send `what`.
pub(super) fn multipart(
    body: Result<Multipart, MultipartRejection>,
) -> Result<Multipart, ApiError> {
    body.map_err(|_| ApiError(Problem::NotMultipart))
}

/// Reads and discards the rest of a refused upload (at most the route's body limit) so that the
/// client, still sending, gets the answer instead of a reset connection.
pub(super) async fn drain(mut multipart: Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// A text field's bytes as UTF-8 text: 422 `text_encoding` otherwise, rather than characters
/// replaced by guesswork.
pub(super) async fn utf8(field: axum::extract::multipart::Field<'_>) -> Result<String, ApiError> {
    let name = field.name().unwrap_or_default().to_owned();
    let bytes = field.bytes().await?;
    String::from_utf8(bytes.to_vec()).map_err(|_| ApiError(Problem::TextEncoding { name }))
}

/// A form with an image: its bytes and the text of every other field.
pub(super) struct ImageForm {
    pub image: Vec<u8>,
    pub fields: HashMap<String, String>,
}

impl ImageForm {
    /// A text field, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Reads the `image` field into memory, refusing more than `max` bytes (413, the rest of the body
/// drained), and the other fields as text. 422 without a non-empty image.
pub(super) async fn image_form(mut multipart: Multipart, max: u64) -> Result<ImageForm, ApiError> {
    let mut image = Vec::new();
    let mut fields = HashMap::new();
    while let Some(mut field) = multipart.next_field().await? {
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        if name != "image" {
            let text = utf8(field).await?;
            fields.insert(name, text);
            continue;
        }
        while let Some(chunk) = field.chunk().await? {
            if (image.len() + chunk.len()) as u64 > max {
                drop(field);
                drain(multipart).await;
                return Err(ApiError(Problem::FileTooLarge {
                    max_mb: max / 1_000_000,
                }));
            }
            image.extend_from_slice(&chunk);
        }
    }
    if image.is_empty() {
        return Err(ApiError(Problem::MissingImage));
    }
    Ok(ImageForm { image, fields })
}
