//! The `photoshare` binary as an operator uses it: subcommands, configuration errors, shutdown.

use crate::common;

use photoshare_domain::types::{Page, PhotoView};
use photoshare_domain::views::{AnnouncementView, MigrateReport};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A data dir and a fresh database for one test; every command of the test uses both.
struct Setup {
    dir: tempfile::TempDir,
    database_url: String,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = common::database_url(dir.path());
        Self { dir, database_url }
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    fn photoshare(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_photoshare"));
        cmd.arg("--data-dir")
            .arg(self.path())
            .env("PHOTOSHARE_LOG", "warn")
            .env_remove("AWS_ENDPOINT_URL");
        cmd.env("DATABASE_URL", &self.database_url);
        cmd
    }
}

fn run_with_stdin(mut cmd: Command, stdin: &str) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn admin_create_reads_the_password_from_stdin_and_refuses_duplicates() {
    let dir = Setup::new();
    let mut cmd = dir.photoshare();
    cmd.args(["admin", "create", "Root_Admin"]);
    let out = run_with_stdin(cmd, "correct horse battery\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("@root_admin"));

    let mut again = dir.photoshare();
    again.args(["admin", "create", "root_admin"]);
    let out = run_with_stdin(again, "another password\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already taken"));

    let mut short = dir.photoshare();
    short.args(["admin", "create", "second"]);
    let out = run_with_stdin(short, "short\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8"));
}

#[test]
fn migrate_brings_a_new_database_up_to_date() {
    let dir = Setup::new();
    let out = dir.photoshare().arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Twice is fine.
    assert!(dir
        .photoshare()
        .arg("migrate")
        .output()
        .unwrap()
        .status
        .success());
}

#[test]
fn invalid_configuration_stops_with_a_clear_message() {
    let dir = Setup::new();
    let out = dir
        .photoshare()
        .args(["serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen"));

    let out = dir
        .photoshare()
        .args(["serve", "--dist", "/nonexistent/dist"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no built front end"));

    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<html></html>").unwrap();
    let out = dir
        .photoshare()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--s3-bucket",
            "Bad_Bucket",
        ])
        .arg("--dist")
        .arg(&dist)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid S3 bucket name"));

    let out = dir
        .photoshare()
        .env("DATABASE_URL", "mysql://localhost/db")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .arg("--dist")
        .arg(&dist)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite:// or postgres://"));
}

#[test]
fn serve_seeds_demo_data_once_and_stops_gracefully_on_sigterm() {
    let dir = Setup::new();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<html></html>").unwrap();

    let start = |expect_seed: bool| {
        let mut server = Server(
            dir.photoshare()
                .args(["serve", "--listen", "127.0.0.1:0"])
                .arg("--dist")
                .arg(&dist)
                .stdout(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let mut lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
        let mut seeded = false;
        let url = loop {
            let line = lines.next().expect("the server prints its URL").unwrap();
            seeded |= line.contains("admin:");
            if let Some(rest) = line.split("running at ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        assert_eq!(seeded, expect_seed);
        (server, url)
    };

    let (mut server, url) = start(true);
    let recent: Page<PhotoView> =
        reqwest::blocking::get(format!("{url}/api/v1/photos/recent?limit=100"))
            .unwrap()
            .json()
            .unwrap();
    assert_eq!(recent.items.len(), 12, "4 demo users × 3 photos");
    assert!(
        recent.items[0].owner_icon_url.is_some(),
        "demo users have icons"
    );

    let t = Instant::now();
    sigterm(&server);
    let status = wait_timeout(&mut server.0, Duration::from_secs(15));
    assert!(status.success(), "SIGTERM is a clean exit, got {status:?}");
    assert!(t.elapsed() < Duration::from_secs(12));

    // The second start finds the data and does not seed again.
    let (mut server, url) = start(false);
    let again: Page<PhotoView> =
        reqwest::blocking::get(format!("{url}/api/v1/photos/recent?limit=100"))
            .unwrap()
            .json()
            .unwrap();
    assert_eq!(again.items.len(), 12);
    sigterm(&server);
    wait_timeout(&mut server.0, Duration::from_secs(15));
}

/// Kills the server if the test fails before stopping it, so no process outlives the test.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sigterm(server: &Server) {
    assert!(Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap()
        .success());
}

fn wait_timeout(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let t = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if t.elapsed() > limit {
            child.kill().unwrap();
            panic!("the server did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sync_pause_resume_and_status_from_the_command_line() {
    let dir = Setup::new();
    let status = |args: &[&str]| -> serde_json::Value {
        let out = dir.photoshare().arg("sync").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(status(&["status"])["state"], "running");
    assert_eq!(status(&["pause"])["state"], "paused");
    // A new process reads the same switch: it survives restarts.
    let s = status(&["status"]);
    assert_eq!(s["state"], "paused");
    assert_eq!(s["backlog_objects"], 0);
    assert_eq!(status(&["resume"])["state"], "running");
}

#[test]
fn admin_promote_and_announce_from_the_command_line() {
    let dir = Setup::new();
    let mut create = dir.photoshare();
    create.args(["admin", "create", "boss"]);
    assert!(run_with_stdin(create, "correct horse battery\n")
        .status
        .success());

    let out = dir
        .photoshare()
        .args(["admin", "promote", "nobody"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user @nobody"));
    let out = dir
        .photoshare()
        .args(["admin", "promote", "boss"])
        .output()
        .unwrap();
    assert!(out.status.success(), "promoting an admin again is fine");

    let banner = dir.path().join("banner.png");
    std::fs::write(&banner, common::png(1200, 200, 5)).unwrap();
    let out = dir
        .photoshare()
        .args([
            "announce",
            "--alt",
            "Maintenance tonight at 22:00 UTC",
            "--image",
        ])
        .arg(&banner)
        .args(["--link", "/announcements"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let posted: AnnouncementView = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(posted.alt, "Maintenance tonight at 22:00 UTC");
    assert_eq!(posted.author, None);
    assert!(posted.image_url.starts_with("/media/"));

    for (args, why) in [
        (vec!["--alt", " "], "--alt"),
        (
            vec!["--alt", "x", "--expires-at", "yesterday"],
            "--expires-at",
        ),
    ] {
        let out = dir
            .photoshare()
            .arg("announce")
            .args(&args)
            .arg("--image")
            .arg(&banner)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains(why));
    }
    let out = dir
        .photoshare()
        .args(["announce", "--alt", "x", "--image", "/nonexistent.png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.png"));
}

#[test]
fn migrate_bucket_runs_from_the_command_line_with_the_embedded_s3() {
    let dir = Setup::new();
    let run = |to: &str| {
        dir.photoshare()
            .args(["migrate-bucket", "--settle-secs", "0", "--to", to])
            .output()
            .unwrap()
    };
    let out = run("photoshare-two");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: MigrateReport = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.switched);
    assert_eq!(report.to, "photoshare-two");
    assert!(
        dir.path().join("s3/photoshare-two").is_dir(),
        "the bucket was created"
    );
    // Every later command follows the switch.
    let out = run("photoshare-two");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already uses"));
    let out = run("Not_A_Bucket");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid S3 bucket name"));
}
