//! PhotoShare's domain: no web framework in here. With the `server` feature it also holds the
//! services (accounts, photos, the media store) and the database layer; without it, only the
//! types the browser shares.

pub mod problem;
pub mod types;
pub mod views;

#[cfg(feature = "server")]
pub mod accounts;
#[cfg(feature = "server")]
pub mod announcements;
#[cfg(feature = "server")]
pub mod audit;
#[cfg(feature = "server")]
pub mod blocks;
#[cfg(feature = "server")]
pub mod cluster;
#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod demo;
#[cfg(feature = "server")]
pub mod error;
#[cfg(feature = "server")]
pub mod live;
#[cfg(feature = "server")]
pub mod media;
#[cfg(feature = "server")]
pub mod metrics;
#[cfg(feature = "server")]
pub mod moderation;
#[cfg(feature = "server")]
pub mod my_data;
#[cfg(feature = "server")]
pub mod notifications;
#[cfg(feature = "server")]
pub mod photos;
#[cfg(feature = "server")]
pub mod search;
#[cfg(feature = "server")]
pub mod sessions;
#[cfg(feature = "server")]
pub mod social;
#[cfg(feature = "server")]
pub(crate) mod store;
#[cfg(feature = "server")]
pub mod throttle;
#[cfg(feature = "server")]
pub mod tokens;
#[cfg(feature = "server")]
pub mod two_factor;

#[cfg(feature = "server")]
pub use error::{Error, Result};

#[cfg(feature = "server")]
pub use services::{Services, ServicesConfig};

#[cfg(feature = "server")]
mod services {
    use crate::accounts::Accounts;
    use crate::announcements::Announcements;
    use crate::db::Db;
    use crate::live::Live;
    use crate::media::budget::CacheLimits;
    use crate::media::cache::LocalCache;
    use crate::media::remote::Remote;
    use crate::media::MediaStore;
    use crate::metrics::Metrics;
    use crate::moderation::Moderation;
    use crate::photos::Photos;
    use crate::social::Social;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// What the services need from the outside world.
    pub struct ServicesConfig {
        pub database_url: String,
        pub cache_dir: PathBuf,
        /// This app node's name, recorded with every object it holds that is not yet in S3.
        pub node: String,
        pub remote: Remote,
        pub cache_limits: CacheLimits,
        /// Open reports that hide a photo pending review.
        pub hide_after_reports: u32,
        pub cluster: crate::cluster::ClusterConfig,
        /// How often accounts and addresses may try things ([`Limits::off`] for operator tools).
        pub limits: crate::throttle::Limits,
    }

    /// Every domain service, wired once at start-up and shared by reference.
    #[derive(Clone)]
    pub struct Services {
        pub db: Db,
        pub accounts: Accounts,
        pub photos: Photos,
        pub social: Social,
        pub live: Live,
        pub media: MediaStore,
        pub moderation: Moderation,
        pub announcements: Announcements,
        pub metrics: Arc<Metrics>,
        pub throttle: crate::throttle::Throttle,
        pub tokens: crate::tokens::Tokens,
        pub audit: crate::audit::Audit,
        pub notifications: crate::notifications::Notifications,
        pub search: crate::search::Search,
    }

    impl Services {
        /// The console's overview: storage, cache, the moderation queue.
        pub async fn admin_overview(&self) -> crate::Result<crate::views::AdminOverview> {
            Ok(crate::views::AdminOverview {
                storage: self.media.storage_health().await?,
                cache: self.media.budget().stats().await?,
                moderation_queue: self.moderation.queue_len().await?,
                fsck: self.media.fsck().status().await?,
                bucket_move: self.media.bucket_move().status(),
                nodes: self.cluster().nodes().await?,
            })
        }

        /// This node's place among the app nodes.
        pub fn cluster(&self) -> &crate::cluster::Cluster {
            self.media.objects().cluster()
        }

        /// Connects to the database, runs the migrations (failing if they fail) and opens the cache.
        pub async fn open(config: ServicesConfig) -> crate::Result<Self> {
            let db = Db::connect(&config.database_url).await?;
            config
                .cluster
                .validate(db.backend())
                .map_err(crate::Error::internal)?;
            db.migrate().await?;
            let cluster =
                crate::cluster::Cluster::new(db.clone(), config.node.clone(), config.cluster);
            let metrics = Arc::new(Metrics::default());
            let cache = LocalCache::open(&config.cache_dir)?;
            let media = MediaStore::new(
                db.clone(),
                cache,
                config.remote,
                config.cache_limits,
                metrics.clone(),
                cluster,
            );
            let live = Live::new();
            let throttle = crate::throttle::Throttle::new(db.clone(), config.limits);
            // The bucket a finished `migrate-bucket` switched to wins over the configured one.
            media.bucket_move().follow().await?;
            let notifications = crate::notifications::Notifications::new(db.clone(), live.clone());
            Ok(Self {
                moderation: Moderation::new(
                    db.clone(),
                    media.clone(),
                    config.hide_after_reports,
                    throttle.clone(),
                    notifications.clone(),
                ),
                announcements: Announcements::new(db.clone(), media.clone()),
                accounts: Accounts::new(db.clone(), throttle.clone()),
                photos: Photos::new(
                    db.clone(),
                    media.clone(),
                    live.clone(),
                    throttle.clone(),
                    notifications.clone(),
                ),
                live,
                social: Social::new(
                    db.clone(),
                    throttle.clone(),
                    notifications.clone(),
                    media.objects().cluster().clone(),
                ),
                notifications,
                throttle,
                tokens: crate::tokens::Tokens::new(db.clone()),
                audit: crate::audit::Audit::new(db.clone()),
                search: crate::search::Search::new(db.clone()),
                media,
                metrics,
                db,
            })
        }
    }
}
