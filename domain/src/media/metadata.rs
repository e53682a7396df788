//! Removing private metadata from an original before it is stored: EXIF (GPS, camera serials, …),
//! XMP, IPTC and text chunks. What the picture needs to look right stays: colour profiles (ICC),
//! and for JPEG a minimal EXIF block carrying only the orientation, so browsers still turn the
//! original the right way up.

/// `bytes` without private metadata, or `None` if the format is not one we know how to rewrite
/// safely (the caller then keeps the original as it is only if it carries no metadata we know of).
pub fn strip(bytes: &[u8], orientation: u8) -> Option<Vec<u8>> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        strip_jpeg(bytes, orientation)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        strip_png(bytes)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        strip_webp(bytes)
    } else {
        None
    }
}

/// APP1 "Exif" with a single IFD0 entry: Orientation (0x0112, SHORT).
fn orientation_app1(orientation: u8) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    exif.extend_from_slice(&[0, orientation, 0, 0]); // value, padded to 4 bytes
    exif.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    seg.extend_from_slice(&exif);
    seg
}

fn strip_jpeg(b: &[u8], orientation: u8) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    let mut exif_written = orientation <= 1;
    loop {
        if i + 4 > b.len() || b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if marker == 0xDA {
            // Start of scan: the compressed data and everything after it is kept as it is.
            if !exif_written {
                out.extend_from_slice(&orientation_app1(orientation));
            }
            out.extend_from_slice(&b[i..]);
            return Some(out);
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        let end = i + 2 + len;
        if len < 2 || end > b.len() {
            return None;
        }
        let private = marker == 0xE1 /* EXIF, XMP */ || marker == 0xED /* IPTC */ || marker == 0xFE /* comment */;
        if !private {
            out.extend_from_slice(&b[i..end]);
        }
        // Our orientation block goes right after JFIF (APP0), where readers look for EXIF.
        if !exif_written && marker != 0xE0 {
            let seg_start = if private {
                out.len()
            } else {
                out.len() - (end - i)
            };
            let app1 = orientation_app1(orientation);
            out.splice(seg_start..seg_start, app1);
            exif_written = true;
        }
        i = end;
    }
}

fn strip_png(b: &[u8]) -> Option<Vec<u8>> {
    const PRIVATE: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"];
    let mut out = b[..8].to_vec();
    let mut i = 8;
    while i < b.len() {
        if i + 12 > b.len() {
            return None;
        }
        let len = u32::from_be_bytes(b[i..i + 4].try_into().ok()?) as usize;
        let end = i.checked_add(12 + len).filter(|&e| e <= b.len())?;
        let kind = &b[i + 4..i + 8];
        if !PRIVATE.iter().any(|p| p.as_slice() == kind) {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
    }
    Some(out)
}

fn strip_webp(b: &[u8]) -> Option<Vec<u8>> {
    let mut chunks = Vec::new();
    let mut i = 12;
    while i < b.len() {
        if i + 8 > b.len() {
            return None;
        }
        let size = u32::from_le_bytes(b[i + 4..i + 8].try_into().ok()?) as usize;
        let end = i
            .checked_add(8 + size + (size & 1))
            .filter(|&e| e <= b.len())?;
        let kind = &b[i..i + 4];
        if kind != b"EXIF" && kind != b"XMP " {
            let mut chunk = b[i..end].to_vec();
            if kind == b"VP8X" && chunk.len() > 8 {
                chunk[8] &= !(0x08 | 0x04); // no EXIF, no XMP any more
            }
            chunks.push(chunk);
        }
        i = end;
    }
    let body: Vec<u8> = chunks.concat();
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg() -> Vec<u8> {
        let img =
            image::RgbImage::from_fn(16, 8, |x, y| image::Rgb([x as u8 * 9, y as u8 * 20, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    /// A JPEG with an EXIF block that holds a GPS-like marker string and orientation 6.
    fn jpeg_with_gps() -> Vec<u8> {
        let clean = jpeg();
        let mut exif =
            b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0".to_vec();
        exif.extend_from_slice(b"GPS 35.6895N 139.6917E");
        let mut seg = vec![0xFF, 0xE1];
        seg.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        seg.extend_from_slice(&exif);
        let mut comment = vec![0xFF, 0xFE, 0, 9];
        comment.extend_from_slice(b"secret!");
        [&clean[..2], &seg, &comment, &clean[2..]].concat()
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn jpeg_loses_gps_and_comments_but_keeps_orientation_and_pixels() {
        let dirty = jpeg_with_gps();
        let clean = strip(&dirty, 6).unwrap();
        assert!(!contains(&clean, b"GPS 35.6895N"));
        assert!(!contains(&clean, b"secret!"));
        use image::ImageDecoder;
        let mut dec = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&clean)).unwrap();
        assert_eq!(
            dec.orientation().unwrap().to_exif(),
            6,
            "orientation survives"
        );
        let before = image::load_from_memory(&dirty).unwrap().to_rgb8();
        let after = image::load_from_memory(&clean).unwrap().to_rgb8();
        assert_eq!(before, after, "pixels are untouched");
    }

    #[test]
    fn an_upright_jpeg_gets_no_exif_at_all() {
        let clean = strip(&jpeg_with_gps(), 1).unwrap();
        assert!(!contains(&clean, b"Exif\0\0"));
        assert_eq!(
            strip(&jpeg(), 1).unwrap(),
            jpeg(),
            "nothing to strip, nothing changed"
        );
    }

    #[test]
    fn png_loses_text_and_exif_chunks() {
        let mut png = Vec::new();
        image::RgbImage::new(4, 4)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let text = {
            let data = b"Comment\0taken at home".to_vec();
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(b"tEXt");
            c.extend_from_slice(&data);
            c.extend_from_slice(&[0, 0, 0, 0]); // CRC is not checked by the stripper
            c
        };
        let dirty = [&png[..33], &text, &png[33..]].concat(); // after IHDR
        let clean = strip(&dirty, 1).unwrap();
        assert_eq!(clean, png);
    }

    #[test]
    fn webp_loses_exif_and_xmp_chunks() {
        let mut webp = Vec::new();
        image::RgbaImage::new(4, 4)
            .write_to(
                &mut std::io::Cursor::new(&mut webp),
                image::ImageFormat::WebP,
            )
            .unwrap();
        let mut exif = b"EXIF".to_vec();
        let data = b"GPS 35.6895N 139.6917E!"; // odd length: padded
        exif.extend_from_slice(&(data.len() as u32).to_le_bytes());
        exif.extend_from_slice(data);
        exif.push(0);
        let mut dirty = [&webp[..], &exif].concat();
        let riff = (dirty.len() - 8) as u32;
        dirty[4..8].copy_from_slice(&riff.to_le_bytes());
        let clean = strip(&dirty, 1).unwrap();
        assert_eq!(clean, webp);
        assert!(image::load_from_memory(&clean).is_ok());
    }

    #[test]
    fn truncated_files_are_refused_not_mangled() {
        let j = jpeg_with_gps();
        assert!(strip(&j[..10], 1).is_none());
        assert!(strip(b"not an image", 1).is_none());
    }
}
