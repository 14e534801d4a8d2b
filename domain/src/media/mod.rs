//! Product images. An upload is identified by its content (magic bytes), never by its name;
//! it is decoded within pixel and memory limits and re-encoded to standard sizes, so nothing a
//! browser sent is ever served as it came. The results are stored through `object_store`: a
//! local folder by default, an S3 or GCS bucket when configured.

mod process;
mod store;

pub use process::{process, sniff, ImageKind, Processed, LARGE_EDGE, MAX_UPLOAD_BYTES, THUMB_EDGE};
pub use store::{MediaStore, MEDIA_URL_PREFIX};

/// Why an image was not accepted or could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("choose an image file")]
    Empty,
    #[error("is larger than 5 MB")]
    TooLarge,
    #[error("is not a PNG, JPEG or WebP image")]
    NotAnImage,
    #[error("could not be read as an image; the file may be damaged")]
    Undecodable,
    #[error("is too large in pixels (at most 10,000 × 10,000)")]
    TooManyPixels,
    #[error("the image store failed: {0}")]
    Store(String),
}

impl MediaError {
    /// Whether the upload itself was at fault (as opposed to the store).
    pub fn is_bad_upload(&self) -> bool {
        !matches!(self, MediaError::Store(_))
    }
}

impl crate::refusal::Explain for MediaError {
    fn refusal(&self) -> crate::refusal::Refusal {
        use crate::refusal::Refusal;
        match self {
            MediaError::Store(_) => Refusal::unavailable(),
            MediaError::TooLarge => Refusal::field(413, "image", self.to_string()),
            bad => Refusal::field(422, "image", bad.to_string()),
        }
    }
}
