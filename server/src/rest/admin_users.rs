//! The console's account work for admin tokens: list accounts by role, read one, change its
//! role or disable it (audited; disabling ends its sessions and stops its tokens at once).

use super::auth::ApiAdmin;
use super::body::JsonBody;
use super::problems::ApiError;
use super::schema::RoleParam;
use crate::router::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use domain::identity::{AccessChange, Role, UserCursor, UserId, UserSummary};
use domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiUser {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(format = "email")]
    pub email: String,
    pub name: String,
    #[schema(value_type = RoleParam)]
    pub role: &'static str,
    /// A disabled account cannot sign in, and its tokens are refused.
    pub disabled: bool,
}

impl From<UserSummary> for ApiUser {
    fn from(user: UserSummary) -> Self {
        let account = user.account;
        Self {
            id: account.id.as_str().to_owned(),
            email: account.email.as_str().to_owned(),
            name: account.name.as_str().to_owned(),
            role: account.role.as_str(),
            disabled: user.disabled,
        }
    }
}

/// One page of accounts, in email order.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<ApiUser>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Which accounts.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Accounts with this role; `customer` by default.
    #[param(value_type = Option<RoleParam>)]
    pub role: Option<String>,
    /// Part of the email or name.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Accounts per page, 1 to 50; 25 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page, with the same `role` and `q`.
    #[param(pattern = "^[0-9a-f]+$", max_length = 1024)]
    pub cursor: Option<String>,
}

/// The user list's cursor, as hex so it needs no escaping in a URL.
fn encode_cursor(cursor: &UserCursor) -> String {
    hex::encode(cursor.encode())
}

fn decode_cursor(text: &str) -> Option<UserCursor> {
    let bytes = hex::decode(text).ok().filter(|_| text.len() <= 1024)?;
    UserCursor::parse(&String::from_utf8(bytes).ok()?)
}

/// List accounts with a role.
#[utoipa::path(
    get,
    path = "/admin/users",
    tag = "admin",
    security(("token" = ["admin"])),
    params(UsersQuery),
    responses(
        (status = 200, description = "A page of accounts", body = UserPage),
        (status = 403, description = "The token is not an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _: ApiAdmin,
    Query(query): Query<UsersQuery>,
) -> Result<Json<UserPage>, ApiError> {
    let role = query.role.as_deref().map(Role::parse).transpose();
    let limit = domain::field_error::parse_limit(query.limit.as_deref(), 25, 50);
    let after = match query.cursor.as_deref() {
        None => Ok(None),
        Some(text) => decode_cursor(text)
            .map(Some)
            .ok_or_else(|| FieldError::new("cursor", "is not a cursor this API gave out")),
    };
    let q = query.q.unwrap_or_default();
    let q_ok = if q.chars().count() > 100 || q.chars().any(char::is_control) {
        Err(FieldError::new(
            "q",
            "must be at most 100 characters of text",
        ))
    } else {
        Ok(())
    };
    let (role, limit, after) = match (role, limit, after, q_ok) {
        (Ok(role), Ok(limit), Ok(after), Ok(())) => (role.unwrap_or(Role::Customer), limit, after),
        (role, limit, after, q_ok) => {
            return Err(ApiError::invalid(
                [role.err(), limit.err(), after.err(), q_ok.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            ))
        }
    };
    let (users, next) = state
        .services
        .identity
        .list_users(role, &q, after.as_ref(), limit)
        .await?;
    Ok(Json(UserPage {
        items: users.into_iter().map(ApiUser::from).collect(),
        next_cursor: next.as_ref().map(encode_cursor),
    }))
}

fn user_id(text: &str) -> Result<UserId, ApiError> {
    UserId::parse(text)
        .map_err(|_| ApiError::from_service(&domain::identity::IdentityError::NotFound))
}

/// One account.
#[utoipa::path(
    get,
    path = "/admin/users/{id}",
    tag = "admin",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The account's id", format = "uuid")),
    responses(
        (status = 200, description = "The account", body = ApiUser),
        (status = 403, description = "The token is not an admin's `admin` token", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "There is no account with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    _: ApiAdmin,
    Path(id): Path<String>,
) -> Result<Json<ApiUser>, ApiError> {
    let user = state
        .services
        .identity
        .user_summary(&user_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::from_service(&domain::identity::IdentityError::NotFound))?;
    Ok(Json(user.into()))
}

/// A change to an account's access: its role, or whether it is disabled (one or the other).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessPatch {
    #[schema(value_type = Option<RoleParam>)]
    pub role: Option<String>,
    pub disabled: Option<bool>,
}

/// Change an account's role, or disable or enable it.
///
/// The last active admin keeps admin access: taking it away is a 409.
#[utoipa::path(
    patch,
    path = "/admin/users/{id}",
    tag = "admin",
    security(("token" = ["admin"])),
    params(("id" = String, Path, description = "The account's id", format = "uuid")),
    request_body = AccessPatch,
    responses(
        (status = 200, description = "The account as changed", body = ApiUser),
        (status = 404, description = "There is no account with this id", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The change is not allowed (your own access, the last admin)", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or neither or both were sent", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<AccessPatch>,
) -> Result<Json<ApiUser>, ApiError> {
    let id = user_id(&id)?;
    let change = match (patch.role.as_deref(), patch.disabled) {
        (Some(role), None) => AccessChange::Role(Role::parse(role)?),
        (None, Some(true)) => AccessChange::Disable,
        (None, Some(false)) => AccessChange::Enable,
        _ => {
            return Err(ApiError::invalid(vec![FieldError::new(
                "body",
                "send either `role` or `disabled`",
            )]))
        }
    };
    let user = state
        .services
        .identity
        .change_access(&admin, &id, change)
        .await?;
    Ok(Json(user.into()))
}
