//! The local cache: content-addressed files on the app server's disk. An object is written to a
//! temporary file, fsynced, renamed into place and its directory fsynced, so a crash leaves either
//! the whole object or none of it under its name.

use crate::error::{Error, Problem, Result};
use crate::types::ContentHash;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

#[derive(Clone)]
pub struct LocalCache {
    objects: PathBuf,
    tmp: PathBuf,
}

/// What the cache has for a hash.
pub enum Lookup {
    Hit(Bytes),
    Missing,
    /// A copy was there but its bytes did not match its name; it has been moved aside.
    Corrupt,
}

/// An upload being streamed to disk: hashed and counted as it is written.
pub struct Staging {
    file: tokio::fs::File,
    path: TempPath,
    hasher: Sha256,
    len: u64,
    max: u64,
}

/// A fully written, fsynced upload, not yet under its content name. Dropping it deletes the file.
pub struct Staged {
    path: TempPath,
    pub hash: ContentHash,
    pub len: u64,
}

impl Staged {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn io_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::StorageFull {
        Problem::StorageFull.into()
    } else {
        Error::Io(e)
    }
}

impl Staging {
    /// Appends a chunk. Fails with [`Problem::FileTooLarge`] once the upload passes its limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.len += chunk.len() as u64;
        if self.len > self.max {
            return Err(Problem::FileTooLarge {
                max_mb: self.max / 1_000_000,
            }
            .into());
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await.map_err(io_error)
    }

    /// Flushes and fsyncs the file.
    pub async fn finish(mut self) -> Result<Staged> {
        self.file.flush().await.map_err(io_error)?;
        self.file.sync_all().await.map_err(io_error)?;
        Ok(Staged {
            path: self.path,
            hash: ContentHash::from_bytes(self.hasher.finalize().into()),
            len: self.len,
        })
    }
}

pub fn sha256(bytes: &[u8]) -> ContentHash {
    ContentHash::from_bytes(Sha256::digest(bytes).into())
}

impl LocalCache {
    /// Opens (creating if needed) a cache rooted at `root`.
    pub fn open(root: &Path) -> Result<Self> {
        let objects = root.join("objects");
        let tmp = root.join("tmp");
        std::fs::create_dir_all(&objects)?;
        std::fs::create_dir_all(&tmp)?;
        Ok(Self { objects, tmp })
    }

    /// Deletes uploads that were being received when the process stopped (never acknowledged).
    pub fn clear_staging(&self) -> std::io::Result<usize> {
        let mut removed = 0;
        for entry in std::fs::read_dir(&self.tmp)? {
            std::fs::remove_file(entry?.path())?;
            removed += 1;
        }
        Ok(removed)
    }

    /// Where an object lives: `objects/ab/abcdef…`, 256 directories so none grows huge.
    pub fn path_of(&self, hash: &ContentHash) -> PathBuf {
        let hex = hash.to_hex();
        self.objects.join(&hex[..2]).join(hex)
    }

    /// Starts streaming an upload of at most `max` bytes.
    pub async fn stage(&self, max: u64) -> Result<Staging> {
        let tmp = self.tmp.clone();
        let (file, path) = tokio::task::spawn_blocking(move || {
            tempfile::Builder::new()
                .prefix("upload-")
                .tempfile_in(tmp)
                .map(|f| f.into_parts())
        })
        .await
        .map_err(Error::internal)?
        .map_err(io_error)?;
        Ok(Staging {
            file: tokio::fs::File::from_std(file),
            path,
            hasher: Sha256::new(),
            len: 0,
            max,
        })
    }

    /// Stages bytes already in memory (made sizes, demo data).
    pub async fn stage_bytes(&self, bytes: &[u8]) -> Result<Staged> {
        let mut s = self.stage(u64::MAX).await?;
        s.write(bytes).await?;
        s.finish().await
    }

    /// Moves a staged file under its content name. If the object is already there (identical
    /// content uploaded before), the new copy is simply dropped.
    pub async fn commit(&self, staged: Staged) -> Result<()> {
        let dest = self.path_of(&staged.hash);
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let dir = dest.parent().expect("object paths have a parent");
            std::fs::create_dir_all(dir)?;
            if dest.exists() {
                return Ok(());
            }
            staged.path.persist(&dest).map_err(|e| e.error)?;
            std::fs::File::open(dir)?.sync_all()
        })
        .await
        .map_err(Error::internal)?
        .map_err(io_error)
    }

    /// Reads an object and checks its bytes against its name. A copy that does not match is moved
    /// aside (never served) and reported as corrupt, so the caller fetches a good copy.
    pub async fn lookup(&self, hash: &ContentHash) -> Result<Lookup> {
        let path = self.path_of(hash);
        let bytes = match tokio::fs::read(&path).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lookup::Missing),
            Err(e) => return Err(e.into()),
        };
        let hash = *hash;
        let (bytes, actual) = tokio::task::spawn_blocking(move || {
            let actual = sha256(&bytes);
            (bytes, actual)
        })
        .await
        .map_err(Error::internal)?;
        if actual != hash {
            tracing::error!(%hash, %actual, "corrupt object in the local cache; moved aside");
            let aside = path.with_extension("corrupt");
            tokio::fs::rename(&path, &aside).await?;
            return Ok(Lookup::Corrupt);
        }
        Ok(Lookup::Hit(Bytes::from(bytes)))
    }

    /// [`LocalCache::lookup`], for callers that only need the good bytes.
    pub async fn read_verified(&self, hash: &ContentHash) -> Result<Option<Bytes>> {
        Ok(match self.lookup(hash).await? {
            Lookup::Hit(b) => Some(b),
            Lookup::Missing | Lookup::Corrupt => None,
        })
    }

    /// Stores bytes that were verified against `hash` elsewhere (read-through from S3).
    pub async fn store_verified(&self, hash: &ContentHash, bytes: &[u8]) -> Result<()> {
        let staged = self.stage_bytes(bytes).await?;
        if staged.hash != *hash {
            return Err(Error::internal(
                "bytes changed between verification and caching",
            ));
        }
        self.commit(staged).await
    }

    /// Every file under the objects folder (for fsck).
    pub fn all_files(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for dir in std::fs::read_dir(&self.objects)? {
            let dir = dir?.path();
            if dir.is_dir() {
                for f in std::fs::read_dir(&dir)? {
                    out.push(f?.path());
                }
            }
        }
        Ok(out)
    }

    /// The folder the cache lives in (for free-space checks).
    pub fn root(&self) -> &Path {
        self.objects.parent().unwrap_or(&self.objects)
    }

    pub fn contains(&self, hash: &ContentHash) -> bool {
        self.path_of(hash).exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_by_content_and_detects_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let cache = LocalCache::open(dir.path()).unwrap();
        let staged = cache.stage_bytes(b"hello photo").await.unwrap();
        let hash = staged.hash;
        assert_eq!(hash, sha256(b"hello photo"));
        cache.commit(staged).await.unwrap();
        assert_eq!(
            cache.read_verified(&hash).await.unwrap().unwrap(),
            &b"hello photo"[..]
        );

        // The same content again is stored once.
        cache
            .commit(cache.stage_bytes(b"hello photo").await.unwrap())
            .await
            .unwrap();
        let entries = std::fs::read_dir(cache.path_of(&hash).parent().unwrap())
            .unwrap()
            .count();
        assert_eq!(entries, 1);
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );

        // Flip one bit: the copy is never served again.
        let path = cache.path_of(&hash);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(cache.read_verified(&hash).await.unwrap().is_none());
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn refuses_an_upload_over_its_limit_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = LocalCache::open(dir.path()).unwrap();
        let mut s = cache.stage(10).await.unwrap();
        s.write(b"12345").await.unwrap();
        assert!(matches!(
            s.write(b"678901").await,
            Err(Error::Refused(Problem::FileTooLarge { max_mb: 0 }))
        ));
        drop(s);
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
    }
}
