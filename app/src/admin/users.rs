//! `/admin/users`: accounts by role, searched; each account's page changes its role or
//! disables it, and shows its history.

use super::pages::{AdminFrame, Failure, Loading};
use super::AuditTable;
use domain::audit::AuditEntry;
use domain::identity::{Role, UserSummary};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

const ROLES: [Role; 3] = [Role::Customer, Role::Support, Role::Admin];

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Customer => "Customers",
        Role::Support => "Support agents",
        Role::Admin => "Admins",
    }
}

/// One page of the user list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserList {
    pub role: Role,
    pub q: String,
    pub users: Vec<UserSummary>,
    pub next: Option<String>,
}

/// An account's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserSummary,
    pub history: Vec<AuditEntry>,
}

/// Accounts with a role (customers when unknown), in email order, optionally searched.
#[server(prefix = "/api/admin")]
pub async fn admin_users(
    role: Option<String>,
    q: Option<String>,
    after: Option<String>,
) -> Result<UserList, crate::forms::FormError> {
    use domain::identity::UserCursor;
    let services = crate::services()?;
    crate::caller::require_admin("/admin/users").await?;
    let role = role
        .and_then(|r| Role::parse(&r).ok())
        .unwrap_or(Role::Customer);
    let q: String = q
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let after = after.as_deref().and_then(UserCursor::parse);
    let (users, next) = services
        .identity
        .list_users(role, &q, after.as_ref(), 25)
        .await?;
    Ok(UserList {
        role,
        q,
        users,
        next: next.map(|c| c.encode()),
    })
}

/// An account and its history; `None` when there is none with this id.
#[server(prefix = "/api/admin")]
pub async fn admin_user(id: String) -> Result<Option<UserDetail>, crate::forms::FormError> {
    use domain::audit::{AuditLog, Target, TargetKind};
    use domain::identity::UserId;
    let services = crate::services()?;
    crate::caller::require_admin("/admin/users").await?;
    let Ok(id) = UserId::parse(&id) else {
        return Ok(None);
    };
    let Some(user) = services.identity.user_summary(&id).await? else {
        return Ok(None);
    };
    let target = Target {
        kind: TargetKind::User,
        id: id.as_str().to_owned(),
        label: String::new(),
    };
    let history = AuditLog::new(services.store.clone())
        .history(&target, 50)
        .await?;
    Ok(Some(UserDetail { user, history }))
}

/// Gives an account a role (`customer`, `support`, `admin`), or `disable`s or `enable`s it.
#[server(prefix = "/api/admin")]
pub async fn admin_change_access(
    id: String,
    change: String,
) -> Result<(), crate::forms::FormError> {
    use crate::forms::invalid;
    use domain::identity::{AccessChange, UserId};
    use domain::FieldError;
    let services = crate::services()?;
    let admin = crate::caller::require_admin("/admin/users").await?;
    let id = UserId::parse(&id)?;
    let change = match change.trim() {
        "disable" => AccessChange::Disable,
        "enable" => AccessChange::Enable,
        role => AccessChange::Role(Role::parse(role).map_err(|_| {
            invalid(vec![FieldError::new(
                "change",
                "must be a role (customer, support, admin), disable or enable",
            )])
        })?),
    };
    services.identity.change_access(&admin, &id, change).await?;
    leptos_axum::redirect(&format!("/admin/users/{}?saved=1", id.as_str()));
    Ok(())
}

#[component]
pub fn AdminUserListPage() -> impl IntoView {
    let params = use_query_map().with_untracked(|q| ["role", "q", "after"].map(|n| q.get(n)));
    let list = Resource::new(
        move || (),
        move |_| {
            let [role, q, after] = params.clone();
            admin_users(role, q, after)
        },
    );
    view! {
        <Title text="Users · Admin" />
        <AdminFrame>
            <h1 class="text-2xl font-bold">"Users"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => view! { <UserListView list /> }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn UserListView(list: UserList) -> impl IntoView {
    let current = list.role;
    let q = domain::catalog::percent_encode(&list.q);
    view! {
        <nav aria-label="Role" class="flex flex-wrap gap-2">
            {ROLES.into_iter().map(|r| view! {
                <a
                    href=format!("/admin/users?role={}", r.as_str())
                    aria-current=(r == current).then_some("page")
                    class="rounded-full border border-slate-300 px-3 py-1 text-sm aria-[current=page]:bg-indigo-600 aria-[current=page]:text-white"
                >
                    {role_label(r)}
                </a>
            }).collect_view()}
        </nav>
        <form method="get" action="/admin/users" role="search" aria-label="Search users" class="flex flex-wrap items-end gap-2">
            <input type="hidden" name="role" value=current.as_str() />
            <div class="flex flex-col gap-1">
                <label for="users-q" class="text-sm font-medium">"Name or email contains"</label>
                <input id="users-q" type="search" name="q" value=list.q.clone() maxlength="100" class="rounded-md border border-slate-300 px-2 py-1.5" />
            </div>
            <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50">"Search"</button>
        </form>
        {if list.users.is_empty() {
            view! { <p class="text-slate-600">"No accounts match."</p> }.into_any()
        } else {
            view! {
                <table class="w-full border-collapse text-sm">
                    <thead>
                        <tr class="text-left text-slate-600">
                            <th scope="col" class="py-1">"Email"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Account"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.users.iter().map(|u| view! {
                            <tr class="border-t border-slate-200">
                                <td class="py-1"><a href=format!("/admin/users/{}", u.account.id.as_str()) class="font-medium text-indigo-700 underline">{u.account.email.as_str().to_owned()}</a></td>
                                <td>{u.account.name.as_str().to_owned()}</td>
                                <td>{if u.disabled { "Disabled" } else { "Active" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {list.next.map(|next| view! {
            <p><a href=format!("/admin/users?role={}&q={q}&after={}", current.as_str(), domain::catalog::percent_encode(&next)) rel="next" class="font-semibold text-indigo-700 underline">"More accounts"</a></p>
        })}
    }
}

#[component]
pub fn AdminUserPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let saved = use_query_map().with_untracked(|q| q.get("saved").is_some());
    let detail = Resource::new(move || (), move |_| admin_user(id.clone()));
    let changing = ServerAction::<AdminChangeAccess>::new();
    let refusal = move || {
        let e = changing.value().get()?.err()?;
        Some(
            view! { <p role="alert" class="rounded-md border border-rose-200 bg-rose-50 p-3 text-rose-900">{e.to_string()}</p> },
        )
    };
    view! {
        <AdminFrame>
            {saved.then(|| view! {
                <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-emerald-900">"The account is updated."</p>
            })}
            {refusal}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(Some(detail)) => view! { <UserView detail changing /> }.into_any(),
                        Ok(None) => view! { <crate::NotFound /> }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn UserView(detail: UserDetail, changing: ServerAction<AdminChangeAccess>) -> impl IntoView {
    let user = detail.user;
    let id = user.account.id.as_str().to_owned();
    let id_for_toggle = id.clone();
    let email = user.account.email.as_str().to_owned();
    let (toggle, toggle_label) = if user.disabled {
        ("enable", "Enable account")
    } else {
        ("disable", "Disable account and sign it out everywhere")
    };
    view! {
        <Title text=format!("{email} · Admin") />
        <h1 class="text-2xl font-bold">{email}</h1>
        <p class="text-slate-700">
            {user.account.name.as_str().to_owned()} " · "
            <strong data-testid="user-role">{user.account.role.as_str()}</strong> " · "
            <span data-testid="user-state">{if user.disabled { "disabled" } else { "active" }}</span>
        </p>
        <div class="grid gap-6 sm:grid-cols-2">
            <ActionForm action=changing>
                <div class="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4">
                    <input type="hidden" name="id" value=id.clone() />
                    <label for="change-role" class="font-medium">"Role"</label>
                    <select id="change-role" name="change" class="rounded-md border border-slate-300 bg-white px-3 py-2">
                        {ROLES.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=r == user.account.role>{r.as_str()}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700">"Change role"</button>
                </div>
            </ActionForm>
            <ActionForm action=changing>
                <div class="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4">
                    <input type="hidden" name="id" value=id_for_toggle />
                    <input type="hidden" name="change" value=toggle />
                    <p class="text-sm text-slate-600">"A disabled account cannot sign in, and its sessions end at once."</p>
                    <button type="submit" class="rounded-md border border-rose-300 bg-white px-4 py-2 font-semibold text-rose-800 hover:bg-rose-50">{toggle_label}</button>
                </div>
            </ActionForm>
        </div>
        <section aria-labelledby="history-title">
            <h2 id="history-title" class="text-lg font-semibold">"History"</h2>
            <AuditTable entries=detail.history show_target=false />
        </section>
    }
}
