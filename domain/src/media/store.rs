//! Where processed images live: any `object_store` (a local folder, S3, GCS, or memory in
//! tests), under content-hashed keys so they can be cached for ever.

use super::{process, MediaError};
use crate::catalog::ProductId;
use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The site path images are served under: `/media/<key>`.
pub const MEDIA_URL_PREFIX: &str = "/media/";

#[derive(Clone)]
pub struct MediaStore {
    objects: Arc<dyn ObjectStore>,
    /// Where the store is, for logs.
    location: String,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStore")
            .field("location", &self.location)
            .finish()
    }
}

fn store_error(e: impl std::fmt::Display) -> MediaError {
    MediaError::Store(e.to_string())
}

impl MediaStore {
    /// A store in memory, gone with the process: for tests.
    pub fn in_memory() -> Self {
        Self {
            objects: Arc::new(object_store::memory::InMemory::new()),
            location: "memory".into(),
        }
    }

    /// A store from configuration: `s3://bucket[/prefix]` (credentials and region from the
    /// usual AWS environment), `gs://bucket[/prefix]` (from the Google environment), or a local
    /// folder path (created if missing).
    pub fn open(location: &str) -> Result<Self, MediaError> {
        let objects: Arc<dyn ObjectStore> = if location.starts_with("s3://") {
            let (bucket, prefix) = bucket_and_prefix(location, "s3://")?;
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()
                .map_err(store_error)?;
            prefixed(Arc::new(s3), prefix)
        } else if location.starts_with("gs://") {
            let (bucket, prefix) = bucket_and_prefix(location, "gs://")?;
            let gcs = object_store::gcp::GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(bucket)
                .build()
                .map_err(store_error)?;
            prefixed(Arc::new(gcs), prefix)
        } else {
            let folder = location.strip_prefix("file://").unwrap_or(location);
            std::fs::create_dir_all(folder).map_err(store_error)?;
            Arc::new(
                object_store::local::LocalFileSystem::new_with_prefix(folder)
                    .map_err(store_error)?,
            )
        };
        Ok(Self {
            objects,
            location: location.to_owned(),
        })
    }

    /// Processes an upload and stores both sizes; returns the large image's site path (the
    /// thumbnail's is [`thumbnail_of`](crate::catalog::thumbnail_of) it).
    #[tracing::instrument(name = "media.put_product_image", skip_all, fields(product = product.as_str()))]
    pub async fn put_product_image(
        &self,
        product: &ProductId,
        upload: Bytes,
    ) -> Result<String, MediaError> {
        let processed = tokio::task::spawn_blocking(move || process(&upload))
            .await
            .map_err(store_error)??;
        let hash = hex::encode(&Sha256::digest(&processed.large)[..8]);
        let base = format!("products/{}/{hash}", product.as_str());
        for (suffix, bytes) in [("thumb", processed.thumb), ("large", processed.large)] {
            let key = Path::from(format!("{base}-{suffix}.jpg"));
            self.objects
                .put(&key, PutPayload::from(bytes))
                .await
                .map_err(store_error)?;
        }
        Ok(format!("{MEDIA_URL_PREFIX}{base}-large.jpg"))
    }

    /// A stored image by key (the part of its URL after [`MEDIA_URL_PREFIX`]); `None` when
    /// there is none, or the key is not one this store writes.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaError> {
        if !is_media_key(key) {
            return Ok(None);
        }
        match self.objects.get(&Path::from(key)).await {
            Ok(found) => Ok(Some(found.bytes().await.map_err(store_error)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }
}

/// Keys look like `products/<uuid>/<16 hex>-(thumb|large).jpg`.
fn is_media_key(key: &str) -> bool {
    let parts: Vec<&str> = key.split('/').collect();
    let [kind, id, file] = parts.as_slice() else {
        return false;
    };
    let Some((hash, size)) = file.split_once('-') else {
        return false;
    };
    *kind == "products"
        && ProductId::parse(id).is_ok_and(|p| p.as_str() == *id)
        && hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && matches!(size, "thumb.jpg" | "large.jpg")
}

fn bucket_and_prefix<'a>(
    location: &'a str,
    scheme: &str,
) -> Result<(&'a str, &'a str), MediaError> {
    let rest = &location[scheme.len()..];
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(MediaError::Store(format!("{location} names no bucket")));
    }
    Ok((bucket, prefix.trim_matches('/')))
}

fn prefixed(objects: Arc<dyn ObjectStore>, prefix: &str) -> Arc<dyn ObjectStore> {
    if prefix.is_empty() {
        objects
    } else {
        Arc::new(object_store::prefix::PrefixStore::new(objects, prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_this_store_writes_are_served() {
        let good = "products/01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f/0123456789abcdef-large.jpg";
        assert!(is_media_key(good));
        for bad in [
            "products/../secrets/0123456789abcdef-large.jpg",
            "products/01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f/0123456789abcdef-large.png",
            "products/01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f/../../etc/passwd",
            "other/01936b2e-7c4a-7b3e-9f1d-2a4b6c8d0e1f/0123456789abcdef-thumb.jpg",
            "",
        ] {
            assert!(!is_media_key(bad), "{bad}");
        }
    }

    #[test]
    fn bucket_urls_split_into_bucket_and_prefix() {
        assert_eq!(
            bucket_and_prefix("s3://shop/media/", "s3://").unwrap(),
            ("shop", "media")
        );
        assert_eq!(
            bucket_and_prefix("gs://shop", "gs://").unwrap(),
            ("shop", "")
        );
        assert!(bucket_and_prefix("s3:///x", "s3://").is_err());
    }
}
