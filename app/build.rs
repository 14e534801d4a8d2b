//! Sets `cfg(wasm_split)` when the browser build is split into lazily loaded parts
//! (`cargo leptos build --split`, which links the WASM with `--emit-relocs`). The islands are
//! lazy exactly then: each is fetched on the first page that shows it, so a shopper never
//! downloads the console's forms. A build without `--split` (`cargo leptos watch`) keeps every
//! island in the one module, which needs no splitting step.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wasm_split)");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let wasm =
        std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "wasm"));
    let split = std::env::var("CARGO_ENCODED_RUSTFLAGS")
        .is_ok_and(|flags| flags.split('\x1f').any(|f| f.contains("--emit-relocs")));
    if wasm && split {
        println!("cargo::rustc-cfg=wasm_split");
    }
}
