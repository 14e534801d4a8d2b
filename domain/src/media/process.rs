//! Checking an upload by content and re-encoding it.

use super::MediaError;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, Rgba, RgbaImage};
use std::io::Cursor;

/// The largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// The longest edge of the thumbnail (grids, carts).
pub const THUMB_EDGE: u32 = 400;
/// The longest edge of the large image (the product page).
pub const LARGE_EDGE: u32 = 1200;
/// The most pixels along either edge of an upload.
const MAX_EDGE: u32 = 10_000;
/// JPEG quality of the re-encoded images.
const QUALITY: u8 = 85;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    WebP,
}

impl ImageKind {
    fn format(self) -> ImageFormat {
        match self {
            ImageKind::Png => ImageFormat::Png,
            ImageKind::Jpeg => ImageFormat::Jpeg,
            ImageKind::WebP => ImageFormat::WebP,
        }
    }
}

/// What a file is, by its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::WebP)
    } else {
        None
    }
}

/// An upload re-encoded as JPEG in the two standard sizes.
#[derive(Debug, Clone)]
pub struct Processed {
    pub thumb: Vec<u8>,
    pub large: Vec<u8>,
}

/// Checks, decodes and re-encodes an upload. CPU-bound: call it off the async threads.
pub fn process(bytes: &[u8]) -> Result<Processed, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(MediaError::TooLarge);
    }
    let kind = sniff(bytes).ok_or(MediaError::NotAnImage)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooManyPixels,
        _ => MediaError::Undecodable,
    })?;
    let flat = on_white(&image);
    Ok(Processed {
        thumb: encode(&fit(&flat, THUMB_EDGE))?,
        large: encode(&fit(&flat, LARGE_EDGE))?,
    })
}

/// Transparent parts become white: JPEG has no alpha.
fn on_white(image: &DynamicImage) -> DynamicImage {
    let rgba = image.to_rgba8();
    let mut flat = RgbaImage::from_pixel(rgba.width(), rgba.height(), Rgba([255, 255, 255, 255]));
    image::imageops::overlay(&mut flat, &rgba, 0, 0);
    DynamicImage::ImageRgba8(flat)
}

/// The image scaled down (never up) to fit `edge` × `edge`.
fn fit(image: &DynamicImage, edge: u32) -> DynamicImage {
    if image.width() <= edge && image.height() <= edge {
        image.clone()
    } else {
        image.resize(edge, edge, image::imageops::FilterType::Lanczos3)
    }
}

fn encode(image: &DynamicImage) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    DynamicImage::ImageRgb8(image.to_rgb8())
        .write_with_encoder(encoder)
        .map_err(|_| MediaError::Undecodable)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbaImage::from_fn(width, height, |x, y| {
            Rgba([
                (x % 256) as u8,
                (y % 256) as u8,
                128,
                if x < 10 { 0 } else { 255 },
            ])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(image)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_png_is_re_encoded_as_jpeg_in_both_sizes_keeping_its_shape() {
        let processed = process(&png(2000, 1000)).unwrap();
        for (bytes, edge) in [
            (&processed.thumb, THUMB_EDGE),
            (&processed.large, LARGE_EDGE),
        ] {
            assert_eq!(sniff(bytes), Some(ImageKind::Jpeg));
            let decoded = image::load_from_memory(bytes).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (edge, edge / 2));
        }
    }

    #[test]
    fn a_small_image_is_not_scaled_up() {
        let processed = process(&png(120, 80)).unwrap();
        let large = image::load_from_memory(&processed.large).unwrap();
        assert_eq!((large.width(), large.height()), (120, 80));
    }

    #[test]
    fn a_text_file_named_png_is_not_an_image() {
        let err = process(b"just some text pretending to be a picture").unwrap_err();
        assert!(matches!(err, MediaError::NotAnImage), "{err:?}");
    }

    #[test]
    fn a_truncated_png_is_refused_as_damaged() {
        let mut bytes = png(300, 300);
        bytes.truncate(bytes.len() / 3);
        assert!(matches!(process(&bytes), Err(MediaError::Undecodable)));
    }

    #[test]
    fn uploads_over_five_megabytes_and_empty_ones_are_refused() {
        let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
        huge.resize(MAX_UPLOAD_BYTES + 1, 0);
        assert!(matches!(process(&huge), Err(MediaError::TooLarge)));
        assert!(matches!(process(&[]), Err(MediaError::Empty)));
    }

    #[test]
    fn an_image_wider_than_ten_thousand_pixels_is_refused_before_decoding() {
        assert!(matches!(
            process(&png(10_001, 1)),
            Err(MediaError::TooManyPixels)
        ));
    }

    #[test]
    fn magic_bytes_tell_the_three_formats_apart() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageKind::Jpeg));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::WebP));
        assert_eq!(sniff(b"GIF89a"), None);
    }
}
