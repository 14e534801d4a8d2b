//! `/admin/catalog`: download the catalog as CSV and upload one; `/admin/catalog/import/{id}`
//! follows an import while it runs (refreshing itself, with or without JavaScript) and shows
//! its per-row report.

use super::pages::{AdminFrame, Failure, Loading};
use super::server_fns::admin_gate;
use domain::catalog::{ImportProgress, CSV_COLUMNS};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// Where an import stands; `None` for an id this server does not know.
#[server(prefix = "/api/admin")]
pub async fn admin_import_progress(
    id: String,
) -> Result<Option<ImportProgress>, crate::forms::FormError> {
    let services = crate::services()?;
    crate::caller::require_admin("/admin/catalog").await?;
    Ok(services.imports.progress(&id).await?)
}

#[component]
pub fn AdminCatalogPage() -> impl IntoView {
    let error = use_query_map().with_untracked(|q| q.get("import_error"));
    let gate = Resource::new(|| (), |_| admin_gate("/admin/catalog".into()));
    view! {
        <Title text="Catalog import and export · Admin" />
        <AdminFrame>
            <h1 class="text-2xl font-bold">"Catalog import and export"</h1>
            <Suspense fallback=Loading>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                        match gate.await {
                            Ok(()) => view! { <CatalogCsvForms error /> }.into_any(),
                            Err(e) => view! { <Failure error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn CatalogCsvForms(error: Option<String>) -> impl IntoView {
    let has_error = error.is_some();
    view! {
        <section aria-labelledby="export-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="export-title" class="text-lg font-semibold">"Export"</h2>
            <p class="mt-1 text-slate-700">"Every product in every status, in a file import reads back."</p>
            <a href="/admin/catalog.csv" download class="mt-3 inline-block rounded-md border border-slate-300 px-4 py-2 font-semibold hover:bg-slate-50">"Download catalog CSV"</a>
        </section>
        <section aria-labelledby="import-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="import-title" class="text-lg font-semibold">"Import"</h2>
            <p class="mt-1 text-slate-700">
                "A UTF-8 CSV with the columns " <code>{CSV_COLUMNS.join(", ")}</code>
                ", up to 10,000 rows and 5 MB. A row whose slug exists updates that product, its stock included; any other row creates one. Each row is saved on its own; rows with errors are listed afterwards and change nothing."
            </p>
            <form method="post" action="/admin/catalog/import" enctype="multipart/form-data" class="mt-3 flex flex-col gap-2">
                <label for="field-file" class="font-medium">"CSV file"</label>
                <input
                    id="field-file"
                    type="file"
                    name="file"
                    required
                    accept=".csv,text/csv"
                    aria-invalid=has_error.then_some("true")
                    aria-describedby="field-file-error"
                />
                <p id="field-file-error" role="alert" class="text-sm font-medium text-rose-700">{error}</p>
                <button type="submit" class="w-fit rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700">"Import"</button>
            </form>
        </section>
    }
}

#[component]
pub fn AdminImportPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let progress = Resource::new(move || (), move |_| admin_import_progress(id.clone()));
    view! {
        <Title text="Catalog import · Admin" />
        <AdminFrame>
            <h1 class="text-2xl font-bold">"Catalog import"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match progress.await {
                        Ok(Some(p)) => view! { <ImportView p /> }.into_any(),
                        Ok(None) => view! {
                            <p class="text-slate-700">"There is no such import (reports are kept for 30 days). " <a href="/admin/catalog" class="text-indigo-700 underline">"Start another"</a></p>
                        }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn ImportView(p: ImportProgress) -> impl IntoView {
    let ended = p.finished || p.interrupted;
    let counts = format!(
        "{} created, {} updated, {} unchanged, {} with errors.",
        p.created,
        p.updated,
        p.unchanged,
        p.errors.len()
    );
    let status = if p.finished {
        format!("Finished: {counts}")
    } else if p.interrupted {
        format!(
            "Interrupted after {} of {} rows, when the server stopped: {counts} The rows done \
             are saved; import the file again to finish (rows already imported come back \
             unchanged).",
            p.done, p.total
        )
    } else {
        format!("Importing {}: {} of {} rows…", p.file_name, p.done, p.total)
    };
    view! {
        {(!ended).then(|| view! { <Meta http_equiv="refresh" content="1" /> })}
        <p role="status" data-testid="import-status" class="font-medium">{status}</p>
        <progress max=p.total.max(1) value=p.done aria-label="Rows imported" class="h-3 w-full max-w-xl">{format!("{}%", p.percent())}</progress>
        {(ended && !p.errors.is_empty()).then(|| view! {
            <section aria-labelledby="row-errors-title">
                <h2 id="row-errors-title" class="text-lg font-semibold">"Rows not imported"</h2>
                <table class="mt-2 w-full border-collapse text-sm">
                    <thead><tr class="text-left text-slate-600"><th scope="col" class="py-1 pr-3">"Line"</th><th scope="col">"Why"</th></tr></thead>
                    <tbody>
                        {p.errors.iter().map(|e| view! {
                            <tr class="border-t border-slate-200"><td class="py-1 pr-3">{e.line}</td><td>{e.message.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {p.finished.then(|| view! {
            <p><a href="/admin/products" class="font-semibold text-indigo-700 underline">"See the products"</a></p>
        })}
    }
}
