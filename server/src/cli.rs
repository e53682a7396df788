//! The CLI commands that do real work on the services: `announce`, `import` (`migrate-bucket` is
//! a job of the media store, `MediaStore::migrate_bucket`).
//! Each prints its progress to standard error and returns what it did.

use anyhow::{bail, Context};
use photoshare_domain::media::cache::sha256;
use photoshare_domain::photos::PhotoText;
use photoshare_domain::types::{Caption, Handle};
use photoshare_domain::views::{AltText, AnnouncementView, Link};
use photoshare_domain::Services;
use serde::Serialize;
use std::path::Path;

/// Posts an announcement from the command line (no author: it shows as PhotoShare's own).
pub async fn announce(
    services: &Services,
    image: &Path,
    alt: &str,
    link: Option<&str>,
    expires_at: Option<&str>,
) -> anyhow::Result<AnnouncementView> {
    let alt = AltText::parse(alt).map_err(|e| anyhow::anyhow!("--alt: {e}"))?;
    let link = link
        .map(Link::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--link: {e}"))?;
    let expires = expires_at
        .map(photoshare_domain::announcements::parse_expiry)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--expires-at: {e}"))?;
    let bytes = std::fs::read(image).with_context(|| format!("reading {}", image.display()))?;
    services
        .announcements
        .post(None, bytes, &alt, link.as_ref(), expires)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", image.display()))
}

/// What an import did.
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub imported: usize,
    /// Files the user had already posted (the same bytes).
    pub skipped: usize,
    /// Files refused, with why.
    pub failed: Vec<(String, String)>,
}

/// A caption from a file name: `beach_at-dawn.jpg` → `beach at dawn`.
pub fn caption_from_name(path: &Path) -> Caption {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
        .unwrap_or_default();
    let words = stem.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = words.chars().take(500).collect();
    Caption::parse(&short).unwrap_or_else(|_| Caption::parse("").expect("empty caption"))
}

/// Posts every image file in `dir` (sorted by name) as photos of `handle`.
pub async fn import(
    services: &Services,
    dir: &Path,
    handle: &str,
    max_bytes: u64,
) -> anyhow::Result<ImportReport> {
    let handle = Handle::parse(handle).map_err(|e| anyhow::anyhow!("--user: {e}"))?;
    let Some(user) = services.accounts.by_handle(&handle).await? else {
        bail!("there is no user @{handle}");
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading the folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    let total = files.len();
    let mut report = ImportReport::default();
    for (i, path) in files.iter().enumerate() {
        let name = path.display().to_string();
        let n = i + 1;
        let bytes = match std::fs::metadata(path) {
            Ok(m) if m.len() > max_bytes => {
                let why = format!("larger than {max_bytes} bytes");
                eprintln!("[{n}/{total}] refused {name}: {why}");
                report.failed.push((name, why));
                continue;
            }
            _ => std::fs::read(path).with_context(|| format!("reading {name}"))?,
        };
        if services.photos.has_upload(&user, &sha256(&bytes)).await? {
            eprintln!("[{n}/{total}] already posted {name}");
            report.skipped += 1;
            continue;
        }
        let staged = services.media.objects().cache().stage_bytes(&bytes).await?;
        match services
            .photos
            .publish(&user, PhotoText::captioned(caption_from_name(path)), staged)
            .await
        {
            Ok(photo) => {
                eprintln!("[{n}/{total}] posted {name} as /p/{}", photo.id);
                report.imported += 1;
            }
            Err(e) => {
                eprintln!("[{n}/{total}] refused {name}: {e}");
                report.failed.push((name, e.to_string()));
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_come_from_file_names() {
        assert_eq!(
            caption_from_name(Path::new("/x/beach_at-dawn.jpg")).as_str(),
            "beach at dawn"
        );
        assert_eq!(
            caption_from_name(Path::new("夕焼け.png")).as_str(),
            "夕焼け"
        );
        assert_eq!(caption_from_name(Path::new(".jpg")).as_str(), ".jpg");
    }
}
