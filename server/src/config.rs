//! Configuration: one typed struct per command, every option by flag or environment variable,
//! defaults that run on a laptop.

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "photoshare",
    version,
    about = "PhotoShare: share photos; the local disk first, S3 behind it."
)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Directory for the local media cache, the SQLite database and the embedded S3 server's data.
    #[arg(
        long,
        env = "PHOTOSHARE_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://FILE` or `postgres://…` (default: a SQLite file in the data dir).
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Log filter, e.g. `info` or `photoshare=debug,info`.
    #[arg(long, env = "PHOTOSHARE_LOG", default_value = "info", global = true)]
    pub log: String,
}

impl CommonArgs {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!("sqlite://{}", self.data_dir.join("photoshare.db").display())
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (and the background sync to S3).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage administrators.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Compare the database, the local cache and S3; report missing, corrupt and orphaned objects.
    /// Exit code: 0 all consistent, 1 problems found and all repaired, 4 problems left, 8 could not run.
    Fsck {
        /// Mend what a good copy allows: refetch, re-upload, remove orphans (older than an hour).
        #[arg(long)]
        repair: bool,
        #[command(flatten)]
        s3: S3Args,
        /// This node's name (whose cache is checked).
        #[arg(long, env = "PHOTOSHARE_NODE")]
        node: Option<String>,
    },
    /// Run only an S3-compatible server (the one `serve` embeds) over a folder, e.g. to give several
    /// app nodes one store on a single machine, or to stop and start "S3" in an outage drill.
    S3Server {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9000")]
        listen: std::net::SocketAddr,
        /// Folder for the objects (default: `<data-dir>/s3`).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Access key clients must use.
        #[arg(long, env = "AWS_ACCESS_KEY_ID", hide_env_values = true)]
        access_key: String,
        /// Secret key clients must use.
        #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true)]
        secret_key: SecretString,
    },
    /// The write-behind sync to S3: see where it stands, pause it, resume it.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Post an image announcement: the banner every page shows until a newer one, its expiry, or
    /// an admin takes it down. Running servers show it within seconds.
    Announce {
        /// The image (JPEG, PNG or WebP).
        #[arg(long)]
        image: PathBuf,
        /// What the image says, for screen readers and when images do not load (required).
        #[arg(long)]
        alt: String,
        /// Where the banner leads when clicked: https://… or a path on this site.
        #[arg(long)]
        link: Option<String>,
        /// When it stops showing, RFC 3339 (e.g. 2026-12-01T18:00:00Z).
        #[arg(long)]
        expires_at: Option<String>,
        #[command(flatten)]
        s3: S3Args,
    },
    /// Post every image in a folder as photos of a user (captions from the file names). Files
    /// already posted by that user (the same bytes) are skipped, so an interrupted import can
    /// simply be run again.
    Import {
        /// The folder of photos (not recursive).
        dir: PathBuf,
        /// Whose photos they become.
        #[arg(long)]
        user: String,
        #[command(flatten)]
        s3: S3Args,
    },
    /// Copy every object to a new bucket, verifying each one's sha256 there, then switch every
    /// node over to it. Resumable: a stopped run continues where it was.
    MigrateBucket {
        /// The bucket to move to (created if missing).
        #[arg(long)]
        to: String,
        /// How long running nodes get to follow the switch before the last pass (they look every
        /// 10 s). 0 when no server is running.
        #[arg(long, default_value_t = photoshare_domain::media::migrate::SETTLE.as_secs())]
        settle_secs: u64,
        #[command(flatten)]
        s3: S3Args,
    },
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Print the sync state, the backlog and the last error (JSON).
    Status,
    /// Stop sending objects to S3 (uploads keep working and queue up). Survives restarts.
    Pause,
    /// Start sending objects to S3 again.
    Resume,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an administrator. The password is read from standard input.
    Create {
        /// The new admin's handle.
        handle: String,
    },
    /// Make an existing user an administrator.
    Promote { handle: String },
}

/// The largest upload accepted unless configured otherwise.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 25_000_000;

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. Use port 0 to pick a free port.
    #[arg(long, env = "PHOTOSHARE_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Where the built front end (Trunk's dist/) is.
    #[arg(long, env = "PHOTOSHARE_DIST", default_value = "./dist")]
    pub dist: PathBuf,

    #[command(flatten)]
    pub s3: S3Args,

    /// Budget for the local media cache, in bytes. Above it, synced objects that are not pinned
    /// are evicted, least recently read first. Unsynced objects are never evicted.
    #[arg(
        long,
        env = "PHOTOSHARE_CACHE_MAX_BYTES",
        default_value_t = 10_000_000_000
    )]
    pub cache_max_bytes: u64,

    /// How many of the newest photos stay pinned in the local cache (with every user icon).
    #[arg(long, env = "PHOTOSHARE_CACHE_PINNED_RECENT", default_value_t = 300)]
    pub cache_pinned_recent: i64,

    /// Bytes of recently served images held in memory (verified when loaded from disk or S3).
    #[arg(long, env = "PHOTOSHARE_MEMORY_CACHE_BYTES", default_value_t = 256 * 1024 * 1024)]
    pub memory_cache_bytes: usize,

    /// Free disk space below which uploads are refused (507) before anything is written.
    #[arg(long, env = "PHOTOSHARE_MIN_FREE_DISK_BYTES", default_value_t = 512 * 1024 * 1024)]
    pub min_free_disk_bytes: u64,

    /// Largest accepted upload, in bytes.
    #[arg(
        long,
        env = "PHOTOSHARE_MAX_UPLOAD_BYTES",
        default_value_t = DEFAULT_MAX_UPLOAD_BYTES
    )]
    pub max_upload_bytes: u64,

    /// Open reports that hide a photo until an admin reviews it.
    #[arg(long, env = "PHOTOSHARE_HIDE_AFTER_REPORTS", default_value_t = photoshare_domain::moderation::DEFAULT_HIDE_AFTER)]
    pub hide_after_reports: u32,

    /// Create demo users and photos when the database is new.
    #[arg(long, env = "PHOTOSHARE_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo: bool,

    /// This node's name, recorded with objects it holds until they reach S3 (default: hostname).
    /// Unique among the nodes that share a database.
    #[arg(long, env = "PHOTOSHARE_NODE")]
    pub node: Option<String>,

    #[command(flatten)]
    pub cluster: ClusterArgs,

    #[command(flatten)]
    pub limits: LimitArgs,

    /// Proxies (CIDRs or addresses, comma-separated) whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed: behind them the client is the right-most address in
    /// `X-Forwarded-For` that is not one of them. Without it the client is the socket's peer.
    #[arg(long, env = "PHOTOSHARE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<Cidr>,

    /// Most connections open at once; more wait in the kernel's queue until one closes.
    #[arg(long, env = "PHOTOSHARE_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,

    /// Seconds a client has to send a request's headers (a slow client cannot hold a connection).
    #[arg(long, env = "PHOTOSHARE_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Days a session lasts from the log-in, used or not.
    #[arg(long, env = "PHOTOSHARE_SESSION_MAX_DAYS", default_value_t = 30)]
    pub session_max_days: u64,

    /// Days a session may go unused before it ends.
    #[arg(long, env = "PHOTOSHARE_SESSION_IDLE_DAYS", default_value_t = 14)]
    pub session_idle_days: u64,

    /// Administrators must have two-factor sign-in on to use the console and the admin API
    /// (403 `two_factor_needed` until they turn it on in Settings).
    #[arg(long, env = "PHOTOSHARE_REQUIRE_ADMIN_2FA", default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub require_admin_2fa: bool,

    /// Seconds a request body may go without sending anything before the request fails.
    #[arg(long, env = "PHOTOSHARE_BODY_IDLE_TIMEOUT_SECS", default_value_t = 30)]
    pub body_idle_timeout_secs: u64,
}

/// How often one account or address may try things, per window (docs/OPERATIONS.md,
/// "Security"); 0 turns a limit off. Answered 429 with `Retry-After`.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Failed log-ins to one account per 15 minutes.
    #[arg(long, env = "PHOTOSHARE_LIMIT_LOGIN_ACCOUNT", default_value_t = 10)]
    pub limit_login_account: u32,
    /// Failed log-ins from one client address per 15 minutes.
    #[arg(long, env = "PHOTOSHARE_LIMIT_LOGIN_ADDRESS", default_value_t = 50)]
    pub limit_login_address: u32,
    /// Sign-ups from one client address per hour.
    #[arg(long, env = "PHOTOSHARE_LIMIT_SIGNUPS", default_value_t = 30)]
    pub limit_signups: u32,
    /// Uploads (photos and icons) by one account per hour.
    #[arg(long, env = "PHOTOSHARE_LIMIT_UPLOADS", default_value_t = 300)]
    pub limit_uploads: u32,
    /// Comments and reports by one account per hour.
    #[arg(long, env = "PHOTOSHARE_LIMIT_COMMENTS", default_value_t = 120)]
    pub limit_comments: u32,
    /// Data exports per account per hour.
    #[arg(long, env = "PHOTOSHARE_LIMIT_EXPORTS", default_value_t = 10)]
    pub limit_exports: u32,
}

impl LimitArgs {
    pub fn limits(&self) -> photoshare_domain::throttle::Limits {
        photoshare_domain::throttle::Limits {
            login_account: self.limit_login_account,
            login_address: self.limit_login_address,
            signups: self.limit_signups,
            uploads: self.limit_uploads,
            comments: self.limit_comments,
            exports: self.limit_exports,
        }
    }
}

/// An address block, `10.0.0.0/8` or `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: std::net::IpAddr,
    bits: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, bits) = match s.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let net: std::net::IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an address or CIDR block (e.g. 10.0.0.0/8)"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) => b
                .parse::<u8>()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length is 0 to {max}"))?,
            None => max,
        };
        Ok(Self { net, bits })
    }
}

impl Cidr {
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr::{V4, V6};
        let ip = match ip {
            V6(v6) => v6.to_ipv4_mapped().map(V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.net, ip) {
            (V4(n), V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (V6(n), V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.bits))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// Several app nodes on one PostgreSQL (docs/OPERATIONS.md, "Several app nodes").
#[derive(Debug, Clone, Args)]
pub struct ClusterArgs {
    /// The base URL at which the other nodes reach this one (http://, on their private network),
    /// e.g. http://10.0.0.5:3000. Set it to run several nodes (needs PostgreSQL).
    #[arg(long, env = "PHOTOSHARE_NODE_URL")]
    pub node_url: Option<String>,

    /// Shared by every node (at least 16 characters); authenticates node-to-node calls.
    #[arg(long, env = "PHOTOSHARE_CLUSTER_SECRET", hide_env_values = true)]
    pub cluster_secret: Option<SecretString>,

    /// Copies of each upload, on distinct nodes, before it is acknowledged: 1, or 2 so that no
    /// single node's loss loses an upload not yet in S3. With no other node up in time, an upload
    /// is still accepted with one copy (shown in the console and metrics).
    #[arg(long, env = "PHOTOSHARE_REPLICAS", default_value_t = 1)]
    pub replicas: u32,

    /// Seconds without a heartbeat after which a node counts as down.
    #[arg(long, env = "PHOTOSHARE_NODE_TIMEOUT", default_value_t = 15)]
    pub node_timeout: u64,
}

impl ClusterArgs {
    pub fn config(&self) -> photoshare_domain::cluster::ClusterConfig {
        use secrecy::ExposeSecret;
        photoshare_domain::cluster::ClusterConfig {
            url: self.node_url.clone(),
            secret: self
                .cluster_secret
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
            replicas: self.replicas,
            node_timeout: std::time::Duration::from_secs(self.node_timeout),
            ..Default::default()
        }
    }
}

/// Where S3 is. Without an endpoint, an embedded S3 server runs over the data dir.
#[derive(Debug, Clone, Args)]
pub struct S3Args {
    /// S3 bucket for photos.
    #[arg(
        long = "s3-bucket",
        env = "PHOTOSHARE_S3_BUCKET",
        default_value = "photoshare"
    )]
    pub bucket: String,

    /// S3 endpoint. Without one, an embedded S3 server is started on a loopback port, storing
    /// under the data dir. Credentials and region come from AWS's usual variables.
    #[arg(long = "s3-endpoint", env = "AWS_ENDPOINT_URL")]
    pub endpoint: Option<String>,

    /// S3 access key (the embedded server makes its own).
    #[arg(
        long = "s3-access-key",
        env = "AWS_ACCESS_KEY_ID",
        hide_env_values = true
    )]
    pub access_key: Option<String>,

    /// S3 secret key.
    #[arg(
        long = "s3-secret-key",
        env = "AWS_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<SecretString>,

    /// Seconds to wait for S3 to answer before a request counts as failed (a black-holed S3 must
    /// not stall the sync).
    #[arg(
        long = "s3-timeout-secs",
        env = "PHOTOSHARE_S3_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub timeout_secs: u64,
}

/// This machine's host name, the node's name unless configured.
pub fn default_node_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "node-1".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_parses_and_defaults_run_on_a_laptop() {
        let cli = Cli::try_parse_from(["photoshare", "serve"]).unwrap();
        let Command::Serve(s) = cli.command else {
            panic!("serve expected")
        };
        assert_eq!(s.listen.to_string(), "127.0.0.1:3000");
        assert!(cli.common.database_url().starts_with("sqlite://"));
        assert!(Cli::try_parse_from(["photoshare", "serve", "--listen", "nonsense"]).is_err());
        assert_eq!(
            s.limits.limits(),
            photoshare_domain::throttle::Limits::default()
        );
        assert!(s.trusted_proxies.is_empty());
    }

    #[test]
    fn trusted_proxies_are_address_blocks() {
        let cli = Cli::try_parse_from([
            "photoshare",
            "serve",
            "--trusted-proxies",
            "10.0.0.0/8,127.0.0.1,2001:db8::/32",
        ])
        .unwrap();
        let Command::Serve(s) = cli.command else {
            panic!("serve expected")
        };
        let [net, one, v6] = s.trusted_proxies[..] else {
            panic!("three blocks")
        };
        assert!(net.contains("10.1.2.3".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(
            one.contains("::ffff:127.0.0.1".parse().unwrap()),
            "v4-mapped"
        );
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        assert!(v6.contains("2001:db8::1".parse().unwrap()));
        assert!(!v6.contains("2001:db9::1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0.0/x", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        assert!("0.0.0.0/0"
            .parse::<Cidr>()
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
    }
}
