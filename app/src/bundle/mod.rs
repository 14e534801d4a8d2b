//! The browser bundle's files as the page links them: the stylesheet in the head, and the
//! page's script ([`PageScript`]): the forms' sender (`forms.js`, which sends forms in
//! place) and the islands' loader (`islands.js`), which starts the WASM only on a page with an
//! island, once the browser is idle, and does not preload it, so nothing competes with the
//! first paint's image and styles.
//!
//! With `hash_files` (release builds), cargo-leptos writes each file's content hash into the
//! hash file next to the server binary; the names are read from it once per process, not on
//! every render.

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use std::sync::OnceLock;

const FORMS: &str = include_str!("forms.js");
const LOADER: &str = include_str!("islands.js");

/// The bundle's URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    js: String,
    wasm: String,
    css: String,
}

impl Files {
    /// The URLs for `options`, with the hashes of `hashes` (the hash file's `kind: hash`
    /// lines) when given.
    fn named(options: &LeptosOptions, hashes: Option<&str>) -> Self {
        let hash_of = |kind: &str| {
            hashes?.lines().find_map(|line| {
                let (k, hash) = line.split_once(':')?;
                (k.trim() == kind).then(|| format!(".{}", hash.trim()))
            })
        };
        let url = |kind: &str, ext: &str| {
            format!(
                "/{}/{}{}.{ext}",
                options.site_pkg_dir,
                options.output_name,
                hash_of(kind).unwrap_or_default()
            )
        };
        Self {
            js: url("js", "js"),
            wasm: url("wasm", "wasm"),
            css: url("css", "css"),
        }
    }

    /// This build's URLs, read once per process.
    pub fn of(options: &LeptosOptions) -> &'static Files {
        static FILES: OnceLock<Files> = OnceLock::new();
        FILES.get_or_init(|| {
            let hashes = options
                .hash_files
                .then(|| {
                    let exe = std::env::current_exe().ok()?;
                    std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
                })
                .flatten();
            Files::named(options, hashes.as_deref())
        })
    }
}

/// The stylesheet, render-blocking as it must be.
#[component]
pub fn Stylesheet(files: &'static Files) -> impl IntoView {
    view! { <link rel="stylesheet" id="leptos" href=files.css.as_str() /> }
}

/// The page's script: the forms' sender and the islands' loader, built once. Islands mode
/// renders the rest of the page as not hydrating, as Leptos's own loader component does.
#[component]
pub fn PageScript(files: &'static Files) -> impl IntoView {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    static SCRIPT: OnceLock<String> = OnceLock::new();
    let script = SCRIPT.get_or_init(|| {
        let code = format!("{FORMS}{LOADER}({:?}, {:?});", files.js, files.wasm);
        without_comments(&code)
    });
    view! { <script type="module">{script.as_str()}</script> }
}

/// `code` without its comment lines and indentation: the scripts are documented in their
/// files, and every page carries them.
fn without_comments(code: &str) -> String {
    code.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_script_is_sent_without_its_comments() {
        let code = "// what it does\n(() => {\n  // why\n  run('//x');\n})\n";
        assert_eq!(without_comments(code), "(() => {\nrun('//x');\n})");
        for script in [FORMS, LOADER] {
            let kept = without_comments(script);
            assert!(
                !kept.contains("</script"),
                "the script cannot end its element early"
            );
            assert!(
                kept.lines().all(|l| !l.contains(" // ")),
                "every comment is on a line of its own"
            );
        }
    }

    fn options() -> LeptosOptions {
        LeptosOptions::builder().output_name("cloudmart").build()
    }

    #[test]
    fn hashed_names_come_from_the_hash_file_and_unhashed_ones_from_the_output_name() {
        let hashed = Files::named(
            &options(),
            Some("js: abc\nwasm: d-e_f\ncss: 123\nsplit: x\n"),
        );
        assert_eq!(hashed.js, "/pkg/cloudmart.abc.js");
        assert_eq!(hashed.wasm, "/pkg/cloudmart.d-e_f.wasm");
        assert_eq!(hashed.css, "/pkg/cloudmart.123.css");
        let plain = Files::named(&options(), None);
        assert_eq!(plain.js, "/pkg/cloudmart.js");
        assert_eq!(plain.wasm, "/pkg/cloudmart.wasm");
        assert_eq!(plain.css, "/pkg/cloudmart.css");
    }
}
