//! Numbers as people read them: sizes, durations, percentages. Integer arithmetic only, so the wasm
//! carries no float formatting code.

use crate::i18n::tn;

/// Progress (0.0–1.0) as a whole percentage.
pub fn percent(progress: Option<f64>) -> u32 {
    (progress.unwrap_or(0.0).clamp(0.0, 1.0) * 100.0).round() as u32
}

/// `part` of `whole` as a whole percentage, 0–100 (0 when `whole` is 0).
pub fn share(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        return 0;
    }
    (u128::from(part.min(whole)) * 100 / u128::from(whole)) as u32
}

/// A ratio (0.0–1.0) as a percentage with one decimal: "93.2%"; "—" when unknown.
pub fn ratio(r: Option<f64>) -> String {
    match r {
        Some(r) => {
            let tenths = (r.clamp(0.0, 1.0) * 1000.0).round() as u64;
            format!("{}.{}%", tenths / 10, tenths % 10)
        }
        None => "—".to_owned(),
    }
}

/// A byte count in binary units: "512 B", "1.5 KB", "23 MB", "4.0 GB" (one decimal below 100).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut unit = 1024u64;
    let mut i = 0;
    while i + 1 < UNITS.len() && n >= unit * 1024 {
        unit *= 1024;
        i += 1;
    }
    let tenths = (u128::from(n) * 10 + u128::from(unit) / 2) / u128::from(unit);
    if tenths >= 1000 {
        format!("{} {}", (tenths + 5) / 10, UNITS[i])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[i])
    }
}

/// A signed byte count (the API's `i64` sizes); negatives read as 0.
pub fn bytes_i(n: i64) -> String {
    bytes(n.max(0) as u64)
}

/// A span of time, coarse: "45 s", "3 min", "2 h 5 min", "3 d 4 h".
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => tn("{n} s", s),
        (0, 0, m) => tn("{n} min", m),
        (0, h, 0) => tn("{n} h", h),
        (0, h, m) => format!("{} {}", tn("{n} h", h), tn("{n} min", m)),
        (d, 0, _) => tn("{n} d", d),
        (d, h, _) => format!("{} {}", tn("{n} d", d), tn("{n} h", h)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(percent(None), 0);
        assert_eq!(percent(Some(0.504)), 50);
        assert_eq!(percent(Some(1.7)), 100);
        assert_eq!(share(1, 3), 33);
        assert_eq!(share(5, 0), 0);
        assert_eq!(share(12, 10), 100);
        assert_eq!(share(u64::MAX / 2, u64::MAX), 49);
        assert_eq!(ratio(Some(0.9324)), "93.2%");
        assert_eq!(ratio(Some(1.0)), "100.0%");
        assert_eq!(ratio(Some(0.0)), "0.0%");
        assert_eq!(ratio(None), "—");
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.0 KB");
        assert_eq!(bytes(1536), "1.5 KB");
        assert_eq!(bytes(99 * 1024 * 1024), "99.0 MB");
        assert_eq!(bytes(123 * 1024 * 1024 + 700 * 1024), "124 MB");
        assert_eq!(bytes(5 * 1024 * 1024 * 1024), "5.0 GB");
        assert_eq!(bytes(3 << 40), "3.0 TB");
        assert_eq!(bytes(u64::MAX), "16384 PB");
        assert_eq!(bytes_i(-5), "0 B");
    }

    #[test]
    fn durations() {
        // The units are translated, and the language is a signal: give it an owner (the server
        // build of the crate keeps signals in per-owner arenas).
        let owner = leptos::prelude::Owner::new();
        owner.set();
        assert_eq!(duration(-3), "0 s");
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(180), "3 min");
        assert_eq!(duration(3600), "1 h");
        assert_eq!(duration(2 * 3600 + 5 * 60 + 9), "2 h 5 min");
        assert_eq!(duration(86_400 + 59), "1 d");
        assert_eq!(duration(3 * 86_400 + 4 * 3600), "3 d 4 h");
    }
}
