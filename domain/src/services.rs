//! All services of one running shop, built once at start-up and shared by server functions,
//! REST handlers and workers.

use crate::cart::CartService;
use crate::catalog::{CatalogError, CatalogService};
use crate::identity::IdentityService;
use crate::media::MediaStore;
use crate::orders::OrderService;
use crate::store::Store;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Services {
    pub store: Store,
    pub catalog: Arc<CatalogService>,
    pub identity: IdentityService,
    pub carts: CartService,
    pub orders: OrderService,
    /// Catalog imports running in this process.
    pub imports: crate::catalog::import::ImportJobs,
    /// Uploaded images; in memory until [`Services::with_media`] names a real store.
    pub media: MediaStore,
}

impl Services {
    pub async fn start(store: Store) -> Result<Self, CatalogError> {
        let catalog = CatalogService::load(store.clone()).await?;
        let identity = IdentityService::new(store.clone());
        let carts = CartService::new(store.clone(), catalog.clone());
        let orders = OrderService::new(store.clone(), catalog.clone(), carts.clone());
        Ok(Self {
            store,
            catalog,
            identity,
            carts,
            orders,
            imports: Default::default(),
            media: MediaStore::in_memory(),
        })
    }

    /// The same services, keeping uploaded images in `media`.
    pub fn with_media(self, media: MediaStore) -> Self {
        Self { media, ..self }
    }
}
