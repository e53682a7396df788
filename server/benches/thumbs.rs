//! Making the sizes of a 12-megapixel JPEG: PhotoShare's own processing (decode, orientation,
//! the 1280 px large and the 320 px thumb JPEGs) against `vipsthumbnail` (libvips) making the same
//! two sizes from the same file. `scripts/bench.sh thumbs` runs it (installs libvips-tools from
//! Debian if missing). Goal: ours takes at most 1.5× as long as vips.

use photoshare_domain::media::imaging::{self, LARGE_PX, THUMB_PX};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 10;
const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
const GOAL_RATIO: f64 = 1.5;

/// Smooth light and shade with sensor-like noise: compresses about as a real photo does.
fn photo_jpeg(path: &Path) -> u64 {
    let img = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let n = ((x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) >> 27) as u8;
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        image::Rgb([
            ((200.0 * fx + 30.0 * (fy * 9.0).sin() + 20.0) as u8).saturating_add(n),
            ((120.0 + 80.0 * (fx * 5.0 + fy * 3.0).sin()) as u8).saturating_add(n),
            ((60.0 + 150.0 * fy + 20.0 * (fx * 17.0).cos()) as u8).saturating_add(n),
        ])
    });
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    drop(out);
    std::fs::metadata(path).unwrap().len()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// (median, min) of `RUNS` timed runs after one warm-up.
fn time(mut run: impl FnMut()) -> (Duration, Duration) {
    run();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[RUNS / 2], times[0])
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).unwrap();
    (img.width(), img.height())
}

/// vipsthumbnail making both sizes (two commands, as a script would), `threads` = None for its
/// default concurrency.
fn vips(input: &Path, out: &Path, threads: Option<usize>) -> (Vec<u8>, Vec<u8>) {
    let mut files = Vec::new();
    for (px, name) in [(LARGE_PX, "large.jpg"), (THUMB_PX, "thumb.jpg")] {
        let target = out.join(name);
        let mut cmd = Command::new("vipsthumbnail");
        cmd.arg(input)
            .args(["-s", &px.to_string(), "-o"])
            .arg(format!("{}[Q=85]", target.display()));
        if let Some(n) = threads {
            cmd.env("VIPS_CONCURRENCY", n.to_string());
        }
        let status = cmd.output().unwrap();
        assert!(
            status.status.success(),
            "vipsthumbnail failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        files.push(std::fs::read(&target).unwrap());
    }
    let thumb = files.pop().unwrap();
    (files.pop().unwrap(), thumb)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jpg");
    let size = photo_jpeg(&input);
    println!(
        "# Thumbnails of a 12-megapixel photo ({} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "\n{WIDTH}×{HEIGHT} JPEG, quality 90, {:.1} MB; both make a {LARGE_PX} px and a {THUMB_PX} px \
         JPEG at quality 85. {RUNS} runs after 1 warm-up.\n",
        size as f64 / 1e6
    );

    let mut out = None;
    let (ours, ours_min) = time(|| out = Some(imaging::process_file(&input).unwrap()));
    let out = out.unwrap();
    assert_eq!((out.width, out.height), (WIDTH, HEIGHT));
    assert_eq!(dimensions(&out.large), (LARGE_PX, LARGE_PX * 3 / 4));
    assert_eq!(dimensions(&out.thumb), (THUMB_PX, THUMB_PX * 3 / 4));

    println!("| what | median ms | min ms | large kB | thumb kB |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| PhotoShare `imaging::process_file` (one thread: decode, orient, two resizes, two encodes) | {:.0} | {:.0} | {} | {} |",
        ms(ours),
        ms(ours_min),
        out.large.len() / 1000,
        out.thumb.len() / 1000
    );

    let version = Command::new("vipsthumbnail").arg("--vips-version").output();
    let Some(version) = version.ok().filter(|o| o.status.success()) else {
        println!("\n(vipsthumbnail is not installed: install libvips-tools; comparison skipped)");
        return;
    };
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let mut vips_median = Duration::ZERO;
    for (label, threads) in [("default threads", None), ("VIPS_CONCURRENCY=1", Some(1))] {
        let mut files = None;
        let (median, min) = time(|| files = Some(vips(&input, dir.path(), threads)));
        let (large, thumb) = files.unwrap();
        assert_eq!(dimensions(&large), (LARGE_PX, LARGE_PX * 3 / 4));
        assert_eq!(dimensions(&thumb), (THUMB_PX, THUMB_PX * 3 / 4));
        if threads.is_none() {
            vips_median = median;
        }
        println!(
            "| `vipsthumbnail` ×2 (-s {LARGE_PX}, -s {THUMB_PX}, Q=85), {label}, {version} | {:.0} | {:.0} | {} | {} |",
            ms(median),
            ms(min),
            large.len() / 1000,
            thumb.len() / 1000
        );
    }
    let ratio = ours.as_secs_f64() / vips_median.as_secs_f64();
    println!(
        "\nratio (ours / vipsthumbnail, medians, vips at its default threads): {ratio:.2}× — goal ≤ {GOAL_RATIO}×: {}",
        if ratio <= GOAL_RATIO { "met" } else { "**missed**" }
    );
}
