//! Turning an uploaded file into the sizes PhotoShare serves. CPU-heavy: callers run it on the
//! blocking pool.

use crate::error::{Error, Problem, Result};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, RgbImage};
use std::io::Cursor;
use std::path::Path;

/// Longest side of the grid thumbnail.
pub const THUMB_PX: u32 = 320;
/// Longest side of the photo-page size.
pub const LARGE_PX: u32 = 1280;
/// Largest side accepted, and the most pixels: these stop decompression bombs before decoding.
pub const MAX_SIDE: u32 = 12_000;
pub const MAX_PIXELS: u64 = 50_000_000;
const JPEG_QUALITY: u8 = 85;

/// The image formats PhotoShare accepts, as (format, MIME type).
pub const ACCEPTED: [(ImageFormat, &str); 3] = [
    (ImageFormat::Jpeg, "image/jpeg"),
    (ImageFormat::Png, "image/png"),
    (ImageFormat::WebP, "image/webp"),
];

/// An upload, checked and resized.
pub struct Processed {
    /// MIME type of the original.
    pub content_type: &'static str,
    /// The EXIF orientation the original carries (1 = upright).
    pub orientation: u8,
    /// Dimensions after EXIF orientation.
    pub width: u32,
    pub height: u32,
    pub large: Vec<u8>,
    pub thumb: Vec<u8>,
}

/// Checks that the file is an image we accept and makes the large and thumb sizes.
pub fn process_file(path: &Path) -> Result<Processed> {
    process_bytes(&std::fs::read(path)?)
}

/// As [`process_file`], for bytes in memory.
pub fn process_bytes(bytes: &[u8]) -> Result<Processed> {
    process(reader(bytes)?)
}

/// A reader of an upload whose format is known, once its container is whole: a decoder would
/// fill in the missing part of a truncated file (grey rows), so a cut-off upload is refused
/// (422 `image_unreadable`) before it is decoded.
fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>> {
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let whole = match reader.format() {
        Some(ImageFormat::Jpeg) => jpeg_whole(bytes),
        Some(ImageFormat::Png) => png_whole(bytes),
        Some(ImageFormat::WebP) => webp_whole(bytes),
        _ => true, // refused by format below
    };
    if !whole {
        return Err(Problem::ImageUnreadable.into());
    }
    Ok(reader)
}

/// Whether a JPEG's markers run from its start to an end-of-image marker (data after it, such as
/// a motion photo's video, is left alone).
fn jpeg_whole(b: &[u8]) -> bool {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        if b.get(i) != Some(&0xFF) {
            return false;
        }
        while b.get(i) == Some(&0xFF) {
            i += 1; // fill bytes
        }
        let Some(&marker) = b.get(i) else {
            return false;
        };
        i += 1;
        match marker {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => continue, // markers without a length
            _ => {
                let Some(len) = b
                    .get(i..i + 2)
                    .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
                else {
                    return false;
                };
                if len < 2 {
                    return false;
                }
                i += len;
                if marker == 0xDA {
                    // Entropy-coded data: up to the next marker that is not a restart, a
                    // stuffed 0xFF00 or a fill byte.
                    loop {
                        let (Some(&a), Some(&n)) = (b.get(i), b.get(i + 1)) else {
                            return false;
                        };
                        if a == 0xFF && n != 0x00 && n != 0xFF && !(0xD0..=0xD7).contains(&n) {
                            break;
                        }
                        i += 1;
                    }
                }
            }
        }
    }
}

/// Whether a PNG's chunks run whole up to its IEND chunk.
fn png_whole(b: &[u8]) -> bool {
    let mut i = 8;
    while let Some(head) = b.get(i..i + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let Some(end) = i.checked_add(12).and_then(|e| e.checked_add(len)) else {
            return false;
        };
        if end > b.len() {
            return false;
        }
        if &head[4..8] == b"IEND" {
            return true;
        }
        i = end;
    }
    false
}

/// Whether a WebP file is as long as its RIFF header says.
fn webp_whole(b: &[u8]) -> bool {
    b.get(4..8).is_some_and(|s| {
        let size = u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize;
        size.checked_add(8).is_some_and(|whole| whole <= b.len())
    })
}

/// The MIME type of an accepted image, from its first bytes.
pub fn sniff(bytes: &[u8]) -> Result<&'static str> {
    let format = image::guess_format(bytes).map_err(|_| Problem::NotAnImage)?;
    ACCEPTED
        .iter()
        .find(|(a, _)| *a == format)
        .map(|(_, mime)| *mime)
        .ok_or_else(|| unaccepted(format))
}

fn unaccepted(f: ImageFormat) -> Error {
    Problem::FormatNotAccepted {
        format: f
            .extensions_str()
            .first()
            .unwrap_or(&"These")
            .to_uppercase(),
    }
    .into()
}

/// A decoded, upright image and what the processing needs to know about its source.
struct Decoded {
    content_type: &'static str,
    /// The EXIF orientation the source carries (1 = upright); already applied to `img`.
    orientation: u8,
    /// The source's colour profile, carried into every size so colours stay as shot.
    icc: Option<Vec<u8>>,
    img: DynamicImage,
}

fn decode<R: std::io::BufRead + std::io::Seek>(mut reader: ImageReader<R>) -> Result<Decoded> {
    let content_type = match reader.format() {
        Some(f) => ACCEPTED
            .iter()
            .find(|(a, _)| *a == f)
            .map(|(_, mime)| *mime)
            .ok_or_else(|| unaccepted(f))?,
        None => return Err(Problem::NotAnImage.into()),
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);

    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_big(w, h));
    }
    let orientation = decoder.orientation().map_err(decode_error)?;
    let icc = decoder.icc_profile().ok().flatten();
    let mut img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    img.apply_orientation(orientation);
    Ok(Decoded {
        content_type,
        orientation: orientation.to_exif(),
        icc,
        img,
    })
}

fn process<R: std::io::BufRead + std::io::Seek>(reader: ImageReader<R>) -> Result<Processed> {
    let d = decode(reader)?;
    let icc = d.icc.as_deref();
    let large = encode_jpeg(&fit(&d.img, LARGE_PX), icc)?;
    let thumb = encode_jpeg(&fit(&d.img, THUMB_PX), icc)?;
    Ok(Processed {
        content_type: d.content_type,
        orientation: d.orientation,
        width: d.img.width(),
        height: d.img.height(),
        large,
        thumb,
    })
}

/// Side of the small user icon (headers, lists, comments) and of the large one (profile page).
pub const ICON_SMALL_PX: u32 = 128;
pub const ICON_LARGE_PX: u32 = 512;

/// A user icon: the upload cropped to its centre square, in two sizes (JPEG).
pub struct Icon {
    pub small: Vec<u8>,
    pub large: Vec<u8>,
}

/// Checks an icon upload and makes its square sizes; never scales up.
pub fn process_icon(bytes: &[u8]) -> Result<Icon> {
    let d = decode(reader(bytes)?)?;
    let side = d.img.width().min(d.img.height());
    let square = d.img.crop_imm(
        (d.img.width() - side) / 2,
        (d.img.height() - side) / 2,
        side,
        side,
    );
    let icc = d.icc.as_deref();
    let sized = |px: u32| {
        let px = px.min(side);
        encode_jpeg(
            &square.resize_exact(px, px, image::imageops::FilterType::CatmullRom),
            icc,
        )
    };
    Ok(Icon {
        small: sized(ICON_SMALL_PX)?,
        large: sized(ICON_LARGE_PX)?,
    })
}

/// Widest an announcement image is stored (a banner across a desktop page, sharp on HiDPI phones).
pub const BANNER_PX: u32 = 1600;

/// An announcement image, ready to serve.
pub struct Banner {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Checks an announcement image and scales it to fit [`BANNER_PX`]. A PNG stays a PNG (status
/// images are mostly text, which JPEG would blur); anything else becomes a JPEG. Metadata goes.
pub fn process_banner(bytes: &[u8]) -> Result<Banner> {
    let d = decode(reader(bytes)?)?;
    let img = fit(&d.img, BANNER_PX);
    let (width, height) = (img.width(), img.height());
    if d.content_type == "image/png" {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(Error::internal)?;
        return Ok(Banner {
            bytes: out,
            content_type: "image/png",
            width,
            height,
        });
    }
    Ok(Banner {
        bytes: encode_jpeg(&img, d.icc.as_deref())?,
        content_type: "image/jpeg",
        width,
        height,
    })
}

fn too_big(w: u32, h: u32) -> Error {
    Problem::ImageTooLarge {
        width: w,
        height: h,
        max_side: MAX_SIDE,
        max_megapixels: (MAX_PIXELS / 1_000_000) as u32,
    }
    .into()
}

fn decode_error(e: image::ImageError) -> Error {
    match e {
        image::ImageError::Limits(_) => Problem::ImageTooComplex {
            max_side: MAX_SIDE,
            max_megapixels: (MAX_PIXELS / 1_000_000) as u32,
        }
        .into(),
        image::ImageError::Unsupported(_) => Problem::FormatVariant.into(),
        _ => Problem::ImageUnreadable.into(),
    }
}

/// Scales down to fit a `px` square, keeping the aspect ratio; never scales up.
fn fit(img: &DynamicImage, px: u32) -> DynamicImage {
    if img.width() <= px && img.height() <= px {
        img.clone()
    } else {
        img.thumbnail(px, px)
    }
}

/// JPEG has no alpha: transparent pixels are laid over white, as a viewer would show them.
fn flatten(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

fn encode_jpeg(img: &DynamicImage, icc: Option<&[u8]>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    if let Some(icc) = icc {
        // A profile the encoder cannot carry (too large) is dropped, not fatal.
        let _ = encoder.set_icc_profile(icc.to_vec());
    }
    flatten(img)
        .write_with_encoder(encoder)
        .map_err(Error::internal)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 128, 200]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn encoded(format: ImageFormat) -> Vec<u8> {
        let img = RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 77]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_cut_off_image_is_refused_before_it_is_decoded() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP] {
            let whole = encoded(format);
            assert!(process_bytes(&whole).is_ok(), "{format:?} whole");
            for cut in [
                whole.len() / 4,
                whole.len() / 2,
                whole.len() * 3 / 4,
                whole.len() - 1,
            ] {
                let e = process_bytes(&whole[..cut]).err().unwrap();
                assert_eq!(
                    e.problem(),
                    Problem::ImageUnreadable,
                    "{format:?} cut at {cut} of {}",
                    whole.len()
                );
                assert!(process_icon(&whole[..cut]).is_err());
                assert!(process_banner(&whole[..cut]).is_err());
            }
        }
        // Data after a JPEG's end (a motion photo's video) does not make it unreadable.
        let mut motion = encoded(ImageFormat::Jpeg);
        motion.extend_from_slice(b"\xFF\xDA\x00\x08ftypmp42 and some video");
        assert!(process_bytes(&motion).is_ok());
    }

    #[test]
    fn makes_sizes_that_keep_the_aspect_ratio() {
        let p = process_bytes(&png(2000, 1000)).unwrap();
        assert_eq!(
            (p.width, p.height, p.content_type),
            (2000, 1000, "image/png")
        );
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
        let large = image::load_from_memory(&p.large).unwrap();
        assert_eq!((large.width(), large.height()), (1280, 640));
    }

    #[test]
    fn icons_are_cropped_to_their_centre_square() {
        // A wide image: left third red, middle third green, right third blue.
        let img = RgbImage::from_fn(900, 300, |x, _| match x / 300 {
            0 => image::Rgb([255, 0, 0]),
            1 => image::Rgb([0, 255, 0]),
            _ => image::Rgb([0, 0, 255]),
        });
        let mut bytes = Cursor::new(Vec::new());
        img.write_to(&mut bytes, ImageFormat::Png).unwrap();
        let icon = process_icon(bytes.get_ref()).unwrap();
        let small = image::load_from_memory(&icon.small).unwrap().to_rgb8();
        assert_eq!(small.dimensions(), (ICON_SMALL_PX, ICON_SMALL_PX));
        for p in [small.get_pixel(2, 2), small.get_pixel(125, 125)] {
            assert!(
                p[1] > 200 && p[0] < 60 && p[2] < 60,
                "{p:?} is not the green centre"
            );
        }
        // Smaller than the large size: not scaled up.
        let large = image::load_from_memory(&icon.large).unwrap();
        assert_eq!((large.width(), large.height()), (300, 300));
        assert!(process_icon(b"not an image").is_err());
    }

    #[test]
    fn the_colour_profile_is_carried_into_every_size() {
        let img = RgbImage::from_fn(600, 400, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut src = Vec::new();
        let mut enc = JpegEncoder::new_with_quality(&mut src, 90);
        let profile = b"not-a-real-icc-profile-but-carried-verbatim".repeat(4);
        enc.set_icc_profile(profile.clone()).unwrap();
        img.write_with_encoder(enc).unwrap();
        let p = process_bytes(&src).unwrap();
        for sized in [&p.large, &p.thumb] {
            let mut dec = image::codecs::jpeg::JpegDecoder::new(Cursor::new(sized)).unwrap();
            assert_eq!(dec.icc_profile().unwrap(), Some(profile.clone()));
        }
    }

    #[test]
    fn small_images_are_not_scaled_up() {
        let p = process_bytes(&png(100, 50)).unwrap();
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (100, 50));
    }

    #[test]
    fn refuses_what_is_not_an_accepted_image() {
        assert!(matches!(
            process_bytes(b"hello, I am text"),
            Err(Error::Refused(Problem::NotAnImage))
        ));
        let err = process_bytes(b"GIF89a\x04\x00\x04\x00\x00\x00\x00;")
            .err()
            .unwrap();
        assert!(
            matches!(err, Error::Refused(Problem::FormatNotAccepted { ref format }) if format == "GIF"),
            "{err}"
        );
    }

    #[test]
    fn refuses_a_truncated_image() {
        let bytes = png(300, 300);
        assert!(matches!(
            process_bytes(&bytes[..bytes.len() / 2]),
            Err(Error::Refused(Problem::ImageUnreadable))
        ));
    }

    #[test]
    fn refuses_oversized_images_from_the_header() {
        let err = process_bytes(&png(MAX_SIDE + 1, 1)).err().unwrap();
        assert!(
            matches!(
                err,
                Error::Refused(Problem::ImageTooLarge { .. } | Problem::ImageTooComplex { .. })
            ),
            "{err}"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Any bytes behind an accepted format's signature: refused with a problem, or read;
            /// never a panic, never a fault of ours.
            #[test]
            fn any_bytes_are_read_or_refused(
                sig in 0usize..4,
                body in proptest::collection::vec(any::<u8>(), 0..2048),
            ) {
                let head: &[u8] = match sig {
                    0 => b"\x89PNG\r\n\x1a\n",
                    1 => b"\xFF\xD8\xFF",
                    2 => b"RIFF\x00\x01\x00\x00WEBPVP8 ",
                    _ => b"",
                };
                let bytes = [head, &body].concat();
                for result in [
                    process_bytes(&bytes).map(|_| ()),
                    process_icon(&bytes).map(|_| ()),
                    process_banner(&bytes).map(|_| ()),
                ] {
                    if let Err(e) = result {
                        prop_assert_ne!(e.problem(), Problem::Internal, "{:?}", e);
                    }
                }
            }

            /// A real image cut anywhere, or with a byte changed in its headers, is refused or
            /// read: never a panic.
            #[test]
            fn damaged_images_are_read_or_refused(
                format in 0usize..3,
                cut in 0.0f64..1.0,
                flip in 0usize..64,
                to in any::<u8>(),
            ) {
                let format = [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP][format];
                let mut bytes = encoded(format);
                let at = flip.min(bytes.len() - 1);
                bytes[at] = to;
                bytes.truncate(((bytes.len() as f64) * cut) as usize + 1);
                if let Err(e) = process_bytes(&bytes) {
                    prop_assert_ne!(e.problem(), Problem::Internal, "{:?}", e);
                }
            }
        }
    }
}
