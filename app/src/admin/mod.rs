//! The admin console under `/admin`: for admins only, checked on the server by every page and
//! every server function (all of which live under [`API_PREFIX`]).

mod audit;
mod canned;
mod catalog_csv;
mod catalog_fns;
mod pages;
mod products;
mod server_fns;
mod users;

pub use audit::{AdminAudit, AdminAuditPage, AuditTable};
pub use canned::{
    AdminCannedReplies, AdminCannedRepliesPage, AdminDeleteCannedReply, AdminSaveCannedReply,
};
pub use catalog_csv::{AdminCatalogPage, AdminImportPage, AdminImportProgress};
pub use catalog_fns::{AdminAdjustStock, AdminProduct, AdminProducts, AdminSaveProduct};
pub use pages::{AdminOrderListPage, AdminOrderPage, AdminOverviewPage};
pub use products::{AdminNewProductPage, AdminProductListPage, AdminProductPage};
pub use server_fns::{
    admin_overview, AdminGate, AdminMoveOrder, AdminOrder, AdminOrders, AdminOverview, Overview,
};
pub use users::{AdminChangeAccess, AdminUser, AdminUserListPage, AdminUserPage, AdminUsers};

/// Where every admin server function is mounted. The access test finds them all by it.
pub const API_PREFIX: &str = "/api/admin";
