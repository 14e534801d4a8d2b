//! `/admin/audit`: every admin action, newest first, one month at a time, filtered by what
//! it was about and who did it.

use super::pages::{AdminFrame, Failure, Loading};
use domain::audit::{AuditEntry, TargetKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One page of the log as the browser gets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub month: String,
    pub kind: Option<TargetKind>,
    pub actor: String,
    pub entries: Vec<AuditEntry>,
    pub next: Option<String>,
}

impl AuditPage {
    fn href(&self, month: &str, after: Option<&str>) -> String {
        let mut url = format!("/admin/audit?month={month}");
        if let Some(kind) = self.kind {
            url.push_str(&format!("&kind={}", kind.as_str()));
        }
        if !self.actor.is_empty() {
            url.push_str(&format!(
                "&actor={}",
                domain::catalog::percent_encode(&self.actor)
            ));
        }
        if let Some(after) = after {
            url.push_str(&format!(
                "&after={}",
                domain::catalog::percent_encode(after)
            ));
        }
        url
    }
}

/// The log for a month (this one by default), filtered; unreadable filters are ignored.
#[server(prefix = "/api/admin")]
pub async fn admin_audit(
    month: Option<String>,
    kind: Option<String>,
    actor: Option<String>,
    after: Option<String>,
) -> Result<AuditPage, crate::forms::FormError> {
    use domain::audit::{month_of, parse_month, AuditCursor, AuditFilter, AuditLog};
    use domain::time::Timestamp;
    let services = crate::services()?;
    crate::caller::require_admin("/admin/audit").await?;
    let month = month
        .and_then(|m| parse_month(&m).ok())
        .unwrap_or_else(|| month_of(Timestamp::now()));
    let kind = kind.and_then(|k| TargetKind::parse(&k).ok());
    let actor: String = actor
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let filter = AuditFilter {
        kind,
        actor: (!actor.is_empty()).then(|| actor.clone()),
    };
    let after = after.as_deref().and_then(AuditCursor::parse);
    let (entries, next) = AuditLog::new(services.store.clone())
        .page(&month, &filter, after.as_ref(), 50)
        .await?;
    Ok(AuditPage {
        month,
        kind,
        actor,
        entries,
        next: next.map(|c| c.encode()),
    })
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let params = use_query_map()
        .with_untracked(|q| ["month", "kind", "actor", "after"].map(|name| q.get(name)));
    let page = Resource::new(
        move || (),
        move |_| {
            let [month, kind, actor, after] = params.clone();
            admin_audit(month, kind, actor, after)
        },
    );
    view! {
        <Title text="Audit log · Admin" />
        <AdminFrame>
            <h1 class="text-2xl font-bold">"Audit log"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <AuditView page /> }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn AuditView(page: AuditPage) -> impl IntoView {
    let earlier = domain::audit::previous_month(&page.month);
    view! {
        <form method="get" action="/admin/audit" role="search" aria-label="Filter the log" class="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
            <div class="flex flex-col gap-1">
                <label for="audit-month" class="text-sm font-medium">"Month"</label>
                <input id="audit-month" type="month" name="month" value=page.month.clone() class="rounded-md border border-slate-300 px-2 py-1.5" />
            </div>
            <div class="flex flex-col gap-1">
                <label for="audit-kind" class="text-sm font-medium">"About"</label>
                <select id="audit-kind" name="kind" class="rounded-md border border-slate-300 bg-white px-2 py-1.5">
                    <option value="" selected=page.kind.is_none()>"Everything"</option>
                    {TargetKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=page.kind == Some(k)>{k.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="flex flex-col gap-1">
                <label for="audit-actor" class="text-sm font-medium">"By (email contains)"</label>
                <input id="audit-actor" type="search" name="actor" value=page.actor.clone() maxlength="100" class="rounded-md border border-slate-300 px-2 py-1.5" />
            </div>
            <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50">"Apply"</button>
        </form>
        {if page.entries.is_empty() {
            view! { <p class="text-slate-600">{format!("Nothing recorded in {} for this filter.", page.month)}</p> }.into_any()
        } else {
            view! { <AuditTable entries=page.entries.clone() show_target=true /> }.into_any()
        }}
        <nav aria-label="More of the log" class="flex gap-4">
            {page.next.as_deref().map(|next| view! {
                <a href=page.href(&page.month, Some(next)) rel="next" class="font-semibold text-indigo-700 underline">"Older entries"</a>
            })}
            <a href=page.href(&earlier, None) class="font-semibold text-indigo-700 underline">{format!("Show {earlier}")}</a>
        </nav>
    }
}

/// Where an entry's subject is managed in the console.
fn target_href(entry: &AuditEntry) -> Option<String> {
    let id = &entry.target.id;
    match entry.target.kind {
        TargetKind::Product => Some(format!("/admin/products/{id}")),
        TargetKind::Order => Some(format!("/admin/orders/{id}")),
        TargetKind::User => Some(format!("/admin/users/{id}")),
        TargetKind::Ticket => Some(format!("/support/tickets/{id}")),
    }
}

/// Entries with who, when, what, and each changed field's before and after.
#[component]
pub fn AuditTable(entries: Vec<AuditEntry>, show_target: bool) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="mt-2 text-slate-600">"No changes recorded yet."</p> }.into_any();
    }
    view! {
        <div class="mt-2 overflow-x-auto">
            <table class="w-full border-collapse text-sm">
                <thead>
                    <tr class="text-left align-bottom text-slate-600">
                        <th scope="col" class="py-1 pr-3">"When (UTC)"</th>
                        <th scope="col" class="pr-3">"Who"</th>
                        <th scope="col" class="pr-3">"What"</th>
                        {show_target.then(|| view! { <th scope="col" class="pr-3">"About"</th> })}
                        <th scope="col">"Changes"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|entry| view! { <AuditRow entry show_target /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn AuditRow(entry: AuditEntry, show_target: bool) -> impl IntoView {
    let e = entry;
    let href = target_href(&e);
    let label = e.target.label.clone();
    let about = show_target.then(|| {
        let link = match href {
            Some(href) => {
                view! { <a href=href class="text-indigo-700 underline">{label}</a> }.into_any()
            }
            None => label.into_any(),
        };
        view! { <td class="pr-3">{link}</td> }
    });
    view! {
        <tr class="border-t border-slate-200 align-top">
            <td class="py-1 pr-3 whitespace-nowrap">{e.at.datetime_utc()}</td>
            <td class="pr-3">{e.actor.email.as_str().to_owned()}</td>
            <td class="pr-3">{e.action.clone()}</td>
            {about}
            <td>
                <ChangeList changes=e.changes.clone() />
                {(!e.reason.is_empty()).then(|| view! { <p class="text-slate-600">{format!("Reason: {}", e.reason)}</p> })}
            </td>
        </tr>
    }
    .into_any()
}

#[component]
fn ChangeList(changes: Vec<domain::audit::Change>) -> impl IntoView {
    view! {
        <ul role="list">
            {changes.into_iter().map(|c| view! {
                <li>
                    <span class="font-medium">{c.field.clone()}</span>": "
                    {(!c.before.is_empty()).then(|| view! { <del class="text-slate-500">{truncate(&c.before)}</del>" → " })}
                    <ins class="no-underline">{truncate(&c.after)}</ins>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Long values (descriptions) are cut for the table.
fn truncate(text: &str) -> String {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
