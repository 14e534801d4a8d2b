# syntax=docker/dockerfile:1
# CloudMart: build the release site and server, run them as a non-root user on a slim base.
# (Not buildable on the project's own machines, which have no Docker engine; kept correct by
# reading. See README.)

FROM rust:1.95-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown \
    && cargo install --locked cargo-leptos@0.3.10 --features no_downloads
WORKDIR /src
# The wasm-bindgen CLI must match the crate version in Cargo.lock.
COPY Cargo.lock ./
RUN version=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock) \
    && cargo install wasm-bindgen-cli --version "$version"
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV PATH=/src/node_modules/.bin:$PATH
RUN cargo leptos build --release --precompress --split

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin cloudmart \
    && mkdir -p /data \
    && chown cloudmart /data
WORKDIR /app
# hash.txt names the content-hashed bundle files; Leptos reads it next to the binary.
COPY --from=builder /src/target/release/server /app/server
COPY --from=builder /src/target/release/hash.txt /app/hash.txt
COPY --from=builder /src/target/site /app/site
USER 10001
ENV CLOUDMART_ADDR=0.0.0.0:8080 \
    CLOUDMART_DATA_DIR=/data \
    CLOUDMART_LOG_FORMAT=json \
    LEPTOS_SITE_ROOT=/app/site
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["/app/server"]
CMD ["serve"]
