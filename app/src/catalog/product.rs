//! `/products/{slug}`: one product, with its meta tags, structured data and related products.

use super::components::{StockBadge, TileGrid, BELOW_THE_FOLD};
use super::home::LoadError;
use super::server_fns::{get_product_page, ProductPageData};
use crate::NotFound;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let data = Resource::new(slug, get_product_page);
    view! {
        <Suspense fallback=|| view! { <p role="status" class="py-12 text-center text-slate-600">"Loading product…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(data)) => view! { <ProductView data /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <LoadError /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Schema.org `Product` with an `Offer`, as JSON-LD. `</` is escaped so the text can never
/// close the script element.
fn json_ld(data: &ProductPageData) -> String {
    let p = &data.detail.product;
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p.name,
        "description": p.description,
        "sku": p.slug.as_str(),
        "image": data.image_url,
        "category": p.category.label(),
        "url": data.canonical_url,
        "offers": {
            "@type": "Offer",
            "price": p.price.decimal(),
            "priceCurrency": p.price.currency().code(),
            "availability": p.stock_state().schema_org(),
            "url": data.canonical_url,
        }
    })
    .to_string()
    .replace("</", "<\\/")
}

#[component]
fn ProductView(data: ProductPageData) -> impl IntoView {
    let ld = json_ld(&data);
    let ProductPageData {
        detail,
        canonical_url,
        image_url,
    } = data;
    let p = detail.product;
    let category_href = format!("/?category={}", p.category.slug());
    let summary: String = p.description.chars().take(160).collect();
    view! {
        <Title text=p.name.clone() />
        <Meta name="description" content=summary.clone() />
        <Link rel="canonical" href=canonical_url.clone() />
        <Meta property="og:type" content="product" />
        <Meta property="og:title" content=p.name.clone() />
        <Meta property="og:description" content=summary />
        <Meta property="og:url" content=canonical_url />
        <Meta property="og:image" content=image_url />
        <Meta property="product:price:amount" content=p.price.decimal() />
        <Meta property="product:price:currency" content=p.price.currency().code() />
        <script type="application/ld+json" inner_html=ld></script>

        <nav aria-label="Breadcrumb" class="mb-4 text-sm text-slate-600">
            <ol class="flex flex-wrap gap-1">
                <li>
                    <a href="/" class="hover:text-indigo-700">"Home"</a>
                    " /"
                </li>
                <li>
                    <a href=category_href class="hover:text-indigo-700">{p.category.label()}</a>
                    " /"
                </li>
                <li aria-current="page" class="font-medium text-slate-900">{p.name.clone()}</li>
            </ol>
        </nav>

        <article class="grid gap-6 md:grid-cols-2 md:gap-10">
            <img
                src=p.image.clone()
                alt=p.name.clone()
                width="800"
                height="800"
                fetchpriority="high"
                class="aspect-square w-full rounded-lg bg-slate-100 object-cover"
            />
            <div class="flex flex-col gap-4">
                <p class="text-sm uppercase tracking-wide text-slate-500">{p.category.label()}</p>
                <h1 class="text-3xl font-bold tracking-tight">{p.name.clone()}</h1>
                <p class="text-2xl font-bold">{p.price.format()}</p>
                <StockBadge state=p.stock_state() />
                {(p.stock > 0).then(|| view! { <crate::cart::AddToCart product_id=p.id.as_str().to_owned() max=p.stock /> })}
                <p class="leading-relaxed text-slate-700">{p.description.clone()}</p>
            </div>
        </article>

        {(!detail.related.is_empty())
            .then(|| {
                view! {
                    <section aria-labelledby="related-title" class="mt-12">
                        <h2 id="related-title" class="text-xl font-bold">
                            "More in " {p.category.label()}
                        </h2>
                        <TileGrid
                            cards=detail.related
                            first=BELOW_THE_FOLD
                            class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4 sm:gap-4"
                        />
                    </section>
                }
            })}
    }
}
