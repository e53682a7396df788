use anyhow::Context;
use clap::Parser;
use photoshare_domain::db::Db;
use photoshare_domain::types::{Handle, Password};
use photoshare_server::config::{AdminCommand, Cli, Command, CommonArgs, SyncCommand};
use photoshare_server::{start, StartOptions};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&cli.common.log).unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(serve) => {
            let running = start(&cli.common, &serve, StartOptions { sync_worker: true }).await?;
            let url = format!("http://{}", running.addr);
            if let Some(seeded) = &running.seeded {
                println!("\nPhotoShare created demo data on this first run.");
                println!(
                    "  admin:      {} / {}",
                    seeded.admin_handle, seeded.admin_password
                );
                println!(
                    "  demo users: {} (password: {})",
                    seeded.users.join(", "),
                    photoshare_domain::demo::DEMO_PASSWORD
                );
            }
            println!("\nPhotoShare is running at {url}  (Ctrl-C to stop)\n");
            shutdown_signal().await;
            tracing::info!("shutting down");
            running.stop().await;
            Ok(())
        }
        Command::Migrate => {
            open_db(&cli.common).await?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::Fsck { repair, s3, node } => {
            let checked = async {
                let (services, _embedded) = photoshare_server::open_services(
                    &cli.common,
                    &s3,
                    node,
                    Default::default(),
                    photoshare_domain::moderation::DEFAULT_HIDE_AFTER,
                    Default::default(),
                    photoshare_domain::throttle::Limits::off(),
                )
                .await?;
                anyhow::Ok(services.media.fsck().run(repair).await?)
            }
            .await;
            let report = checked.unwrap_or_else(|e| {
                eprintln!("error: fsck could not run: {e:#}");
                std::process::exit(8)
            });
            println!("{}", serde_json::to_string_pretty(&report)?);
            eprintln!(
                "fsck: {} objects checked, {} problems, {} repaired",
                report.objects_checked,
                report.problems(),
                report.repaired
            );
            match report.exit_code() {
                0 => Ok(()),
                code => std::process::exit(code),
            }
        }
        Command::S3Server {
            listen,
            root,
            access_key,
            secret_key,
        } => {
            use secrecy::ExposeSecret;
            let root = root.unwrap_or_else(|| cli.common.data_dir.join("s3"));
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("listening on {listen}"))?;
            let s3 = photoshare_server::embedded_s3::serve(
                &root,
                listener,
                access_key,
                secret_key.expose_secret().to_owned(),
            )?;
            println!(
                "S3 server at {} storing under {} (Ctrl-C to stop)",
                s3.endpoint,
                root.display()
            );
            shutdown_signal().await;
            Ok(())
        }
        Command::Sync(cmd) => {
            use photoshare_domain::media::{self, RemoteStatus};
            let db = open_db(&cli.common).await?;
            match cmd {
                SyncCommand::Status => {}
                SyncCommand::Pause => media::set_paused(&db, true).await?,
                SyncCommand::Resume => media::set_paused(&db, false).await?,
            }
            // This process has no view of S3's health; running servers report the circuit.
            let status = media::sync_status(&db, &RemoteStatus::default()).await?;
            println!("{}", serde_json::to_string_pretty(&status)?);
            Ok(())
        }
        Command::Admin(AdminCommand::Promote { handle }) => {
            let handle =
                Handle::parse(&handle).map_err(|e| anyhow::anyhow!("invalid handle: {e}"))?;
            let db = open_db(&cli.common).await?;
            photoshare_domain::accounts::Accounts::new(
                db.clone(),
                photoshare_domain::throttle::Throttle::new(
                    db,
                    photoshare_domain::throttle::Limits::off(),
                ),
            )
            .promote(&handle)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("@{handle} is now an admin.");
            Ok(())
        }
        Command::Announce {
            image,
            alt,
            link,
            expires_at,
            s3,
        } => {
            let (services, _s3) = cli_services(&cli.common, &s3).await?;
            let posted = photoshare_server::cli::announce(
                &services,
                &image,
                &alt,
                link.as_deref(),
                expires_at.as_deref(),
            )
            .await?;
            println!("{}", serde_json::to_string_pretty(&posted)?);
            eprintln!("Announcement posted; open pages show it within seconds.");
            Ok(())
        }
        Command::Import { dir, user, s3 } => {
            let (services, _s3) = cli_services(&cli.common, &s3).await?;
            let max = photoshare_server::config::DEFAULT_MAX_UPLOAD_BYTES;
            let report = photoshare_server::cli::import(&services, &dir, &user, max).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            eprintln!(
                "import: {} posted, {} already there, {} refused",
                report.imported,
                report.skipped,
                report.failed.len()
            );
            if report.failed.is_empty() {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::MigrateBucket {
            to,
            settle_secs,
            s3,
        } => {
            let (services, _s3) = cli_services(&cli.common, &s3).await?;
            let settle = std::time::Duration::from_secs(settle_secs);
            let report = services.media.bucket_move().run(&to, Some(settle)).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if report.switched && report.from == report.to {
                eprintln!(
                    "PhotoShare already uses the bucket {}; nothing to do.",
                    report.to
                );
                Ok(())
            } else if report.switched {
                eprintln!(
                    "migrate-bucket: every node now uses {}; the old bucket {} was left as it is.",
                    report.to, report.from
                );
                Ok(())
            } else {
                eprintln!(
                    "migrate-bucket: {} objects could not be copied; not switching. Run `photoshare fsck` and try again.",
                    report.failed.len()
                );
                std::process::exit(1)
            }
        }
        Command::Admin(AdminCommand::Create { handle }) => {
            let handle =
                Handle::parse(&handle).map_err(|e| anyhow::anyhow!("invalid handle: {e}"))?;
            let password = read_password()?;
            let password =
                Password::parse(&password).map_err(|e| anyhow::anyhow!("invalid password: {e}"))?;
            let db = open_db(&cli.common).await?;
            let accounts = photoshare_domain::accounts::Accounts::new(
                db.clone(),
                photoshare_domain::throttle::Throttle::new(
                    db,
                    photoshare_domain::throttle::Limits::off(),
                ),
            );
            accounts
                .sign_up(&handle, &password, true)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Created admin @{handle}.");
            Ok(())
        }
    }
}

/// The services for a CLI command that stores objects (S3 as configured, this host's cache), and
/// the embedded S3 server when there is no endpoint: it runs as long as the guard is kept.
async fn cli_services(
    common: &CommonArgs,
    s3: &photoshare_server::config::S3Args,
) -> anyhow::Result<(
    photoshare_domain::Services,
    Option<photoshare_server::embedded_s3::EmbeddedS3>,
)> {
    // The node whose cache the command writes to: run it on that node's machine with the same
    // PHOTOSHARE_NODE (and data dir), so that node sends what it stored to S3.
    photoshare_server::open_services(
        common,
        s3,
        std::env::var("PHOTOSHARE_NODE")
            .ok()
            .filter(|n| !n.is_empty()),
        Default::default(),
        photoshare_domain::moderation::DEFAULT_HIDE_AFTER,
        Default::default(),
        photoshare_domain::throttle::Limits::off(),
    )
    .await
}

/// Connects to the configured database and brings it up to date.
async fn open_db(common: &CommonArgs) -> anyhow::Result<Db> {
    std::fs::create_dir_all(&common.data_dir)?;
    let db = Db::connect(&common.database_url())
        .await
        .context("connecting to the database")?;
    db.migrate().await.context("running migrations")?;
    Ok(db)
}

/// The password for `admin create`, from standard input (one line).
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for the new admin (input is shown): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
