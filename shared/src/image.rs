//! RGBA image processing on the `image` crate: grayscale, Lanczos3 resize,
//! the spec's aspect-preserving `process_image`, and PNG/JPEG decoding.
//!
//! Pixel buffers are tightly packed RGBA8, row-major, `width * height * 4`
//! bytes, which is what a canvas `ImageData` holds. A buffer whose length
//! does not match its dimensions is an [`Error::BufferSize`].

use std::io::Cursor;

use ::image::imageops::{self, FilterType};
use ::image::{ImageFormat, ImageReader, Limits, Pixel, RgbaImage};

use crate::{Error, Result};
use echelon_guest::Json;

/// The largest RGBA buffer any function here produces or accepts
/// (256 MiB, e.g. 8192 x 8192 pixels). Larger requests are refused with an
/// error instead of exhausting a guest's or a tab's memory.
pub const MAX_IMAGE_BYTES: u64 = 256 * 1024 * 1024;

/// The largest width or height accepted, in pixels.
pub const MAX_DIMENSION: u32 = 16_384;

/// Converts an RGBA image to grayscale, keeping it RGBA (R = G = B = luma,
/// alpha unchanged) so the result can go straight back into a canvas.
///
/// Luma uses the Rec. 709 weights of `image`'s `Pixel::to_luma`. The spec's
/// example returned one byte per pixel; Echelon keeps four so that server,
/// browser and canvas all share one pixel format.
///
/// ```
/// let px = echelon_shared::image::apply_grayscale(&[255, 0, 0, 200], 1, 1).unwrap();
/// assert_eq!(px, vec![54, 54, 54, 200]);
/// ```
#[echelon_guest::export]
pub fn apply_grayscale(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    let mut img = rgba_image(pixels, width, height)?;
    for px in img.pixels_mut() {
        let luma = px.to_luma().0[0];
        px.0 = [luma, luma, luma, px.0[3]];
    }
    Ok(img.into_raw())
}

/// Resizes an RGBA image to exactly `new_width x new_height` with a Lanczos3
/// filter.
///
/// ```
/// let out = echelon_shared::image::resize_image(&[9; 4 * 4 * 4], 4, 4, 2, 2).unwrap();
/// assert_eq!(out.len(), 2 * 2 * 4);
/// ```
#[echelon_guest::export]
pub fn resize_image(
    pixels: &[u8],
    width: u32,
    height: u32,
    new_width: u32,
    new_height: u32,
) -> Result<Vec<u8>> {
    check_dimensions("new_width", "new_height", new_width, new_height)?;
    let img = rgba_image(pixels, width, height)?;
    Ok(imageops::resize(&img, new_width, new_height, FilterType::Lanczos3).into_raw())
}

/// The dimensions `process_image` produces: the largest size with the
/// image's aspect ratio that fits in `max_width x max_height`, or the
/// original size when it already fits. Never smaller than 1x1.
///
/// ```
/// use echelon_shared::image::fit_within;
/// assert_eq!(fit_within(4000, 3000, 1920, 1080).unwrap(), (1440, 1080));
/// assert_eq!(fit_within(800, 600, 1920, 1080).unwrap(), (800, 600));
/// ```
pub fn fit_within(width: u32, height: u32, max_width: u32, max_height: u32) -> Result<(u32, u32)> {
    check_dimensions("width", "height", width, height)?;
    if max_width == 0 || max_height == 0 {
        return Err(Error::invalid("max_width/max_height", "must both be at least 1"));
    }
    if width <= max_width && height <= max_height {
        return Ok((width, height));
    }
    // f64 instead of the spec's f32: exact for every u32 and so never rounds
    // a side past its maximum.
    let ratio = (f64::from(max_width) / f64::from(width)).min(f64::from(max_height) / f64::from(height));
    let w = ((f64::from(width) * ratio) as u32).clamp(1, max_width);
    let h = ((f64::from(height) * ratio) as u32).clamp(1, max_height);
    Ok((w, h))
}

/// The spec's image pipeline: fit the image into `max_width x max_height`
/// preserving its aspect ratio (see [`fit_within`]) with a Lanczos3 filter.
///
/// `quality` (1-100) is checked and kept for API compatibility with the spec;
/// the output is raw RGBA, so it has no lossy encoding for it to control.
/// Returns the pixels; their dimensions are `fit_within(...)`.
#[echelon_guest::export]
pub fn process_image(
    pixels: &[u8],
    width: u32,
    height: u32,
    max_width: u32,
    max_height: u32,
    quality: u8,
) -> Result<Vec<u8>> {
    if !(1..=100).contains(&quality) {
        return Err(Error::invalid("quality", format!("{quality} is outside 1..=100")));
    }
    let (w, h) = fit_within(width, height, max_width, max_height)?;
    let img = rgba_image(pixels, width, height)?;
    if (w, h) == (width, height) {
        return Ok(img.into_raw());
    }
    Ok(imageops::resize(&img, w, h, FilterType::Lanczos3).into_raw())
}

/// The upload pipeline of use case 2 on encoded bytes: decode a PNG or
/// JPEG, fit it into `max_width x max_height` with [`process_image`]'s rules
/// (Lanczos3), and encode the result as PNG.
#[echelon_guest::export]
pub fn process_upload(bytes: &[u8], max_width: u32, max_height: u32) -> Result<Vec<u8>> {
    let img = decode_image(bytes)?;
    let (w, h) = fit_within(img.width, img.height, max_width, max_height)?;
    let pixels = process_image(&img.pixels, img.width, img.height, max_width, max_height, 100)?;
    encode_png(&pixels, w, h)
}

/// An encoded image's format and size, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageInfo {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `"png"` or `"jpeg"`.
    pub format: &'static str,
}

/// A decoded image: dimensions and RGBA8 pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes of RGBA.
    pub pixels: Vec<u8>,
}

/// Reads the format and dimensions of a PNG or JPEG from its header without
/// decoding the pixels. Exported as JSON (`{"width","height","format"}`);
/// natively `Json` derefs to the [`ImageInfo`].
///
/// ```
/// let err = echelon_shared::image::image_dimensions(b"not an image").unwrap_err();
/// assert!(err.to_string().contains("PNG or JPEG"));
/// ```
#[echelon_guest::export]
pub fn image_dimensions(bytes: &[u8]) -> Result<Json<ImageInfo>> {
    let (reader, format) = reader(bytes)?;
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| Error::Decode(e.to_string()))?;
    Ok(Json(ImageInfo {
        width,
        height,
        format,
    }))
}

/// Decodes a PNG or JPEG into RGBA8 pixels, refusing images larger than
/// [`MAX_DIMENSION`] on a side or [`MAX_IMAGE_BYTES`] decoded.
pub fn decode_image(bytes: &[u8]) -> Result<DecodedImage> {
    let (mut reader, _) = reader(bytes)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_IMAGE_BYTES);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| Error::Decode(e.to_string()))?
        .to_rgba8();
    Ok(DecodedImage {
        width: img.width(),
        height: img.height(),
        pixels: img.into_raw(),
    })
}

/// Encodes RGBA8 pixels as PNG.
pub fn encode_png(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    let img = rgba_image(pixels, width, height)?;
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|e| Error::Decode(format!("PNG encoding failed: {e}")))?;
    Ok(out.into_inner())
}

fn reader(bytes: &[u8]) -> Result<(ImageReader<Cursor<&[u8]>>, &'static str)> {
    let format = match ::image::guess_format(bytes) {
        Ok(ImageFormat::Png) => "png",
        Ok(ImageFormat::Jpeg) => "jpeg",
        Ok(other) => {
            return Err(Error::Decode(format!(
                "{other:?} images are not supported; send a PNG or JPEG"
            )))
        }
        Err(_) => {
            return Err(Error::Decode(
                "unrecognised image signature; send a PNG or JPEG".into(),
            ))
        }
    };
    let fmt = if format == "png" {
        ImageFormat::Png
    } else {
        ImageFormat::Jpeg
    };
    Ok((ImageReader::with_format(Cursor::new(bytes), fmt), format))
}

fn check_dimensions(wname: &'static str, hname: &'static str, width: u32, height: u32) -> Result<u64> {
    for (name, v) in [(wname, width), (hname, height)] {
        if v == 0 || v > MAX_DIMENSION {
            return Err(Error::invalid(
                name,
                format!("{v} is outside 1..={MAX_DIMENSION}"),
            ));
        }
    }
    let bytes = u64::from(width) * u64::from(height) * 4;
    if bytes > MAX_IMAGE_BYTES {
        return Err(Error::invalid(
            wname,
            format!("{width}x{height} needs {bytes} bytes, over the {MAX_IMAGE_BYTES}-byte limit"),
        ));
    }
    Ok(bytes)
}

fn rgba_image(pixels: &[u8], width: u32, height: u32) -> Result<RgbaImage> {
    let expected = check_dimensions("width", "height", width, height)?;
    if pixels.len() as u64 != expected {
        return Err(Error::BufferSize {
            width,
            height,
            expected,
            actual: pixels.len(),
        });
    }
    RgbaImage::from_raw(width, height, pixels.to_vec()).ok_or(Error::BufferSize {
        width,
        height,
        expected,
        actual: pixels.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> Vec<u8> {
        (0..w * h)
            .flat_map(|i| [(i % 256) as u8, (i * 3 % 256) as u8, (i * 7 % 256) as u8, 255])
            .collect()
    }

    #[test]
    fn grayscale_keeps_alpha_and_equalises_channels() {
        let out = apply_grayscale(&gradient(8, 8), 8, 8).unwrap();
        assert_eq!(out.len(), 8 * 8 * 4);
        for px in out.chunks(4) {
            assert_eq!(px[0], px[1]);
            assert_eq!(px[1], px[2]);
            assert_eq!(px[3], 255);
        }
        assert_eq!(
            apply_grayscale(&[255, 255, 255, 7], 1, 1).unwrap(),
            vec![255, 255, 255, 7]
        );
    }

    #[test]
    fn bad_buffers_are_errors() {
        assert!(matches!(
            apply_grayscale(&[0; 15], 2, 2),
            Err(Error::BufferSize {
                expected: 16,
                actual: 15,
                ..
            })
        ));
        assert!(matches!(
            apply_grayscale(&[], 0, 0),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(resize_image(&[0; 16], 2, 2, 0, 5).is_err());
        assert!(resize_image(&[0; 16], 2, 2, 100_000, 5).is_err());
        assert!(resize_image(&[0; 16], 2, 2, 16_000, 16_000).is_err());
        assert!(process_image(&[0; 16], 2, 2, 1, 1, 0).is_err());
        assert!(process_image(&[0; 16], 2, 2, 0, 1, 80).is_err());
    }

    #[test]
    fn resize_and_process() {
        let px = gradient(40, 20);
        assert_eq!(resize_image(&px, 40, 20, 10, 5).unwrap().len(), 10 * 5 * 4);
        assert_eq!(fit_within(40, 20, 10, 10).unwrap(), (10, 5));
        assert_eq!(process_image(&px, 40, 20, 10, 10, 85).unwrap().len(), 10 * 5 * 4);
        assert_eq!(process_image(&px, 40, 20, 100, 100, 85).unwrap(), px);
        assert_eq!(fit_within(10_000, 1, 100, 100).unwrap(), (100, 1));
    }

    #[test]
    fn png_roundtrip_and_dimensions() {
        let px = gradient(7, 3);
        let png = encode_png(&px, 7, 3).unwrap();
        assert_eq!(
            *image_dimensions(&png).unwrap(),
            ImageInfo {
                width: 7,
                height: 3,
                format: "png"
            }
        );
        let decoded = decode_image(&png).unwrap();
        assert_eq!((decoded.width, decoded.height), (7, 3));
        assert_eq!(decoded.pixels, px);
        assert!(image_dimensions(&png[..20]).is_err());
        assert!(decode_image(b"GIF89a....").is_err());
        let thumb = process_upload(&encode_png(&gradient(40, 20), 40, 20).unwrap(), 10, 10).unwrap();
        assert_eq!(
            *image_dimensions(&thumb).unwrap(),
            ImageInfo {
                width: 10,
                height: 5,
                format: "png"
            }
        );
    }

    #[test]
    fn jpeg_header_and_decode() {
        let rgb = ::image::RgbImage::from_fn(9, 5, |x, y| ::image::Rgb([x as u8 * 20, y as u8 * 40, 128]));
        let mut jpeg = Cursor::new(Vec::new());
        rgb.write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
        let jpeg = jpeg.into_inner();
        assert_eq!(
            *image_dimensions(&jpeg).unwrap(),
            ImageInfo {
                width: 9,
                height: 5,
                format: "jpeg"
            }
        );
        let decoded = decode_image(&jpeg).unwrap();
        assert_eq!(
            (decoded.width, decoded.height, decoded.pixels.len()),
            (9, 5, 9 * 5 * 4)
        );
    }
}
