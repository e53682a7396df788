//! What the benchmarks share: percentiles, milliseconds, a photo-like JPEG. Each bench includes
//! it (`mod support;`), so a bench uses only some of it.
#![allow(dead_code)]

use std::time::Duration;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A photo-like JPEG (noise compresses like a real photo).
pub fn photo_jpeg(seed: u32) -> Vec<u8> {
    // Smooth light with a little sensor-like noise: compresses about as a real photo does.
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        let n = ((x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503) ^ seed.wrapping_mul(97)) >> 27)
            as u8;
        let (fx, fy) = (x as f32 / 1600.0, y as f32 / 1200.0);
        image::Rgb([
            (200.0 * fx + 30.0 * (fy * 9.0).sin() + 20.0) as u8 + n,
            (120.0 + 80.0 * (fx * 5.0 + fy * 3.0).sin()) as u8 + n,
            (60.0 + 150.0 * fy) as u8 + n,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}
