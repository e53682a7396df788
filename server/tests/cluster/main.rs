//! Drills of several app nodes (issue 10): real `photoshare serve` processes on one PostgreSQL,
//! a real S3 server process, a real nginx with deploy/nginx.conf in front. They need PostgreSQL
//! (skipped, saying so, only where it does not answer) and nginx.

mod harness;

use harness::{hashes, post_photo, sha256_hex, upload, Drill};
use photoshare_domain::problem::Problem;
use photoshare_domain::views::NodeList;
use std::time::{Duration, Instant};

/// GETs a media URL from `base` and checks the bytes against their name.
async fn fetch_verified(c: &reqwest::Client, base: &str, hash: &str) -> Result<Vec<u8>, String> {
    let r = c
        .get(format!("{base}/media/{hash}"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let bytes = r.bytes().await.map_err(|e| e.to_string())?;
    if status != 200 {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&bytes)));
    }
    assert_eq!(sha256_hex(&bytes), hash, "bytes served match their hash");
    Ok(bytes.to_vec())
}

async fn nodes(drill: &Drill, admin: &reqwest::Client) -> NodeList {
    let r = admin
        .get(drill.lb("/api/v1/admin/nodes"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// S3 down → an upload through the balancer is served by every node → the node that took it is
/// killed (replicas 2) → still served → S3 returns → the backlog drains and S3 holds
/// byte-identical copies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_survives_s3_down_and_the_loss_of_its_node() {
    let Some(pg) = harness::postgres().await else {
        return;
    };
    let mut drill = Drill::start(&pg, 3, 2).await;
    let admin = drill.admin().await;
    let listed = nodes(&drill, &admin).await;
    assert_eq!(listed.items.len(), 3);
    assert!(listed.items.iter().all(|n| n.state == "up"), "{listed:?}");

    drill.stop_s3().await;
    let aiko = drill.user("aiko").await;
    let photo = post_photo(&aiko, &drill.lb("/api/v1/photos"), 1).await;
    let objects = hashes(&photo);

    // Every node serves every object, S3 or not.
    let anyone = Drill::client();
    let mut served = Vec::new();
    for node in &drill.nodes {
        for h in &objects {
            let bytes = fetch_verified(&anyone, &node.url(""), h)
                .await
                .unwrap_or_else(|e| panic!("{} serves {h}: {e}", node.name));
            served.push((h.clone(), bytes));
        }
    }
    // The database records two holders of each object: acknowledged only once both had it.
    for h in &objects {
        let holders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cache_entries WHERE hash = $1")
            .bind(h)
            .fetch_one(&drill.db)
            .await
            .unwrap();
        assert!(holders >= 2, "{h} has {holders} holders");
    }

    // kill -9 the node that took the upload.
    let took: String = sqlx::query_scalar("SELECT node FROM objects WHERE hash = $1")
        .bind(&objects[0])
        .fetch_one(&drill.db)
        .await
        .unwrap();
    let i = drill.nodes.iter().position(|n| n.name == took).unwrap();
    drill.kill_node(i).await;
    for node in drill.nodes.iter().filter(|n| n.name != took) {
        for h in &objects {
            fetch_verified(&anyone, &node.url(""), h)
                .await
                .unwrap_or_else(|e| panic!("{} serves {h} with {took} dead: {e}", node.name));
        }
    }
    for h in &objects {
        fetch_verified(&anyone, &drill.lb(""), h)
            .await
            .unwrap_or_else(|e| panic!("the balancer serves {h} with {took} dead: {e}"));
    }
    // The console sees it down once it has been silent for the node timeout (3 s).
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let listed = nodes(&drill, &admin).await;
    let dead = listed.items.iter().find(|n| n.node == took).unwrap();
    assert_eq!(dead.state, "down", "{listed:?}");
    assert_eq!(
        listed.items.iter().filter(|n| n.state == "up").count(),
        2,
        "{listed:?}"
    );

    // S3 returns: the survivors send what the dead node had taken.
    drill.start_s3().await;
    drill.wait_drained(Duration::from_secs(90)).await;
    for (h, bytes) in &served {
        let in_s3 = std::fs::read(drill.s3_file(h)).expect("S3 has the object");
        assert_eq!(&in_s3, bytes, "S3's copy of {h} is byte-identical");
    }
}

/// A photo posted on one node reaches a page listening on another within a second (PostgreSQL
/// LISTEN/NOTIFY, not polling); an image deleted through one node leaves the others' caches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_and_deletions_cross_nodes() {
    let Some(pg) = harness::postgres().await else {
        return;
    };
    let drill = Drill::start(&pg, 2, 1).await;
    let kwame = drill.user("kwame").await;
    let listener = Drill::client();
    let mut stream = listener
        .get(drill.nodes[1].url("/api/v1/photos/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    // Let the stream settle (its first poll), so the photo is news to it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut worst = Duration::ZERO;
    for seed in 0..3 {
        let photo = post_photo(&kwame, &drill.nodes[0].url("/api/v1/photos"), 100 + seed).await;
        let acknowledged = Instant::now();
        let mut seen = String::new();
        while !seen.contains(&photo.id) {
            let chunk = tokio::time::timeout(Duration::from_secs(3), stream.chunk())
                .await
                .expect("the event arrives")
                .unwrap()
                .expect("the stream stays open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
        worst = worst.max(acknowledged.elapsed());
    }
    assert!(
        worst < Duration::from_secs(1),
        "a photo posted on node-1 reached node-2's page after {worst:?}"
    );
    println!("live event across nodes: worst of 3 after {worst:?}");

    // Node 2 reads a photo node 1 took (a copy fetched into its cache); an admin deletes it
    // through node 1; node 2's copy goes within seconds, and it no longer serves it.
    let photo = post_photo(&kwame, &drill.nodes[0].url("/api/v1/photos"), 200).await;
    let thumb = &hashes(&photo)[2];
    let anyone = Drill::client();
    fetch_verified(&anyone, &drill.nodes[1].url(""), thumb)
        .await
        .unwrap();
    let cached = drill
        .dir
        .path()
        .join("node-2/cache/objects")
        .join(&thumb[..2])
        .join(thumb);
    assert!(cached.exists(), "node-2 cached its copy at {cached:?}");
    let admin = drill.admin().await;
    let r = admin
        .delete(drill.nodes[0].url(&format!("/api/v1/admin/photos/{}", photo.id)))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let deadline = Instant::now() + Duration::from_secs(3);
    while cached.exists() {
        assert!(
            Instant::now() < deadline,
            "node-2 still holds a deleted image"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let r = anyone
        .get(drill.nodes[1].url(&format!("/media/{thumb}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

/// All three nodes restarted one after the other (SIGTERM, start again) while uploads keep coming
/// through the balancer: not one upload fails, and every acknowledged one is served and reaches S3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_under_upload_load_fails_no_upload() {
    let Some(pg) = harness::postgres().await else {
        return;
    };
    let mut drill = Drill::start(&pg, 3, 2).await;
    let lena = drill.user("lena").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let loader = {
        let (stop, url, lena) = (stop.clone(), drill.lb("/api/v1/photos"), lena.clone());
        tokio::spawn(async move {
            let mut results = Vec::new();
            let mut seed = 1000;
            // Bounded: at most 2000 uploads, and it stops when told.
            while !stop.load(std::sync::atomic::Ordering::SeqCst) && seed < 3000 {
                let r = upload(&lena, &url, seed).await;
                let status = r.status();
                let body = r.text().await.unwrap();
                results.push((seed, status, body));
                seed += 1;
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            results
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    for i in 0..drill.nodes.len() {
        assert!(
            drill.terminate_node(i).await,
            "{} exits cleanly on SIGTERM:\n{}",
            drill.nodes[i].name,
            drill.log_tail(&drill.nodes[i].name.clone())
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        drill.start_node(i).await;
        // As an operator would: the next node only once this one serves again and the
        // balancer's fail_timeout (2 s) has passed, so two nodes are never out at once.
        tokio::time::sleep(Duration::from_millis(2500)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let results = loader.await.unwrap();
    let failed: Vec<_> = results.iter().filter(|(_, s, _)| *s != 201).collect();
    assert!(
        failed.is_empty(),
        "{} of {} uploads failed, the first: {:?}\nnginx:\n{}",
        failed.len(),
        results.len(),
        &failed[..failed.len().min(3)],
        std::fs::read_to_string(drill.dir.path().join("nginx/logs/error.log"))
            .unwrap_or_default()
            .lines()
            .take(12)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        results.len() >= 10,
        "the load kept coming: {}",
        results.len()
    );
    println!(
        "rolling restart of 3 nodes: {} uploads through nginx, {} failed",
        results.len(),
        failed.len()
    );

    // Every acknowledged upload is served through the balancer and reaches S3.
    let anyone = Drill::client();
    let mut all = Vec::new();
    for (_, _, body) in &results {
        let photo: photoshare_domain::types::PhotoView = serde_json::from_str(body).unwrap();
        all.extend(hashes(&photo));
    }
    for h in &all {
        fetch_verified(&anyone, &drill.lb(""), h)
            .await
            .unwrap_or_else(|e| panic!("{h}: {e}"));
    }
    drill.wait_drained(Duration::from_secs(90)).await;
    for h in &all {
        let in_s3 = std::fs::read(drill.s3_file(h)).expect("S3 has every object");
        assert_eq!(&sha256_hex(&in_s3), h);
    }
}

/// The node-to-node endpoint refuses a call without the cluster secret, and takes only bytes that
/// match their hash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_to_node_calls_need_the_secret_and_matching_bytes() {
    let Some(pg) = harness::postgres().await else {
        return;
    };
    let drill = Drill::start(&pg, 1, 1).await;
    let c = Drill::client();
    let hash = sha256_hex(b"some bytes");
    let url = drill.nodes[0].url(&format!("/internal/v1/objects/{hash}"));
    for secret in [None, Some("wrong-secret-wrong-secret")] {
        let mut get = c.get(&url);
        let mut put = c.put(&url).body("some bytes");
        if let Some(s) = secret {
            get = get.header("x-photoshare-cluster-secret", s);
            put = put.header("x-photoshare-cluster-secret", s);
        }
        for r in [get.send().await.unwrap(), put.send().await.unwrap()] {
            assert_eq!(r.status(), 401);
            let p: Problem = r.json().await.unwrap();
            assert_eq!(p, Problem::ClusterSecret);
        }
    }
    let with =
        |r: reqwest::RequestBuilder| r.header("x-photoshare-cluster-secret", harness::SECRET);
    // Bytes that are not what the hash names: refused, nothing stored.
    let r = with(c.put(&url).body("other bytes")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Problem>().await.unwrap(), Problem::HashMismatch);
    assert_eq!(with(c.get(&url)).send().await.unwrap().status(), 404);
    // Not a hash.
    let r = with(c.get(drill.nodes[0].url("/internal/v1/objects/..%2Fetc%2Fpasswd")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // The right bytes: stored, then given back.
    let r = with(c.put(&url).body("some bytes")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = with(c.get(&url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(&r.bytes().await.unwrap()[..], b"some bytes");
    // The balancer never passes node-to-node calls.
    let r = with(c.get(drill.lb(&format!("/internal/v1/objects/{hash}"))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

/// Several nodes need PostgreSQL: a node with --node-url on SQLite refuses to start, saying why,
/// as does a configuration that cannot work; nothing is created.
#[tokio::test]
async fn a_cluster_configuration_that_cannot_work_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--node-url", "http://127.0.0.1:3999"],
            "several nodes need one PostgreSQL",
        ),
        (
            &[
                "--node-url",
                "http://127.0.0.1:3999",
                "--cluster-secret",
                "short",
            ],
            "several nodes need one PostgreSQL",
        ),
        (&["--replicas", "2"], "--replicas 2 needs --node-url"),
        (&["--replicas", "3"], "--replicas must be 1 or 2"),
    ];
    for (args, says) in cases {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_photoshare"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["serve", "--listen", "127.0.0.1:0", "--demo", "false"])
            .arg("--dist")
            .arg(&dist)
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("PHOTOSHARE_CLUSTER_SECRET")
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} started");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(
            !dir.path().join("data/photoshare.db").exists(),
            "{args:?} created a database"
        );
    }
}

/// With --replicas 2 and no other node up (and S3 down), an upload is still accepted, with one copy, and the
/// console and metrics say so; once a peer is back the object gets its second copy by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_with_no_peer_up_is_kept_with_one_copy_until_one_returns() {
    let Some(pg) = harness::postgres().await else {
        return;
    };
    let mut drill = Drill::start(&pg, 2, 2).await;
    // S3 down too, so the objects stay unsynced (a synced object needs no second node).
    drill.stop_s3().await;
    assert!(drill.terminate_node(1).await);
    let mateo = drill.user("mateo").await;
    let photo = post_photo(&mateo, &drill.nodes[0].url("/api/v1/photos"), 300).await;
    let admin = drill.admin().await;
    let overview: photoshare_domain::views::AdminOverview = admin
        .get(drill.nodes[0].url("/api/v1/admin/overview"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // (A small image's large and thumb sizes can be the same bytes: one object.)
    let distinct: std::collections::BTreeSet<String> = hashes(&photo).into_iter().collect();
    let n = distinct.len();
    assert_eq!(
        overview.storage.single_copy_objects, n as i64,
        "{overview:?}"
    );
    let metrics = admin
        .get(drill.nodes[0].url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(&format!("photoshare_single_copy_objects {n}\n")),
        "{metrics}"
    );
    // One shortfall per object kept (original, large, thumb), identical bytes or not.
    assert!(
        metrics.contains("photoshare_replica_shortfalls_total 3\n"),
        "{metrics}"
    );
    assert!(metrics.contains("photoshare_nodes_up 1\n"), "{metrics}");

    // node-2 returns: the objects get their second copy by themselves (node-2 fetches the recent
    // photos it pins as it starts; node-1 copies what it alone holds every 10 s).
    drill.start_node(1).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    for h in hashes(&photo) {
        loop {
            let holders: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM cache_entries WHERE hash = $1")
                    .bind(&h)
                    .fetch_one(&drill.db)
                    .await
                    .unwrap();
            if holders >= 2 {
                break;
            }
            assert!(Instant::now() < deadline, "{h} still has one copy");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    let copy = drill
        .dir
        .path()
        .join("node-2/cache/objects")
        .join(&photo.urls.large.trim_start_matches("/media/")[..2])
        .join(photo.urls.large.trim_start_matches("/media/"));
    assert!(copy.exists(), "node-2 holds the copy on its disk");
}

/// With one copy (--replicas 1) on a node that is gone and S3 down, a photo cannot be served:
/// every other node answers 503 with Retry-After, never a 500, and serves it again once S3 has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_every_holder_down_and_s3_down_an_image_is_503_with_retry_after() {
    let Some(pg) = harness::postgres().await else {
        return;
    };
    let mut drill = Drill::start(&pg, 2, 1).await;
    let aiko = drill.user("aiko").await;
    // S3 takes it first, so it can come back from there later; then an unsynced one.
    let synced = post_photo(&aiko, &drill.nodes[0].url("/api/v1/photos"), 400).await;
    drill.wait_drained(Duration::from_secs(30)).await;
    drill.stop_s3().await;
    let photo = post_photo(&aiko, &drill.nodes[0].url("/api/v1/photos"), 401).await;
    drill.kill_node(0).await;
    let anyone = Drill::client();
    let thumb = &hashes(&photo)[2];
    let r = anyone
        .get(drill.nodes[1].url(&format!("/media/{thumb}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "30");
    assert_eq!(r.json::<Problem>().await.unwrap(), Problem::Unavailable);
    // Through the balancer too: the 503 is passed on, not turned into a 502.
    let r = anyone
        .get(drill.lb(&format!("/media/{thumb}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    // An image S3 had is still served by the surviving node once S3 is back.
    drill.start_s3().await;
    fetch_verified(&anyone, &drill.nodes[1].url(""), &hashes(&synced)[1])
        .await
        .unwrap();
}
