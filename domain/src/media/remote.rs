//! The S3 side of the media store. Every PUT carries the object's sha256, which the S3 server
//! verifies; every GET is verified by the caller before use.

use crate::types::ContentHash;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use base64::Engine;
use bytes::Bytes;
use std::sync::{Arc, RwLock};

/// Why a remote call failed, as the sync worker needs to know it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RemoteError {
    /// Worth retrying: network trouble, timeouts, 5xx, throttling.
    #[error("S3 unavailable: {0}")]
    Transient(String),
    /// Retrying will not help until an operator acts: bad credentials, missing bucket.
    #[error("S3 refused: {0}")]
    Permanent(String),
}

/// Service error codes that need an operator, not a retry.
const PERMANENT_CODES: [&str; 5] = [
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "NoSuchBucket",
    "InvalidBucketName",
];

fn classify<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    e: SdkError<E, R>,
) -> RemoteError {
    match &e {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("unknown").to_owned();
            let msg = format!("{code}: {}", se.err().message().unwrap_or(""));
            if PERMANENT_CODES.contains(&code.as_str()) {
                RemoteError::Permanent(msg)
            } else {
                RemoteError::Transient(msg)
            }
        }
        SdkError::TimeoutError(_) => RemoteError::Transient("timed out".into()),
        SdkError::DispatchFailure(d) => RemoteError::Transient(format!(
            "cannot connect{}",
            if d.is_timeout() { " (timeout)" } else { "" }
        )),
        _ => RemoteError::Transient(format!("{e:?}").chars().take(300).collect()),
    }
}

/// One bucket on one S3 endpoint. Clones share the bucket name, so a switch reaches them all.
#[derive(Clone)]
pub struct Remote {
    client: aws_sdk_s3::Client,
    bucket: Arc<RwLock<String>>,
}

/// The hash an object key names, if it is one of ours.
pub fn hash_of_key(key: &str) -> Option<ContentHash> {
    key.rsplit('/').next()?.parse().ok()
}

/// The object key for a hash: spread over prefixes, named by content.
pub fn key_of(hash: &ContentHash) -> String {
    let hex = hash.to_hex();
    format!("sha256/{}/{hex}", &hex[..2])
}

impl Remote {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: Arc::new(RwLock::new(bucket.into())),
        }
    }

    /// The bucket objects go to now.
    pub fn bucket(&self) -> String {
        self.bucket.read().map(|b| b.clone()).unwrap_or_default()
    }

    /// Points this remote, and every clone of it, at another bucket (after `migrate-bucket`).
    pub fn switch_bucket(&self, bucket: &str) {
        if let Ok(mut b) = self.bucket.write() {
            if *b != bucket {
                tracing::warn!(from = %b, to = bucket, "S3 bucket switched");
                *b = bucket.to_owned();
            }
        }
    }

    /// The same endpoint and credentials, another bucket, not shared with this one.
    pub fn for_bucket(&self, bucket: &str) -> Self {
        Self::new(self.client.clone(), bucket)
    }

    /// Uploads an object; S3 rejects it (BadDigest) unless the bytes match `hash`.
    pub async fn put(
        &self,
        hash: &ContentHash,
        body: Bytes,
        content_type: &str,
    ) -> Result<(), RemoteError> {
        let checksum = base64::engine::general_purpose::STANDARD.encode(hash.as_bytes());
        self.client
            .put_object()
            .bucket(self.bucket())
            .key(key_of(hash))
            .content_type(content_type)
            .checksum_sha256(checksum)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// Downloads an object; `Ok(None)` if S3 does not have it. The bytes are NOT yet verified.
    pub async fn get(&self, hash: &ContentHash) -> Result<Option<Bytes>, RemoteError> {
        let out = match self
            .client
            .get_object()
            .bucket(self.bucket())
            .key(key_of(hash))
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(classify(e)),
        };
        let body = out
            .body
            .collect()
            .await
            .map_err(|e| RemoteError::Transient(format!("download interrupted: {e}")))?;
        Ok(Some(body.into_bytes()))
    }

    /// Every object key under our prefix, with its last-modified time (Unix seconds).
    pub async fn list(&self) -> Result<Vec<(String, i64)>, RemoteError> {
        let mut out = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(self.bucket())
            .prefix("sha256/")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(classify)?;
            for o in page.contents() {
                if let Some(key) = o.key() {
                    out.push((key.to_owned(), o.last_modified().map_or(0, |t| t.secs())));
                }
            }
        }
        Ok(out)
    }

    pub async fn delete(&self, hash: &ContentHash) -> Result<(), RemoteError> {
        self.client
            .delete_object()
            .bucket(self.bucket())
            .key(key_of(hash))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// Answers whether the bucket is reachable, for health checks and the circuit breaker.
    pub async fn probe(&self) -> Result<(), RemoteError> {
        self.client
            .head_bucket()
            .bucket(self.bucket())
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// Creates the bucket if it does not exist (embedded S3 and first runs).
    pub async fn ensure_bucket(&self) -> Result<(), RemoteError> {
        if self.probe().await.is_ok() {
            return Ok(());
        }
        match self
            .client
            .create_bucket()
            .bucket(self.bucket())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error().is_some_and(|s| {
                    s.is_bucket_already_owned_by_you() || s.is_bucket_already_exists()
                }) =>
            {
                Ok(())
            }
            Err(e) => Err(classify(e)),
        }
    }
}

/// A bucket name S3 accepts (checked before any request, so a typo fails at start-up).
pub fn validate_bucket(name: &str) -> Result<(), String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if !(3..=63).contains(&name.len())
        || !ok_chars
        || name.starts_with(['-', '.'])
        || name.ends_with(['-', '.'])
    {
        return Err(format!(
            "invalid S3 bucket name {name:?}: 3–63 characters of a-z, 0-9, '-' and '.', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod bucket_name_tests {
    use super::validate_bucket;

    #[test]
    fn bucket_names_are_checked() {
        assert!(validate_bucket("photoshare").is_ok());
        for bad in ["ab", "Photos", "-x-", "a_b_c", &"a".repeat(64)] {
            assert!(validate_bucket(bad).is_err(), "{bad}");
        }
    }
}
