# CloudMart: `make run` serves the shop, `make test` runs every test. Both install what is
# missing first; every install step is skipped when it is already done.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
SERVER_BIN := $(TARGET_DIR)/release/server
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The Python test tools (Schemathesis), pinned in api-fuzz/requirements.txt.
VENV := .venv
PYTHON_TOOLS := $(VENV)/.installed

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# The variables cargo-leptos sets while compiling: tests built with the same values reuse its
# compiled dependencies instead of building them a second time.
export LEPTOS_OUTPUT_NAME := cloudmart
export LEPTOS_SITE_ROOT := target/site
export LEPTOS_SITE_PKG_DIR := pkg
export LEPTOS_HASH_FILES := true
export LEPTOS_HASH_FILE_NAME := hash.txt

.PHONY: help run build test test-rust test-e2e test-api lint bench setup tools rust-tools node-tools \
	browser bench-tools demo-images watch clean

help:
	@echo "make run    - build (release) and serve CloudMart on http://127.0.0.1:3000"
	@echo "make test   - run every test: unit, integration (dynoxide), API fuzzing, browser end-to-end"
	@echo "make lint   - rustfmt check and clippy (-D warnings) per package"
	@echo "make bench  - load-test the release server with wrk and report sizes"
	@echo "make watch  - cargo leptos watch (hot reload for development)"

## ---- set-up (idempotent) -------------------------------------------------------------

setup: rust-tools node-tools

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" \
		|| cargo install --locked cargo-leptos@$(CARGO_LEPTOS_VERSION) --features no_downloads
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
		|| cargo install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

node-tools: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

browser:
	@command -v chromium >/dev/null \
		|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

bench-tools:
	@command -v wrk >/dev/null && command -v brotli >/dev/null \
		|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends wrk brotli; }

## ---- build and run --------------------------------------------------------------------

build: setup
	cargo leptos build --release --precompress --split

run: build
	CLOUDMART_ADDR=$${CLOUDMART_ADDR:-127.0.0.1:3000} $(SERVER_BIN)

watch: setup
	cargo leptos watch

demo-images:
	cargo run --release -p server -- demo-images public/images/demo

## ---- tests ------------------------------------------------------------------------------

test: build browser $(PYTHON_TOOLS)
	cargo fmt --all -- --check
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory test-api
	$(MAKE) --no-print-directory test-e2e

test-rust:
	cargo test --release --workspace --exclude frontend

# Schemathesis against the release server's own OpenAPI document (api-fuzz/run.py).
test-api: $(PYTHON_TOOLS)
	$(VENV)/bin/python api-fuzz/run.py --server $(SERVER_BIN)

$(PYTHON_TOOLS): api-fuzz/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r api-fuzz/requirements.txt
	touch $@

test-e2e:
	cd end2end && SERVER_BIN=$(abspath $(SERVER_BIN)) npx playwright test

lint: setup
	cargo fmt --all -- --check
	cargo clippy --release -p domain --features ssr --all-targets -- -D warnings
	cargo clippy --release -p app --features ssr --all-targets -- -D warnings
	cargo clippy --release -p server --all-targets -- -D warnings
	cargo clippy --release -p frontend --target wasm32-unknown-unknown -- -D warnings

## ---- benchmark --------------------------------------------------------------------------

bench: build bench-tools
	cargo build --release -p server --example ceiling --example checkout_bench
	python3 bench/run.py --server $(SERVER_BIN) --ceiling $(TARGET_DIR)/release/examples/ceiling \
		--checkout-bench $(TARGET_DIR)/release/examples/checkout_bench

clean:
	cargo clean
	rm -rf node_modules data $(VENV)
