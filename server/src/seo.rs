//! `/sitemap.xml` and `/robots.txt`, from the catalog snapshot (no store call).

use crate::router::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use domain::catalog::Category;
use domain::markup::escape;

pub async fn sitemap(State(state): State<AppState>) -> impl IntoResponse {
    let base = &state.public_url;
    let entries = state.services.catalog.sitemap();
    let mut xml = String::with_capacity(200 + entries.len() * 160);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push('\n');
    xml.push_str(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#);
    xml.push('\n');
    xml.push_str(&format!("<url><loc>{}/</loc></url>\n", escape(base)));
    for category in Category::ALL {
        xml.push_str(&format!(
            "<url><loc>{}/?category={}</loc></url>\n",
            escape(base),
            category.slug()
        ));
    }
    for entry in entries {
        xml.push_str(&format!(
            "<url><loc>{}/products/{}</loc><lastmod>{}</lastmod></url>\n",
            escape(base),
            escape(&entry.slug),
            entry.updated.date_utc()
        ));
    }
    xml.push_str("</urlset>\n");
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        xml,
    )
}

pub async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        format!(
            "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /cart\nDisallow: /account\nDisallow: /admin\nDisallow: /support\nDisallow: /assistant\n\nSitemap: {}/sitemap.xml\n",
            state.public_url
        ),
    )
}
