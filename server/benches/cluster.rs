//! Several app nodes (issue 10), side by side in one run, through nginx with deploy/nginx.conf,
//! on one PostgreSQL (127.0.0.1:5432) and one S3 server process:
//!   1. upload acknowledgement latency with --replicas 1 vs --replicas 2 (3 nodes);
//!   2. cached-media requests per second through the balancer with 1 node vs 3 nodes (wrk).
//!
//! Run with `scripts/bench.sh cluster` (installs wrk and nginx-light if missing). Loopback only;
//! every loop is bounded.

#[allow(dead_code)]
#[path = "../tests/cluster/harness.rs"]
mod harness;

use harness::{upload_image, Drill};
use std::time::{Duration, Instant};
use support::{ms, percentile, photo_jpeg};

mod support;

const UPLOADS: usize = 60;
const WRK_SECONDS: &str = "10s";

/// Upload acknowledgement times through the balancer (sequential uploads, sync workers running).
async fn uploads(pg: &str, replicas: u32, images: &[Vec<u8>]) -> (Vec<Duration>, u64, u64) {
    let drill = Drill::start(pg, 3, replicas).await;
    let c = drill.user("bench").await;
    let url = drill.lb("/api/v1/photos");
    // Warm-up: connections, the first resize.
    for img in images.iter().take(3) {
        assert_eq!(
            upload_image(&c, &url, img.clone(), "image/jpeg")
                .await
                .status(),
            201
        );
    }
    let mut times = Vec::new();
    for img in &images[3..] {
        let t = Instant::now();
        let r = upload_image(&c, &url, img.clone(), "image/jpeg").await;
        times.push(t.elapsed());
        assert_eq!(r.status(), 201);
    }
    times.sort();
    // Copies made on another node before an ack, and uploads left with one copy, on all nodes.
    let (mut copies, mut short) = (0, 0);
    for node in &drill.nodes {
        let m = reqwest::get(node.url("/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let read = |name: &str| -> u64 {
            m.lines()
                .find_map(|l| l.strip_prefix(&format!("{name} ")))
                .and_then(|v| v.parse().ok())
                .unwrap()
        };
        copies += read("photoshare_replicas_total");
        short += read("photoshare_replica_shortfalls_total");
    }
    (times, copies, short)
}

/// wrk against one cached image through the balancer; requests per second.
async fn cached_media(pg: &str, nodes: usize, image: &[u8]) -> f64 {
    let drill = Drill::start(pg, nodes, 1).await;
    let c = drill.user("bench").await;
    let r = upload_image(
        &c,
        &drill.lb("/api/v1/photos"),
        image.to_vec(),
        "image/jpeg",
    )
    .await;
    assert_eq!(r.status(), 201);
    let photo: photoshare_domain::types::PhotoView = r.json().await.unwrap();
    let url = drill.lb(&photo.urls.large);
    // Every node reads it once, so each serves it from its own cache (memory) under load.
    for _ in 0..nodes * 4 {
        assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    }
    let out = tokio::process::Command::new("wrk")
        .args(["-t2", "-c32", "-d", WRK_SECONDS, &url])
        .output()
        .await
        .expect("wrk is installed (scripts/bench.sh cluster installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or_else(|| panic!("wrk said: {text}"));
    let errors = text
        .lines()
        .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"));
    assert!(errors.is_none(), "wrk saw errors: {text}");
    rps
}

#[tokio::main]
async fn main() {
    let Some(pg) = harness::postgres().await else {
        return;
    };
    let images: Vec<Vec<u8>> = (0..UPLOADS as u32 + 3).map(photo_jpeg).collect();
    println!("## Several app nodes (issue 10)\n");
    println!(
        "### Upload acknowledgement through nginx, 3 nodes: {UPLOADS} sequential uploads of a 1600×1200 JPEG ({} kB)\n",
        images[0].len() / 1000
    );
    println!("| replicas | p50 | p90 | p99 | max | copies on a second node | acknowledged with one copy |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for replicas in [1, 2] {
        let (t, copies, short) = uploads(&pg, replicas, &images).await;
        println!(
            "| {replicas} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {copies} | {short} |",
            ms(percentile(&t, 0.5)),
            ms(percentile(&t, 0.9)),
            ms(percentile(&t, 0.99)),
            ms(*t.last().unwrap())
        );
    }
    println!(
        "\n### Cached media through nginx (wrk -t2 -c32 -d{WRK_SECONDS}, one large-size image)\n"
    );
    println!("| nodes | requests/s |");
    println!("| --- | --- |");
    for nodes in [1, 3] {
        let rps = cached_media(&pg, nodes, &images[0]).await;
        println!("| {nodes} | {rps:.0} |");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
