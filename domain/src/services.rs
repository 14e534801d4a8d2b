//! All services of one running shop, built once at start-up and shared by server functions,
//! REST handlers and workers.

use crate::cart::CartService;
use crate::catalog::{CatalogError, CatalogService};
use crate::identity::IdentityService;
use crate::media::MediaStore;
use crate::orders::{OrderFilter, OrderFilterText, OrderService, OrderStatus, ResolvedFilter};
use crate::store::Store;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Services {
    pub store: Store,
    pub catalog: Arc<CatalogService>,
    pub identity: IdentityService,
    pub carts: CartService,
    pub orders: OrderService,
    /// The support desk; offline sentiment until [`Services::with_support`] configures it.
    pub support: crate::support::SupportService,
    /// Catalog imports, kept in the store; the `catalog-imports` worker applies them.
    pub imports: crate::catalog::import_jobs::ImportJobs,
    /// Uploaded images; in memory until [`Services::with_media`] names a real store.
    pub media: MediaStore,
    /// The shopping assistant.
    pub assistant: crate::assistant::AssistantService,
}

impl Services {
    pub async fn start(store: Store) -> Result<Self, CatalogError> {
        let catalog = CatalogService::load(store.clone()).await?;
        let identity = IdentityService::new(store.clone());
        let carts = CartService::new(store.clone(), catalog.clone());
        let orders = OrderService::new(store.clone(), catalog.clone(), carts.clone());
        let imports = crate::catalog::import_jobs::ImportJobs::new(store.clone());
        let support =
            crate::support::SupportService::new(store.clone(), orders.clone(), identity.clone());
        let assistant = crate::assistant::AssistantService::new(
            store.clone(),
            catalog.clone(),
            orders.clone(),
            support.clone(),
        );
        Ok(Self {
            store,
            catalog,
            identity,
            carts,
            orders,
            support,
            assistant,
            imports,
            media: MediaStore::in_memory(),
        })
    }

    /// Reads the admin's order filter: unknown statuses fall back to pending, unreadable dates
    /// and emails are reported (and not applied), and an email is resolved to its account.
    pub async fn resolve_order_filter(
        &self,
        text: &OrderFilterText,
    ) -> Result<ResolvedFilter, crate::identity::IdentityError> {
        use crate::time::{parse_date, Timestamp};
        let status = text
            .status
            .as_deref()
            .and_then(|s| OrderStatus::parse(s).ok())
            .unwrap_or(OrderStatus::Pending);
        let trimmed = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
        let mut filter = OrderFilter::status(status);
        filter.oldest_first = text.sort.as_deref() == Some("oldest");
        let mut problems = Vec::new();
        let from = trimmed(&text.from);
        if !from.is_empty() {
            filter.from = parse_date(&from, "from").map_err(|e| problems.push(e)).ok();
        }
        let to = trimmed(&text.to);
        if !to.is_empty() {
            filter.until = parse_date(&to, "to")
                .map(|t| Timestamp(t.millis() + 86_400_000))
                .map_err(|e| problems.push(e))
                .ok();
        }
        if let (Some(from), Some(until)) = (filter.from, filter.until) {
            if until.millis() <= from.millis() {
                problems.push(crate::FieldError::new("to", "must not be before from"));
                filter.until = None;
            }
        }
        let mut matches_nothing = false;
        let email = trimmed(&text.email);
        if !email.is_empty() {
            match crate::identity::Email::parse(&email) {
                Ok(address) => match self.identity.find_by_email(&address).await? {
                    Some(user) => filter.customer = Some(user.account.id),
                    None => matches_nothing = true,
                },
                Err(_) => problems.push(crate::FieldError::new("email", "is not an email address")),
            }
        }
        Ok(ResolvedFilter {
            filter,
            problems,
            matches_nothing,
        })
    }

    /// The same services, the support desk scoring with `analyzer`, working to `policy` and
    /// closing solved tickets after `auto_close`.
    pub fn with_support(
        self,
        analyzer: crate::support::sentiment::provider::Analyzer,
        policy: crate::support::sla::SlaPolicy,
        auto_close: crate::support::AutoClose,
    ) -> Self {
        let support = self.support.configured(analyzer, policy, auto_close);
        Self {
            assistant: self.assistant.with_desk(support.clone()),
            support,
            ..self
        }
    }

    /// The same services, the assistant answering with `setup`'s model (none: offline).
    pub fn with_assistant_model(self, setup: Option<crate::assistant::ModelSetup>) -> Self {
        Self {
            assistant: self.assistant.with_model(setup),
            ..self
        }
    }

    /// The same services, keeping uploaded images in `media`.
    pub fn with_media(self, media: MediaStore) -> Self {
        Self { media, ..self }
    }
}
