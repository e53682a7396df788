//! Building the aws-sdk-s3 client from our configuration and AWS's usual environment.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_sdk_s3::config::{RequestChecksumCalculation, ResponseChecksumValidation};
use std::time::Duration;

/// `endpoint`: S3-compatible server URL; `keys`: explicit credentials (the embedded server), else
/// AWS's credential chain (`AWS_ACCESS_KEY_ID`, …).
pub async fn build(
    endpoint: Option<&str>,
    keys: Option<(&str, &str)>,
    timeout: Duration,
) -> aws_sdk_s3::Client {
    // An explicit region keeps the SDK from asking the instance-metadata service for one.
    let region = std::env::var("AWS_REGION")
        .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|_| "us-east-1".into());
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region));
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some((ak, sk)) = keys {
        loader = loader.credentials_provider(Credentials::new(ak, sk, None, None, "photoshare"));
    }
    let sdk = loader.load().await;
    let config = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(true)
        // We compute and send the sha256 ourselves; the SDK adds no checksum of its own.
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
        // The sync worker owns retries (with backoff and a view of the whole queue).
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3).min(timeout))
                // Between bytes, not for the whole transfer: a large upload on a slow link is fine,
                // a silent server is not.
                .read_timeout(timeout)
                .operation_timeout(Duration::from_secs(600))
                .build(),
        )
        .build();
    aws_sdk_s3::Client::from_conf(config)
}
