#!/usr/bin/env python3
"""make bench: CloudMart's release server under wrk, each page next to its practical ceiling.

Then, when given --checkout-bench, orders/s and p99 with 32 concurrent shoppers and sign-in
latency, measured in-process against the embedded store.

For `/` and a product page (anonymous, with a guest cart cookie, and signed in) and the WASM
bundle it reports requests/s and p99 latency at 64 connections, beside the same bytes served from memory by a minimal axum handler (the
ceiling), measured in the same run, alternating, several times (medians are reported: these
machines are shared and noisy). It also reports the storefront's WASM+JS+CSS size, raw and
brotli. All traffic stays on 127.0.0.1 and every wrk run is bounded in time.
Everything printed is also written to bench/REPORT.md, with the commit and the core count.
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
import urllib.parse
import urllib.request

TARGET_SHARE = 0.50  # of the ceiling's req/s, for a shopper's HTML pages
TARGET_ANONYMOUS_SHARE = 0.80  # for a visitor's
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


REPORT = []


def say(line=""):
    """Prints a line of the report and keeps it for bench/REPORT.md."""
    print(line, flush=True)
    REPORT.append(line)


def fetch(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as r:
        return r.read(), r.headers.get("content-type")


def form_action(html, marker):
    """The action of the first form whose markup mentions `marker`."""
    for form in re.findall(r"<form[^>]*>.*?</form>", html, re.S):
        if marker in form:
            return re.search(r'action="([^"]+)"', form).group(1)
    raise SystemExit(f"no form with {marker!r}")


class KeepCookies(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the cookie is on the redirect itself


def post_for_cookie(base, path, fields, name):
    """Posts a form as a browser would and returns the `name=value` cookie it sets."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(base + path, data=data, headers={
        "Origin": base, "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    opener = urllib.request.build_opener(KeepCookies)
    try:
        response = opener.open(request, timeout=10)
        headers = response.headers
    except urllib.error.HTTPError as e:  # the 303 back to the page
        headers = e.headers
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith(name + "=") and not value.startswith(name + "=;"):
            return value.split(";")[0]
    raise SystemExit(f"posting {path} set no {name} cookie")


def wrk(url, seconds, connections, cookie=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
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
        product = "/products/aurora-wireless-headphones"
        product_html = fetch(base + product)[0].decode()
        add = form_action(product_html, 'name="product_id"')
        product_id = re.search(r'name="product_id" value="([^"]+)"', product_html).group(1)
        cart = post_for_cookie(base, add, {"product_id": product_id, "quantity": "1"}, "cm_cart")
        sign_in = form_action(fetch(base + "/account/sign-in")[0].decode(), 'name="password"')
        session = post_for_cookie(base, sign_in, {"email": "customer@cloudmart.test",
                                                   "password": "customer-demo-pass"}, "cm_session")
        pages = {
            "/": ("/", None),
            "product page": (product, None),
            "/ (cart)": ("/", cart),
            "product (cart)": (product, cart),
            "/ (signed in)": ("/", session),
            "product (in)": (product, session),
            "WASM file": (f"/pkg/{wasm}", None),
        }
        specs = []
        for i, (name, (path, cookie)) in enumerate(pages.items()):
            body, content_type = fetch(base + path, cookie)
            file = os.path.join(data, f"body{i}")
            with open(file, "wb") as f:
                f.write(body)
            specs.append(f"/c{i}={file}={content_type}")
        ceiling = subprocess.Popen([args.ceiling, f"127.0.0.1:{ceiling_port}", *specs],
                                   stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        # Warm both up (the page cache fills on the first request).
        for i, (path, cookie) in enumerate(pages.values()):
            wrk(base + path, 1, 8, cookie)
            wrk(f"http://127.0.0.1:{ceiling_port}/c{i}", 1, 8)

        say(f"wrk, {args.connections} connections, {args.seconds}s x {args.rounds} rounds, medians\n")
        say("| target | req/s | p99 ms | ceiling req/s | ceiling p99 ms | share |")
        say("| --- | ---: | ---: | ---: | ---: | ---: |")
        for i, (name, (path, cookie)) in enumerate(pages.items()):
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(wrk(base + path, args.seconds, args.connections, cookie))
                theirs.append(wrk(f"http://127.0.0.1:{ceiling_port}/c{i}", args.seconds, args.connections))
            rps = statistics.median(r for r, _ in ours)
            p99 = statistics.median(p for _, p in ours)
            c_rps = statistics.median(r for r, _ in theirs)
            c_p99 = statistics.median(p for _, p in theirs)
            share = rps / c_rps
            say(f"| {name} | {rps:.0f} | {p99:.2f} | {c_rps:.0f} | {c_p99:.2f} | {share:.0%} |")
            if name != "WASM file":
                target = TARGET_SHARE if cookie else TARGET_ANONYMOUS_SHARE
                if share < target:
                    failed.append(f"{name}: {share:.0%} of the ceiling (target {target:.0%})")
                if p99 > TARGET_P99_MS:
                    failed.append(f"{name}: p99 {p99:.1f} ms (target {TARGET_P99_MS} ms)")
    finally:
        server.send_signal(signal.SIGTERM)
        if ceiling:
            ceiling.kill()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)

    say("\nstorefront bundle (what a first visit downloads):\n")
    say("| file | raw KB | brotli KB |")
    say("| --- | ---: | ---: |")
    total_raw = total_br = 0
    for ext in ("wasm", "js", "css"):
        files = [f for f in glob.glob(os.path.join(args.site, "pkg", f"*.{ext}")) if ".d." not in f]
        for f in files:
            raw = os.path.getsize(f)
            br = os.path.getsize(f + ".br") if os.path.exists(f + ".br") else raw
            total_raw += raw
            total_br += br
            say(f"| {os.path.basename(f)} | {raw / 1024:.1f} | {br / 1024:.1f} |")
    say(f"| total | {total_raw / 1024:.1f} | {total_br / 1024:.1f} |")
    if total_br / 1024 > TARGET_BUNDLE_BROTLI_KB:
        failed.append(f"bundle {total_br / 1024:.0f} KB brotli (target {TARGET_BUNDLE_BROTLI_KB:.0f} KB)")

    if args.checkout_bench:
        say("\ncheckout and sign-in (in-process services, embedded store):\n")
        out = subprocess.run([args.checkout_bench, str(args.seconds)], check=True,
                             capture_output=True, text=True).stdout
        for line in out.strip().splitlines():
            say("    " + line)

    say("\nMISSED: " + "; ".join(failed) if failed else "\nall targets met")
    write_report()
    if failed:
        sys.exit(1)


def write_report():
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    header = [
        "# CloudMart benchmark report",
        "",
        "Written by `make bench` (bench/run.py). Every figure is a median of the rounds below,",
        "each next to its ceiling measured in the same run on the same machine.",
        "",
        f"- commit: `{commit}`{' (with uncommitted changes)' if dirty else ''}",
        f"- cores: {os.cpu_count()}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
    ]
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "REPORT.md"), "w") as f:
        f.write("\n".join(header + REPORT) + "\n")


if __name__ == "__main__":
    main()
