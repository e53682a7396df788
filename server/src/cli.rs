//! The CLI commands that do real work on the services: `announce`, `import`, `migrate-bucket`.
//! Each prints its progress to standard error and returns what it did.

use anyhow::{bail, Context};
use futures::StreamExt;
use photoshare_domain::media::cache::sha256;
use photoshare_domain::media::health::BUCKET_KEY;
use photoshare_domain::media::remote::Remote;
use photoshare_domain::types::{Caption, ContentHash, Handle};
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
        let staged = services.media.cache().stage_bytes(&bytes).await?;
        match services
            .photos
            .publish(&user, caption_from_name(path), staged)
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

/// What a bucket migration did.
#[derive(Debug, Default, Serialize)]
pub struct MigrateReport {
    pub from: String,
    pub to: String,
    /// Objects copied and verified by this run.
    pub copied: usize,
    /// Objects a previous run (or the new bucket itself) already had, verified.
    pub already_there: usize,
    pub bytes: u64,
    /// Objects neither the local cache nor the old bucket could give intact.
    pub failed: Vec<(String, String)>,
    pub switched: bool,
}

/// Objects copied at once.
const COPY_CONCURRENCY: usize = 8;
/// How long running nodes get to notice the switch before the last pass (they check every 10 s).
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(12);

/// Copies every synced object to `to`, verifies each there, switches every node over, then copies
/// whatever reached the old bucket while nodes were switching. A stopped run resumes: what was
/// copied is recorded in `bucket_copies`.
pub async fn migrate_bucket(
    services: &Services,
    to: &str,
    settle: Option<std::time::Duration>,
) -> anyhow::Result<MigrateReport> {
    crate::config::validate_bucket(to).map_err(anyhow::Error::msg)?;
    let source = services.media.remote().clone();
    let from = source.bucket();
    let mut report = MigrateReport {
        from: from.clone(),
        to: to.to_owned(),
        ..Default::default()
    };
    if from == to {
        eprintln!("PhotoShare already uses the bucket {to}; nothing to do.");
        report.switched = true;
        return Ok(report);
    }
    let target = source.for_bucket(to);
    target
        .ensure_bucket()
        .await
        .with_context(|| format!("creating or reaching the bucket {to}"))?;
    copy_pass(services, &source, &target, &mut report).await?;
    if !report.failed.is_empty() {
        eprintln!(
            "{} objects could not be copied; not switching. Run `photoshare fsck` and try again.",
            report.failed.len()
        );
        return Ok(report);
    }
    services.db.set_setting(BUCKET_KEY, to).await?;
    services.media.remote().switch_bucket(to);
    eprintln!("Switched to {to}; waiting for running nodes to follow…");
    tokio::time::sleep(settle.unwrap_or(SETTLE)).await;
    // Objects that reached the old bucket while nodes were switching.
    copy_pass(services, &source.for_bucket(&from), &target, &mut report).await?;
    report.switched = true;
    Ok(report)
}

/// Copies every synced object not yet recorded as in `target`.
async fn copy_pass(
    services: &Services,
    source: &Remote,
    target: &Remote,
    report: &mut MigrateReport,
) -> anyhow::Result<()> {
    let bucket = target.bucket();
    let media = &services.media;
    let total = media.count_not_copied(&bucket).await?;
    let mut done = 0;
    let mut after = String::new();
    loop {
        let batch = media.not_copied(&bucket, &after, 256).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.0.clone();
        let outcomes: Vec<(String, Result<Copied, String>)> = futures::stream::iter(batch)
            .map(|(hex, content_type)| async move {
                let outcome = copy_one(services, source, target, &hex, &content_type).await;
                (hex, outcome)
            })
            .buffer_unordered(COPY_CONCURRENCY)
            .collect()
            .await;
        for (hex, outcome) in outcomes {
            done += 1;
            match outcome {
                Ok(copied) => {
                    media.record_copy(&bucket, &hex).await?;
                    match copied {
                        Copied::Sent(n) => {
                            report.copied += 1;
                            report.bytes += n;
                        }
                        Copied::AlreadyThere => report.already_there += 1,
                    }
                }
                Err(why) => {
                    eprintln!("could not copy {hex}: {why}");
                    report.failed.push((hex, why));
                }
            }
        }
        eprintln!("copied {done}/{total} objects to {bucket}");
    }
    Ok(())
}

enum Copied {
    Sent(u64),
    AlreadyThere,
}

/// One object: a verified copy already in the target counts; otherwise the bytes come from the
/// local cache (verified) or the source bucket (verified), go to the target with their sha256
/// (which S3 checks), and are read back and verified once more.
async fn copy_one(
    services: &Services,
    source: &Remote,
    target: &Remote,
    hex: &str,
    content_type: &str,
) -> Result<Copied, String> {
    let hash: ContentHash = hex.parse().map_err(|_| "not a sha256".to_owned())?;
    let verified = |b: &bytes::Bytes| sha256(b) == hash;
    if let Ok(Some(there)) = target.get(&hash).await {
        if verified(&there) {
            return Ok(Copied::AlreadyThere);
        }
    }
    let bytes = match services.media.cache().read_verified(&hash).await {
        Ok(Some(b)) => b,
        _ => match source.get(&hash).await.map_err(|e| e.to_string())? {
            Some(b) if verified(&b) => b,
            Some(_) => return Err("the old bucket's copy is corrupt".into()),
            None => return Err("neither the local cache nor the old bucket has it".into()),
        },
    };
    let len = bytes.len() as u64;
    target
        .put(&hash, bytes, content_type)
        .await
        .map_err(|e| e.to_string())?;
    match target.get(&hash).await.map_err(|e| e.to_string())? {
        Some(back) if verified(&back) => Ok(Copied::Sent(len)),
        _ => Err("the new bucket's copy did not verify".into()),
    }
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
