//! `/admin/products`: the list, the new-product page and each product's edit page (fields,
//! stock and history).

use super::catalog_fns::{
    admin_product, admin_products, AdminAdjustStock, AdminSaveProduct, ProductEditor,
};
use super::pages::{AdminFrame, Failure, Loading};
use super::server_fns::admin_gate;
use super::AuditTable;
use crate::forms::{
    field_error, form_message, Field, PostedForm, SelectField, SendForm, SubmitButton,
    TextAreaField,
};
use domain::catalog::{AdminProductPage, Category, ProductFields, ProductStatus, SortOrder};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn status_options() -> Vec<(String, String)> {
    [
        ProductStatus::Draft,
        ProductStatus::Active,
        ProductStatus::Archived,
    ]
    .into_iter()
    .map(|s| (s.as_str().to_owned(), status_label(s).to_owned()))
    .collect()
}

fn status_label(status: ProductStatus) -> &'static str {
    match status {
        ProductStatus::Draft => "Draft",
        ProductStatus::Active => "Active",
        ProductStatus::Archived => "Archived",
    }
}

fn category_options() -> Vec<(String, String)> {
    Category::ALL
        .into_iter()
        .map(|c| (c.slug().to_owned(), c.label().to_owned()))
        .collect()
}

/// `/admin/products?q=&status=&category=&sort=&page=`.
#[component]
pub fn AdminProductListPage() -> impl IntoView {
    let params = use_query_map()
        .with_untracked(|q| ["q", "status", "category", "sort", "page"].map(|name| q.get(name)));
    let list = Resource::new(
        move || (),
        move |_| {
            let [q, status, category, sort, page] = params.clone();
            admin_products(q, status, category, sort, page)
        },
    );
    view! {
        <Title text="Products · Admin" />
        <AdminFrame>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h1 class="text-2xl font-bold">"Products"</h1>
                <div class="flex flex-wrap gap-2">
                    <a href="/admin/catalog" class="rounded-md border border-slate-300 px-4 py-2 font-semibold hover:bg-slate-50">"Import / export CSV"</a>
                    <a href="/admin/products/new" class="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700">"New product"</a>
                </div>
            </div>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(page) => view! { <ProductList page /> }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn ProductList(page: AdminProductPage) -> impl IntoView {
    let query = page.query.clone();
    let select_class = "rounded-md border border-slate-300 bg-white px-2 py-1.5";
    let sorts = [
        SortOrder::Newest,
        SortOrder::Name,
        SortOrder::PriceAsc,
        SortOrder::PriceDesc,
    ];
    view! {
        <form method="get" action="/admin/products" role="search" aria-label="Filter products" class="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
            <div class="flex flex-col gap-1">
                <label for="filter-q" class="text-sm font-medium">"Search"</label>
                <input id="filter-q" type="search" name="q" value=query.listing.q.clone() maxlength="100" class="rounded-md border border-slate-300 px-2 py-1.5" />
            </div>
            <div class="flex flex-col gap-1">
                <label for="filter-status" class="text-sm font-medium">"Status"</label>
                <select id="filter-status" name="status" class=select_class>
                    <option value="" selected=query.status.is_none()>"Any"</option>
                    {[ProductStatus::Draft, ProductStatus::Active, ProductStatus::Archived].into_iter().map(|s| view! {
                        <option value=s.as_str() selected=query.status == Some(s)>{status_label(s)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="flex flex-col gap-1">
                <label for="filter-category" class="text-sm font-medium">"Category"</label>
                <select id="filter-category" name="category" class=select_class>
                    <option value="" selected=query.listing.category.is_none()>"Any"</option>
                    {Category::ALL.into_iter().map(|c| view! {
                        <option value=c.slug() selected=query.listing.category == Some(c)>{c.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="flex flex-col gap-1">
                <label for="filter-sort" class="text-sm font-medium">"Sort by"</label>
                <select id="filter-sort" name="sort" class=select_class>
                    {sorts.into_iter().map(|s| view! {
                        <option value=s.param() selected=query.listing.sort == s>{s.label(false)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50">"Apply"</button>
        </form>
        <p role="status" class="text-sm text-slate-600">{format!("{} products", page.total)}</p>
        {if page.items.is_empty() {
            view! { <p class="text-slate-600">"No products match. Try another search or filter."</p> }.into_any()
        } else {
            view! {
                <div class="overflow-x-auto">
                    <table class="w-full border-collapse text-sm">
                        <thead>
                            <tr class="text-left text-slate-600">
                                <th scope="col" class="py-1">"Product"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Category"</th>
                                <th scope="col" class="text-right">"Price"</th>
                                <th scope="col" class="text-right">"Stock"</th>
                                <th scope="col" class="pl-3">"Updated"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.items.iter().map(|p| view! {
                                <tr class="border-t border-slate-200">
                                    <td class="py-1"><a href=format!("/admin/products/{}", p.id.as_str()) class="font-medium text-indigo-700 underline">{p.name.clone()}</a></td>
                                    <td>{status_label(p.status)}</td>
                                    <td>{p.category.label()}</td>
                                    <td class="text-right">{p.price.format()}</td>
                                    <td class="text-right">{p.stock}</td>
                                    <td class="pl-3">{p.updated_at.date_utc()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {(page.page_count > 1).then(|| view! {
            <nav aria-label="Pages" class="flex items-center gap-4">
                {(page.page > 1).then(|| view! { <a href=query.href_page(page.page - 1) rel="prev" class="font-semibold text-indigo-700 underline">"Previous"</a> })}
                <span>{format!("Page {} of {}", page.page, page.page_count)}</span>
                {(page.page < page.page_count).then(|| view! { <a href=query.href_page(page.page + 1) rel="next" class="font-semibold text-indigo-700 underline">"Next"</a> })}
            </nav>
        })}
    }
}

/// `/admin/products/new`.
#[component]
pub fn AdminNewProductPage() -> impl IntoView {
    let gate = Resource::new(|| (), |_| admin_gate("/admin/products/new".into()));
    view! {
        <Title text="New product · Admin" />
        <AdminFrame>
            <h1 class="text-2xl font-bold">"New product"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match gate.await {
                        Ok(()) => view! {
                            <section class="max-w-2xl rounded-lg border border-slate-200 bg-white p-4">
                                <ProductForm prefill=ProductFields { status: "draft".into(), ..Default::default() } id=None read_at=None />
                            </section>
                        }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

/// `/admin/products/{id}`: the product's fields, its stock, and its history.
#[component]
pub fn AdminProductPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let (saved, image_error) =
        use_query_map().with_untracked(|q| (q.get("saved"), q.get("image_error")));
    let editor = Resource::new(move || (), move |_| admin_product(id.clone()));
    let notice = match saved.as_deref() {
        Some("stock") => Some("The stock is updated."),
        Some("image") => Some("The image is saved."),
        Some(_) => Some("The product is saved."),
        None => None,
    };
    view! {
        <AdminFrame>
            {notice.map(|text| view! {
                <p role="status" class="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-emerald-900">{text}</p>
            })}
            <Suspense fallback=Loading>
                {move || {
                    let image_error = image_error.clone();
                    Suspend::new(async move {
                    match editor.await {
                        Ok(Some(editor)) => view! { <ProductEditorView editor image_error /> }.into_any(),
                        Ok(None) => view! { <crate::NotFound /> }.into_any(),
                        Err(e) => view! { <Failure error=e /> }.into_any(),
                    }
                })}}
            </Suspense>
        </AdminFrame>
    }
}

#[component]
fn ProductEditorView(editor: ProductEditor, image_error: Option<String>) -> impl IntoView {
    let p = editor.product;
    let title = p.name.clone();
    let id = p.id.as_str().to_owned();
    let shop_link =
        (p.status == ProductStatus::Active).then(|| format!("/products/{}", p.slug.as_str()));
    view! {
        <Title text=format!("{title} · Admin") />
        <div class="flex flex-wrap items-baseline justify-between gap-2">
            <h1 class="text-2xl font-bold">{title}</h1>
            <p class="text-slate-700">
                <span data-testid="product-status">{status_label(p.status)}</span>
                {shop_link.map(|href| view! { " · " <a href=href class="text-indigo-700 underline">"View in shop"</a> })}
            </p>
        </div>
        <div class="grid gap-8 lg:grid-cols-3">
            <section aria-labelledby="details-title" class="rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2">
                <h2 id="details-title" class="text-lg font-semibold">"Details"</h2>
                <ProductForm prefill=ProductFields::of(&p) id=Some(id.clone()) read_at=Some(p.updated_at.millis()) />
            </section>
            <aside class="flex flex-col gap-6">
                <section aria-labelledby="stock-title" class="rounded-lg border border-slate-200 bg-white p-4">
                    <h2 id="stock-title" class="text-lg font-semibold">"Stock"</h2>
                    <p class="mt-1">"In stock now: " <strong data-testid="stock">{p.stock}</strong></p>
                    <StockForm id=id.clone() />
                </section>
                <ImageForm id=id.clone() image=p.image.clone() name=p.name.clone() error=image_error />
            </aside>
        </div>
        <section aria-labelledby="history-title">
            <h2 id="history-title" class="text-lg font-semibold">"History"</h2>
            <AuditTable entries=editor.history show_target=false />
        </section>
    }
}

/// The product's image and the form that replaces it: a plain multipart post, re-encoded
/// on the server; an error comes back in the URL and is shown next to the file input.
#[component]
fn ImageForm(id: String, image: String, name: String, error: Option<String>) -> impl IntoView {
    let has_error = error.is_some();
    view! {
        <section aria-labelledby="image-title" class="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="image-title" class="text-lg font-semibold">"Image"</h2>
            {(!image.is_empty()).then(|| view! {
                <img src=domain::catalog::thumbnail_of(&image) alt=format!("Current image of {name}") class="mt-2 aspect-square w-40 rounded-md border border-slate-200 object-cover" />
            })}
            <form method="post" action=format!("/admin/products/{id}/image") enctype="multipart/form-data" class="mt-3 flex flex-col gap-2">
                <label for="field-image" class="font-medium">"New image"</label>
                <input
                    id="field-image"
                    type="file"
                    name="image"
                    required
                    accept="image/png,image/jpeg,image/webp"
                    aria-invalid=has_error.then_some("true")
                    aria-describedby="field-image-hint field-image-error"
                />
                <p id="field-image-hint" class="text-sm text-slate-600">"PNG, JPEG or WebP, up to 5 MB. It is resized to a thumbnail and a large image."</p>
                <p id="field-image-error" role="alert" class="text-sm font-medium text-rose-700">{error}</p>
                <button type="submit" class="rounded-md border border-slate-300 bg-white px-4 py-2 font-semibold hover:bg-slate-50">"Upload image"</button>
            </form>
        </section>
    }
}

/// The product's fields. Creating (no `id`) also asks for the first stock count.
#[component]
fn ProductForm(prefill: ProductFields, id: Option<String>, read_at: Option<i64>) -> impl IntoView {
    let form = PostedForm::<AdminSaveProduct>::new();
    let value = form.value();
    let creating = id.is_none();
    let f = prefill;
    view! {
        <SendForm form id="product-form">
            <div class="mt-4 flex flex-col gap-4">
                {form_message(value)}
                {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
                {read_at.map(|t| view! { <input type="hidden" name="read_at" value=t.to_string() /> })}
                <Field label="Name" name="name" autocomplete="off" maxlength=120 value=f.name error=field_error(value, "name") />
                <Field
                    label="URL name (slug)"
                    name="slug"
                    autocomplete="off"
                    maxlength=80
                    required=false
                    hint="Lowercase letters, digits and hyphens. Leave empty to make one from the name."
                    value=f.slug
                    error=field_error(value, "slug")
                />
                <TextAreaField label="Description" name="description" maxlength=5000 value=f.description error=field_error(value, "description") />
                <div class="grid gap-4 sm:grid-cols-2">
                    <Field label="Price (USD)" name="price" autocomplete="off" maxlength=16 hint="For example 24.99" value=f.price error=field_error(value, "price") />
                    <SelectField label="Category" name="category" options=category_options() selected=f.category error=field_error(value, "category") />
                    <SelectField label="Status" name="status" options=status_options() selected=f.status error=field_error(value, "status") />
                    {creating.then(|| view! {
                        <Field label="Stock" name="stock" kind="number" autocomplete="off" value="0" error=field_error(value, "stock") />
                    })}
                </div>
                <label class="flex items-center gap-2">
                    <input type="checkbox" name="featured" checked=f.featured.is_some() class="h-4 w-4" />
                    "Featured: leads the shop's default ordering"
                </label>
                <SubmitButton idle=if creating { "Create product" } else { "Save changes" } busy="Saving…" />
            </div>
        </SendForm>
    }
}

/// Set the stock or move it up or down, with the reason.
#[component]
fn StockForm(id: String) -> impl IntoView {
    let form = PostedForm::<AdminAdjustStock>::new();
    let value = form.value();
    let modes = vec![
        ("delta".to_owned(), "Add or remove (+5, -3)".to_owned()),
        ("set".to_owned(), "Set to exactly".to_owned()),
    ];
    view! {
        <SendForm form id="stock-form">
            <div class="mt-3 flex flex-col gap-3">
                {form_message(value)}
                <input type="hidden" name="id" value=id />
                <SelectField label="Change" name="mode" options=modes selected="delta" error=field_error(value, "mode") />
                <Field label="Amount" name="amount" autocomplete="off" maxlength=9 error=field_error(value, "amount") />
                <Field label="Reason" name="reason" autocomplete="off" maxlength=200 hint="Kept in the history." error=field_error(value, "reason") />
                <SubmitButton idle="Update stock" busy="Updating…" />
            </div>
        </SendForm>
    }
}
