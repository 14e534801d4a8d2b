#!/usr/bin/env python3
"""make bench: CloudMart's release server under wrk, each page next to its practical ceiling.

Then, when given --checkout-bench, orders/s and p99 with 32 concurrent shoppers and sign-in
latency, measured in-process against the embedded store.

For `/`, a product page and the WASM bundle it reports requests/s and p99 latency at 64
connections, beside the same bytes served from memory by a minimal axum handler (the
ceiling), measured in the same run, alternating, several times (medians are reported: these
machines are shared and noisy). It also reports the storefront's WASM+JS+CSS size, raw and
brotli. All traffic stays on 127.0.0.1 and every wrk run is bounded in time.
Exit status 1 when a target is missed.
"""
import argparse
import glob
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TARGET_SHARE = 0.50  # of the ceiling's req/s, for HTML pages
TARGET_P99_MS = 20.0
TARGET_BUNDLE_BROTLI_KB = 250.0


def wait_ready(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not become ready")


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read(), r.headers.get("content-type")


def wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    value, unit = float(p99.group(1)), p99.group(2)
    p99_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses under load")
    return rps, p99_ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--ceiling", required=True)
    ap.add_argument("--site", default="target/site")
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--checkout-bench", help="the checkout_bench example, run after the pages")
    args = ap.parse_args()

    data = tempfile.mkdtemp(prefix="cloudmart-bench-")
    port, ceiling_port = 3200, 3201
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CLOUDMART_ADDR=f"127.0.0.1:{port}", CLOUDMART_DATA_DIR=data,
               CLOUDMART_LOG="warn", LEPTOS_SITE_ROOT=args.site)
    server = subprocess.Popen([args.server], env=env, stdout=subprocess.DEVNULL)
    ceiling = None
    failed = []
    try:
        wait_ready(base + "/health/ready")
        wasm = os.path.basename(min(glob.glob(os.path.join(args.site, "pkg", "*.wasm")), key=len))
        pages = {
            "/": "/",
            "product page": "/products/aurora-wireless-headphones",
            "WASM file": f"/pkg/{wasm}",
        }
        specs = []
        for i, (name, path) in enumerate(pages.items()):
            body, content_type = fetch(base + path)
            file = os.path.join(data, f"body{i}")
            with open(file, "wb") as f:
                f.write(body)
            specs.append(f"/c{i}={file}={content_type}")
        ceiling = subprocess.Popen([args.ceiling, f"127.0.0.1:{ceiling_port}", *specs],
                                   stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        # Warm both up (the page cache fills on the first request).
        for i, path in enumerate(pages.values()):
            wrk(base + path, 1, 8)
            wrk(f"http://127.0.0.1:{ceiling_port}/c{i}", 1, 8)

        print(f"wrk, {args.connections} connections, {args.seconds}s x {args.rounds} rounds, medians\n")
        print(f"{'target':<14}{'req/s':>10}{'p99 ms':>9}{'ceiling req/s':>15}{'p99 ms':>9}{'share':>8}")
        for i, (name, path) in enumerate(pages.items()):
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(wrk(base + path, args.seconds, args.connections))
                theirs.append(wrk(f"http://127.0.0.1:{ceiling_port}/c{i}", args.seconds, args.connections))
            rps = statistics.median(r for r, _ in ours)
            p99 = statistics.median(p for _, p in ours)
            c_rps = statistics.median(r for r, _ in theirs)
            c_p99 = statistics.median(p for _, p in theirs)
            share = rps / c_rps
            print(f"{name:<14}{rps:>10.0f}{p99:>9.2f}{c_rps:>15.0f}{c_p99:>9.2f}{share:>8.0%}")
            if name != "WASM file":
                if share < TARGET_SHARE:
                    failed.append(f"{name}: {share:.0%} of the ceiling (target {TARGET_SHARE:.0%})")
                if p99 > TARGET_P99_MS:
                    failed.append(f"{name}: p99 {p99:.1f} ms (target {TARGET_P99_MS} ms)")
    finally:
        server.send_signal(signal.SIGTERM)
        if ceiling:
            ceiling.kill()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)

    print("\nstorefront bundle (what a first visit downloads):")
    total_raw = total_br = 0
    for ext in ("wasm", "js", "css"):
        files = [f for f in glob.glob(os.path.join(args.site, "pkg", f"*.{ext}")) if ".d." not in f]
        for f in files:
            raw = os.path.getsize(f)
            br = os.path.getsize(f + ".br") if os.path.exists(f + ".br") else raw
            total_raw += raw
            total_br += br
            print(f"  {os.path.basename(f):<44}{raw / 1024:>9.1f} KB raw{br / 1024:>9.1f} KB brotli")
    print(f"  {'total':<44}{total_raw / 1024:>9.1f} KB raw{total_br / 1024:>9.1f} KB brotli")
    if total_br / 1024 > TARGET_BUNDLE_BROTLI_KB:
        failed.append(f"bundle {total_br / 1024:.0f} KB brotli (target {TARGET_BUNDLE_BROTLI_KB:.0f} KB)")

    if args.checkout_bench:
        print("\ncheckout and sign-in (in-process services, embedded store):")
        out = subprocess.run([args.checkout_bench, str(args.seconds)], check=True,
                             capture_output=True, text=True).stdout
        print("  " + out.strip().replace("\n", "\n  "))

    if failed:
        print("\nMISSED: " + "; ".join(failed))
        sys.exit(1)
    print("\nall targets met")


if __name__ == "__main__":
    main()
