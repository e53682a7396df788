//! The PhotoShare server: wiring, HTTP routes that are not server functions, and the CLI.

pub mod cli;
pub mod config;
pub mod embedded_s3;
mod http;
pub use http::API_ROUTES;
mod s3_client;

use anyhow::Context;
use config::{CommonArgs, S3Args, ServeArgs};
use photoshare_domain::cluster::{Cluster, ClusterConfig};
use photoshare_domain::db::{Backend, Db};
use photoshare_domain::demo::Seeded;
use photoshare_domain::media::budget::CacheLimits;
use photoshare_domain::media::remote::Remote;
use photoshare_domain::media::sync::{SyncConfig, SyncWorker};
use photoshare_domain::{Services, ServicesConfig};
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Options for [`start`] that are not user configuration.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// Run the background sync worker. Tests turn it off and drain the queue themselves.
    pub sync_worker: bool,
}

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub services: Services,
    pub seeded: Option<Seeded>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    worker: Option<JoinHandle<()>>,
    _s3: Option<embedded_s3::EmbeddedS3>,
}

/// How long in-flight requests get to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

impl Running {
    /// Stops accepting connections, lets in-flight requests finish (up to a deadline), stops the
    /// sync worker, hands what only this node holds to another node (several nodes), gives up its
    /// queue leases, marks it stopped and closes the database. Nothing unsynced is deleted: what
    /// could not be handed over stays on disk, this node's to send when it returns.
    pub async fn stop(self) {
        let cluster = self.services.cluster().clone();
        cluster.set_leaving();
        let _ = self.shutdown.send(true);
        if tokio::time::timeout(SHUTDOWN_GRACE, self.server)
            .await
            .is_err()
        {
            tracing::warn!("requests still running after the shutdown deadline; stopping anyway");
        }
        if let Some(w) = self.worker {
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, w).await;
        }
        if cluster.is_shared() {
            match tokio::time::timeout(SHUTDOWN_GRACE, self.services.media.hand_over()).await {
                Ok(Ok(h)) if h.handed + h.kept > 0 => tracing::info!(
                    handed_over = h.handed,
                    kept_on_disk = h.kept,
                    "unsynced objects handed to other nodes"
                ),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "could not hand over unsynced objects; they stay on disk")
                }
                Err(_) => tracing::warn!("handing over took too long; the rest stays on disk"),
            }
        }
        let worker = SyncWorker::new(self.services.media.clone(), SyncConfig::default());
        if let Err(e) = worker.release_own_leases().await {
            tracing::warn!(error = %e, "could not give up this node's sync leases");
        }
        if let Err(e) = cluster.leave().await {
            tracing::warn!(error = %e, "could not mark this node stopped");
        }
        self.services.db.close().await;
    }

    /// A worker for draining the sync queue by hand (tests, CLI).
    pub fn sync_worker(&self) -> SyncWorker {
        self.sync_worker_with(SyncConfig::default())
    }

    pub fn sync_worker_with(&self, config: SyncConfig) -> SyncWorker {
        SyncWorker::new(self.services.media.clone(), config)
    }
}

/// Binds, connects, migrates, wires everything and starts serving.
pub async fn start(
    common: &CommonArgs,
    serve: &ServeArgs,
    options: StartOptions,
) -> anyhow::Result<Running> {
    photoshare_domain::media::remote::validate_bucket(&serve.s3.bucket)
        .map_err(anyhow::Error::msg)?;
    let cluster = serve.cluster.config();
    cluster
        .validate(Db::backend_of(&common.database_url()))
        .map_err(anyhow::Error::msg)?;
    let index = serve.dist.join("index.html");
    anyhow::ensure!(
        index.is_file(),
        "no built front end at {} (build it with `trunk build --release`, or point --dist / PHOTOSHARE_DIST at it)",
        index.display()
    );
    if !serve.dist.join("index.html.br").is_file() {
        tracing::warn!(
            dist = %serve.dist.display(),
            "the front end has no precompressed copies: its files go out uncompressed (build it with scripts/setup.sh's build_frontend, or run `node scripts/precompress.mjs dist`)"
        );
    }
    std::fs::create_dir_all(&common.data_dir)
        .with_context(|| format!("creating the data dir {}", common.data_dir.display()))?;

    // Bind first, so port 0 works and a taken port fails before anything else happens.
    let listener = tokio::net::TcpListener::bind(serve.listen)
        .await
        .with_context(|| format!("listening on {}", serve.listen))?;
    let addr = listener.local_addr()?;

    let (mut services, embedded) = open_services(
        common,
        &serve.s3,
        serve.node.clone(),
        CacheLimits {
            max_bytes: serve.cache_max_bytes,
            min_free_bytes: serve.min_free_disk_bytes,
            pinned_recent: serve.cache_pinned_recent,
            memory_bytes: serve.memory_cache_bytes,
        },
        serve.hide_after_reports,
        cluster,
        serve.limits.limits(),
    )
    .await?;
    services.accounts = services
        .accounts
        .clone()
        .with_session_limits(photoshare_domain::accounts::SessionLimits {
            max: Duration::from_secs(serve.session_max_days.max(1) * 86_400),
            idle: Duration::from_secs(serve.session_idle_days.max(1) * 86_400),
        })
        .with_require_admin_2fa(serve.require_admin_2fa);
    services
        .cluster()
        .register()
        .await
        .context("registering this node")?;
    let remote = services.media.objects().remote().clone();

    // S3 being down must not stop PhotoShare from starting: uploads wait in the queue.
    match remote.ensure_bucket().await {
        Ok(()) => {
            services.media.health().probe().await;
        }
        Err(e) => {
            tracing::warn!(error = %e, bucket = remote.bucket(), "S3 is not available yet; uploads will queue")
        }
    }

    let seeded = if serve.demo {
        photoshare_domain::demo::seed_if_new(&services).await?
    } else {
        None
    };

    // Pinned objects (icons, the recent set) come back into an empty cache in the background.
    let warm = services.media.budget().clone();
    tokio::spawn(async move {
        match warm.warm_pinned().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                fetched = n,
                "pinned objects fetched back into the local cache"
            ),
            Err(e) => tracing::warn!(error = %e, "could not warm the local cache"),
        }
    });

    // Rows from before search existed (or from before its tokens changed) are indexed in the
    // background; new and edited ones are indexed as they are written.
    let search = services.search.clone();
    tokio::spawn(async move {
        match search.backfill().await {
            Ok((0, 0)) => {}
            Ok((photos, users)) => tracing::info!(photos, users, "search index filled in"),
            Err(e) => tracing::warn!(error = %e, "could not fill in the search index"),
        }
    });

    // Whatever this node was doing when it last stopped is over: partial uploads were never
    // acknowledged, and the queue rows it had claimed can be retried now.
    match services.media.objects().cache().clear_staging() {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "removed partial uploads left by the last run"),
        Err(e) => tracing::warn!(error = %e, "could not clear partial uploads"),
    }
    let worker = SyncWorker::new(services.media.clone(), SyncConfig::default());
    let released = worker.release_own_leases().await?;
    if released > 0 {
        tracing::info!(
            rows = released,
            "took back sync rows claimed before a crash"
        );
    }

    let (shutdown, shutdown_rx) = watch::channel(false);
    tokio::spawn(
        services
            .live
            .clone()
            .run(services.db.clone(), shutdown_rx.clone()),
    );
    tokio::spawn(services.announcements.clone().run(shutdown_rx.clone()));
    tokio::spawn(services.media.clone().watch_storage(shutdown_rx.clone()));
    tokio::spawn(heartbeat(services.clone(), shutdown_rx.clone()));
    if services.db.backend() == Backend::Postgres {
        let on = services.clone();
        tokio::spawn(Cluster::listen(
            common.database_url(),
            move |event| on_event(&on, event),
            shutdown_rx.clone(),
        ));
    }
    let worker = options
        .sync_worker
        .then(|| tokio::spawn(worker.run(shutdown_rx.clone())));

    let app = http::router(
        http::AppState {
            services: services.clone(),
            max_upload: serve.max_upload_bytes,
            dist: serve.dist.clone(),
            csp: Default::default(),
            trusted_proxies: std::sync::Arc::new(serve.trusted_proxies.clone()),
            body_idle_timeout: Duration::from_secs(serve.body_idle_timeout_secs.max(1)),
        },
        &serve.dist,
    );
    let limits = ConnectionLimits {
        max: serve.max_connections.max(1),
        header_timeout: Duration::from_secs(serve.header_timeout_secs.max(1)),
    };
    let server = tokio::spawn(serve_connections(listener, app, limits, shutdown_rx));
    tracing::info!(%addr, "PhotoShare is listening");
    Ok(Running {
        addr,
        services,
        seeded,
        shutdown,
        server,
        worker,
        _s3: embedded,
    })
}

/// How many connections, and how long a client may take to send its headers.
struct ConnectionLimits {
    max: usize,
    header_timeout: Duration,
}

/// Accepts connections until `stop` turns true (HTTP/1.1; each request knows its peer as
/// `ConnectInfo`), at most `limits.max` at once, each closed if its request headers do not arrive
/// in time; then lets open connections finish what they are answering.
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: ConnectionLimits,
    stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max));
    let mut open = tokio::task::JoinSet::new();
    let mut stopping = stop.clone();
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            _ = stopped(&mut stopping) => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut stopping) => break,
        };
        let service = tower::ServiceExt::map_request(
            app.clone(),
            move |mut req: ::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(service);
        let mut stop = stop.clone();
        let header_timeout = limits.header_timeout;
        open.spawn(async move {
            let _slot = slot;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
        while open.try_join_next().is_some() {}
    }
    drop(listener);
    while open.join_next().await.is_some() {}
    Ok(())
}

/// Until `stop` turns true (the watch's guard is not held across an await: the future stays
/// `Send`).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Tells the other nodes this one is alive, until shutdown; and once an hour forgets throttle
/// windows that ended long ago.
async fn heartbeat(services: Services, mut stop: watch::Receiver<bool>) {
    let cluster = services.cluster().clone();
    let mut swept = std::time::Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(cluster.heartbeat_every()) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let circuit_open = services.media.health().remote_status().circuit_open;
        if let Err(e) = cluster.heartbeat(circuit_open).await {
            tracing::warn!(error = %e, "could not heartbeat");
        }
        if swept.elapsed() >= Duration::from_secs(3600) {
            swept = std::time::Instant::now();
            if let Err(e) = services.throttle.sweep().await {
                tracing::warn!(error = %e, "could not forget old throttle windows");
            }
        }
    }
}

/// What another node (or this one) announced on the event bus: pages listening here hear of it now
/// rather than at their next poll.
fn on_event(services: &Services, event: &str) {
    let s = services.clone();
    match event {
        "photo" => s.live.wake(),
        "notification" => s.live.notify_everyone(),
        "announcement" => {
            tokio::spawn(async move {
                if let Err(e) = s.announcements.refresh().await {
                    tracing::warn!(error = %e, "could not read the current announcement");
                }
            });
        }
        "storage" => {
            tokio::spawn(async move {
                if let Err(e) = s.media.refresh_storage().await {
                    tracing::warn!(error = %e, "could not read the storage status");
                }
            });
        }
        "deleted" => {
            tokio::spawn(async move {
                if let Err(e) = s.media.deletes().drop_deleted().await {
                    tracing::warn!(error = %e, "could not drop deleted objects");
                }
            });
        }
        other => tracing::debug!(event = other, "unknown cluster event ignored"),
    }
}

/// Connects to S3 (starting the embedded server when no endpoint is configured), opens the
/// database (migrating it) and the cache. Shared by `serve` and the CLI commands that need S3.
pub async fn open_services(
    common: &CommonArgs,
    s3: &S3Args,
    node: Option<String>,
    cache_limits: CacheLimits,
    hide_after_reports: u32,
    cluster: ClusterConfig,
    limits: photoshare_domain::throttle::Limits,
) -> anyhow::Result<(Services, Option<embedded_s3::EmbeddedS3>)> {
    photoshare_domain::media::remote::validate_bucket(&s3.bucket).map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(&common.data_dir)
        .with_context(|| format!("creating the data dir {}", common.data_dir.display()))?;
    let timeout = Duration::from_secs(s3.timeout_secs.max(1));
    let (client, embedded) = match &s3.endpoint {
        Some(endpoint) => {
            let keys = match (&s3.access_key, &s3.secret_key) {
                (Some(ak), Some(sk)) => Some((ak.as_str(), sk.expose_secret())),
                _ => None,
            };
            (s3_client::build(Some(endpoint), keys, timeout).await, None)
        }
        None => {
            let server = embedded_s3::start(&common.data_dir.join("s3")).await?;
            let keys = Some((server.access_key.as_str(), server.secret_key.as_str()));
            let client = s3_client::build(Some(&server.endpoint), keys, timeout).await;
            (client, Some(server))
        }
    };
    let services = Services::open(ServicesConfig {
        database_url: common.database_url(),
        cache_dir: common.data_dir.join("cache"),
        node: node.unwrap_or_else(config::default_node_name),
        remote: Remote::new(client, s3.bucket.clone()),
        cache_limits,
        hide_after_reports,
        cluster,
        limits,
    })
    .await
    .context("opening the database (connect and migrate)")?;
    Ok((services, embedded))
}
