//! An S3 server inside the process (s3s-fs: a real S3 protocol server that verifies checksums and
//! signatures), so a laptop runs the same sync path as production with no setup.

use anyhow::Context;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use rand::distributions::{Alphanumeric, DistString};
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use std::path::Path;
use tokio::net::TcpListener;

pub struct EmbeddedS3 {
    pub endpoint: String,
    /// Where it keeps its objects: `<root>/<bucket>/<key>`.
    pub root: std::path::PathBuf,
    pub access_key: String,
    pub secret_key: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for EmbeddedS3 {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the server on a free loopback port, storing under `root`, with fresh random keys.
pub async fn start(root: &Path) -> anyhow::Result<EmbeddedS3> {
    let access_key = Alphanumeric.sample_string(&mut rand::thread_rng(), 20);
    let secret_key = Alphanumeric.sample_string(&mut rand::thread_rng(), 40);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding the embedded S3 server")?;
    serve(root, listener, access_key, secret_key)
}

/// Serves S3 on `listener`, storing under `root`, for clients with these keys.
pub fn serve(
    root: &Path,
    listener: TcpListener,
    access_key: String,
    secret_key: String,
) -> anyhow::Result<EmbeddedS3> {
    std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
    let fs = s3s_fs::FileSystem::new(root)
        .map_err(|e| anyhow::anyhow!("opening the embedded S3 store: {e:?}"))?;
    let service = {
        let mut b = S3ServiceBuilder::new(fs);
        b.set_auth(SimpleAuth::from_single(
            access_key.clone(),
            secret_key.clone(),
        ));
        b.build()
    };
    let endpoint = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        let http = ConnBuilder::new(TokioExecutor::new());
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let conn = http
                .serve_connection(TokioIo::new(socket), service.clone())
                .into_owned();
            tokio::spawn(async move {
                let _ = conn.await;
            });
        }
    });
    tracing::info!(%endpoint, root = %root.display(), "embedded S3 server started");
    Ok(EmbeddedS3 {
        endpoint,
        root: root.to_owned(),
        access_key,
        secret_key,
        task,
    })
}
