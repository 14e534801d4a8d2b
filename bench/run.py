#!/usr/bin/env python3
"""make bench: CloudMart's release server under wrk, each page next to its practical ceiling.

Then, when given --checkout-bench (the checkout_bench example):
- the server's resident memory at rest and after the page runs;
- mixed load: anonymous `/` under wrk while 32 shoppers check out continuously through a second
  replica on the same store, beside the ceiling under the same load, with the page cache's hit
  ratio over the run (from /metrics);
- checkout orders/s and p99 with 32 concurrent shoppers, beside a bare TransactWriteItems of
  the same items (the store's own ceiling), and sign-in latency;
- checkout through the REST API: 32 clients, each with its own account and token, adding a
  line and placing an order (with an Idempotency-Key) over HTTP, orders/s and p99;
- the offline assistant: answer p50/p95 with 16 conversations at once, and the grounding
  check's share of an answer;
- a 100,000-product catalog: start-up load time, memory, search latency, a refresh's cost.

For `/` and a product page (anonymous, with a guest cart cookie, and signed in), the REST API's
`GET /api/v1/products` and the WASM bundle it reports requests/s and p99 latency at 64 connections, beside the same response (body and headers) served from memory by a minimal axum handler (the
ceiling), measured in the same run, alternating, several times (medians are reported: these
machines are shared and noisy). It also reports the storefront's WASM+JS+CSS size, raw and
brotli. All traffic stays on 127.0.0.1 and every wrk run is bounded in time.
Everything printed is also written to bench/REPORT.md, with the commit and the core count.
Exit status 1 when a target is missed.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import http.client
import urllib.parse
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from serving import wait_ready  # noqa: E402

TARGET_SHARE = 0.50  # of the ceiling's req/s, for a shopper's HTML pages
TARGET_ANONYMOUS_SHARE = 0.80  # for a visitor's
TARGET_API_SHARE = 0.50  # for `GET /api/v1/products`
TARGET_P99_MS = 20.0
TARGET_BUNDLE_BROTLI_KB = 100.0
TARGET_MIXED_SHARE = 0.50  # anonymous `/` under checkout load, of the ceiling under the same load
TARGET_HIT_RATIO = 0.95
TARGET_ORDERS_PER_S = 1000.0  # or this share of the bare transaction's rate, if that is lower
TARGET_ORDERS_SHARE = 0.80
TARGET_REST_MB = 60.0
TARGET_AFTER_BENCH_MB = 100.0
CATALOG_PRODUCTS = 100_000
TARGET_LARGE_CATALOG_MB = 400.0
# A fresh render of `/` (a URL the page cache does not keep) cost ~0.75 ms of server CPU when
# issue 10 was filed; the target is a quarter of that.
TARGET_FRESH_RENDER_CPU_MS = 0.75 / 4
SUPPORT_OPEN_TICKETS = 500
TARGET_SENTIMENT_PER_S = 100_000.0  # offline sentiment, messages per second on one core
TARGET_QUEUE_RPS = 1_000.0  # the support queue page, an agent signed in, 500 open tickets
# The queue is measured with 16 connections: a desk's agents each reload a page or two at a
# time; 64 would measure only queueing (at 64, mean latency is 64 / req/s by Little's law).
QUEUE_CONNECTIONS = 16
# The offline assistant, 16 conversations at once, through the assistant service and the store.
TARGET_ASSISTANT_P95_MS = 50.0
TARGET_GROUNDING_SHARE = 0.05  # of the p50 answer


REPORT = []


def say(line=""):
    """Prints a line of the report and keeps it for bench/REPORT.md."""
    print(line, flush=True)
    REPORT.append(line)


def fetch(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as r:
        return r.read(), r.headers.get("content-type")


def ceiling_route(url, cookie, directory, name):
    """Saves the response to `url` (body and headers) for the ceiling to replay, and returns
    its route spec: the ceiling answers with the same bytes, headers included."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as r:
        body, headers = r.read(), "".join(f"{k}: {v}\n" for k, v in r.headers.items())
    body_file, headers_file = (os.path.join(directory, name + ext) for ext in (".body", ".headers"))
    with open(body_file, "wb") as f:
        f.write(body)
    with open(headers_file, "w") as f:
        f.write(headers)
    return f"/{name}={body_file}={headers_file}"


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


def resident_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def metric(base, name):
    """The value of an unlabelled metric on the server's /metrics."""
    text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    return float(re.search(rf"^{name} ([\d.e+]+)$", text, re.M).group(1))


def page_cache_lookups(base):
    """(hits, misses) of the server's page cache, from /metrics."""
    text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    found = dict(re.findall(r'cloudmart_page_cache_lookups_total\{result="(\w+)"\} (\d+)', text))
    return int(found.get("hit", 0)), int(found.get("miss", 0))


class SharedStore:
    """The embedded store in a process of its own, so servers and replicas can share it."""

    def __init__(self, args, prefix):
        self.data = tempfile.mkdtemp(prefix=prefix)
        self.process = subprocess.Popen([args.checkout_bench, "store", os.path.join(self.data, "db")],
                                        stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        self.others = []

    def server_env(self, args, port):
        return dict(os.environ, CLOUDMART_ADDR=f"127.0.0.1:{port}", CLOUDMART_DATA_DIR=self.data,
                    CLOUDMART_STORE=self.url, CLOUDMART_LOG="warn", LEPTOS_SITE_ROOT=args.site)

    def start(self, command, **kwargs):
        process = subprocess.Popen(command, **kwargs)
        self.others.append(process)
        return process

    def close(self):
        for process in reversed(self.others):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.data, ignore_errors=True)


def large_catalog(args, failed):
    """The server on a 100,000-product catalog: start-up, memory, searches, one sale's refresh."""
    store = SharedStore(args, "cloudmart-large-")
    port = 3220
    base = f"http://127.0.0.1:{port}"
    try:
        written = subprocess.run([args.checkout_bench, "catalog-write", store.url,
                                  str(CATALOG_PRODUCTS)], check=True, capture_output=True,
                                 text=True).stdout.strip()
        started = time.time()
        server = store.start([args.server], env=store.server_env(args, port),
                             stdout=subprocess.DEVNULL)
        wait_ready(base + "/health/ready", seconds=600)
        ready = time.time() - started
        rest_mb = resident_mb(server.pid)
        renders = {}
        for name, path in [("`/` (first render)", "/"), ("search `lamp`", "/?q=lamp"),
                           ("search `cedar jacket`", "/?q=cedar+jacket"),
                           ("search `summit` page 3", "/?q=summit&page=3"),
                           ("search with no match (suggestion)", "/?q=qartz"),
                           ("category listing", "/?category=books&sort=price-asc")]:
            t = time.time()
            fetch(base + path)
            renders[name] = (time.time() - t) * 1000
        read_before = metric(base, "cloudmart_catalog_refresh_products_read_total")
        sold = subprocess.run([args.checkout_bench, "sellout", store.url], check=True,
                              capture_output=True, text=True).stdout.strip()
        t = time.time()
        while b"Sold out" not in fetch(base + sold)[0]:
            if time.time() - t > 15:
                raise SystemExit(f"{sold} not sold out after 15 s")
            time.sleep(0.1)
        shown_after = time.time() - t
        time.sleep(8)  # past the feed's settling window: every re-read is counted
        read = metric(base, "cloudmart_catalog_refresh_products_read_total") - read_before
        after_mb = resident_mb(server.pid)
        say(f"\na catalog of {CATALOG_PRODUCTS:,} products: the server against a store of its own\n")
        say("    " + written)
        say("\n| figure | value |")
        say("| --- | ---: |")
        say(f"| start-up to ready (loads every product, paged) | {ready:.1f} s |")
        say(f"| resident memory when ready | {rest_mb:.0f} MB (goal {TARGET_LARGE_CATALOG_MB:.0f}) |")
        for name, ms in renders.items():
            say(f"| {name}, a fresh render | {ms:.0f} ms |")
        say(f"| a sale on another replica sells a product out: shown after | {shown_after:.1f} s |")
        say(f"| products the refresher read for that sale (settling re-reads included) | {read:.0f} |")
        say(f"| resident memory after | {after_mb:.0f} MB |")
        if max(rest_mb, after_mb) > TARGET_LARGE_CATALOG_MB:
            failed.append(f"{CATALOG_PRODUCTS:,} products: {max(rest_mb, after_mb):.0f} MB"
                          f" (goal {TARGET_LARGE_CATALOG_MB:.0f} MB)")
    finally:
        store.close()


def cpu_seconds(pid):
    """User + system CPU the process has used so far, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_request(pid, url, seconds, connections):
    """(server CPU ms per request, req/s, p99 ms) of a wrk run against the process `pid`."""
    before = cpu_seconds(pid)
    rps, p99, requests = wrk(url, seconds, connections, total=True)
    return (cpu_seconds(pid) - before) * 1000 / requests, rps, p99


def wrk(url, seconds, connections, cookie=None, total=False):
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
    if total:
        return rps, p99_ms, int(re.search(r"(\d+) requests in", out).group(1))
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
               CLOUDMART_LOG="warn", LEPTOS_SITE_ROOT=args.site, CLOUDMART_API_RATE_LIMIT="0")
    server = subprocess.Popen([args.server], env=env, stdout=subprocess.DEVNULL)
    ceiling = None
    failed = []
    memory = {}
    try:
        wait_ready(base + "/health/ready")
        time.sleep(2)  # let start-up settle (demo seeding, the first refresh)
        memory["at rest (demo catalog, after start-up)"] = resident_mb(server.pid)
        wasm = os.path.basename(glob.glob(os.path.join(args.site, "pkg", "cloudmart.*.wasm"))[0])
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
            "GET /api/v1/products": ("/api/v1/products", None),
            "WASM file": (f"/pkg/{wasm}", None),
        }
        specs = [ceiling_route(base + path, cookie, data, f"c{i}")
                 for i, (path, cookie) in enumerate(pages.values())]
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
                target = (TARGET_API_SHARE if path.startswith("/api/") else
                          TARGET_SHARE if cookie else TARGET_ANONYMOUS_SHARE)
                if share < target:
                    failed.append(f"{name}: {share:.0%} of the ceiling (target {target:.0%})")
                if p99 > TARGET_P99_MS:
                    failed.append(f"{name}: p99 {p99:.1f} ms (target {TARGET_P99_MS} ms)")
        fresh_render(server.pid, ceiling.pid, base, ceiling_port, args, failed)
        memory["after every page run above"] = resident_mb(server.pid)
        downloads = page_downloads(base)
    finally:
        server.send_signal(signal.SIGTERM)
        if ceiling:
            ceiling.kill()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)

    say("\nwhat a first visit downloads from /pkg (WASM + JS + CSS, brotli as served, measured in"
        " Chromium with an empty cache), with the page's inline script at its brotli size:\n")
    say("| page | for | files | KB | target KB |")
    say("| --- | --- | ---: | ---: | ---: |")
    for visit in downloads["pages"]:
        kb = sum(size for _, size in visit["files"]) / 1024
        shopper = visit["audience"] == "shopper"
        target = f"{TARGET_BUNDLE_BROTLI_KB:.0f}" if shopper else "-"
        say(f"| {visit['page']} | {visit['audience']} | {len(visit['files'])} | {kb:.1f} | {target} |")
        if shopper and kb > TARGET_BUNDLE_BROTLI_KB:
            failed.append(f"{visit['page']} downloads {kb:.0f} KB (target {TARGET_BUNDLE_BROTLI_KB:.0f} KB)")
    shopper_files = {path for visit in downloads["pages"] if visit["audience"] == "shopper"
                     for path, _ in visit["files"]}
    staff_only = {(path, size) for visit in downloads["pages"] if visit["audience"] == "staff"
                  for path, size in visit["files"] if path not in shopper_files}
    say(f"\nstaff-only files (fetched by the console, by no shopper page): {len(staff_only)}, "
        f"{sum(size for _, size in staff_only) / 1024:.1f} KB brotli")

    say("\nserver resident memory:\n")
    say("| when | MB | target MB |")
    say("| --- | ---: | ---: |")
    for (when, mb), target in zip(memory.items(), (TARGET_REST_MB, TARGET_AFTER_BENCH_MB)):
        say(f"| {when} | {mb:.0f} | {target:.0f} |")
        if mb > target:
            failed.append(f"memory {when}: {mb:.0f} MB (target {target:.0f} MB)")

    if args.checkout_bench:
        mixed_load(args, failed)
        checkout(args, failed)
        api_checkout(args, failed)
        support_desk(args, failed)
        assistant(args, failed)
        large_catalog(args, failed)

    say("\nMISSED: " + "; ".join(failed) if failed else "\nall targets met")
    write_report()
    if failed:
        sys.exit(1)


def fresh_render(pid, ceiling_pid, base, ceiling_port, args, failed):
    """Server CPU per request of `/` rendered afresh (an unknown parameter bypasses the page
    cache), beside the cached `/` and the ceiling's same bytes from memory."""
    runs = {"/, a fresh render": (pid, base + "/?bench=fresh"),
            "/, from the page cache": (pid, base + "/"),
            "ceiling (the same bytes from memory)": (ceiling_pid, f"http://127.0.0.1:{ceiling_port}/c0")}
    say("\nserver CPU per request (user + system, from /proc; wrk, 64 connections):\n")
    say("| target | CPU ms per request | req/s | p99 ms |")
    say("| --- | ---: | ---: | ---: |")
    for name, (process, url) in runs.items():
        rounds = [cpu_per_request(process, url, args.seconds, args.connections)
                  for _ in range(args.rounds)]
        cpu, rps, p99 = (statistics.median(r[i] for r in rounds) for i in range(3))
        say(f"| {name} | {cpu:.3f} | {rps:.0f} | {p99:.2f} |")
        if name.endswith("fresh render") and cpu > TARGET_FRESH_RENDER_CPU_MS:
            failed.append(f"a fresh render of / costs {cpu:.3f} ms of CPU"
                          f" (target {TARGET_FRESH_RENDER_CPU_MS:.3f} ms)")


def page_downloads(base):
    """What each page's first visit downloads, from bench/bundle.mjs (Chromium)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bundle.mjs")
    out = subprocess.run(["node", script, base], check=True, capture_output=True, text=True,
                         timeout=300).stdout
    return json.loads(out.strip().splitlines()[-1])


def orders_per_s(line):
    return float(re.search(r"([\d.]+) orders/s", line).group(1))


def checkout(args, failed):
    say("\ncheckout and sign-in (in-process services, embedded store):\n")
    out = subprocess.run([args.checkout_bench, "checkout", str(args.seconds)], check=True,
                         capture_output=True, text=True).stdout
    lines = out.strip().splitlines()
    for line in lines:
        say("    " + line)
    shopping = orders_per_s(next(l for l in lines if l.startswith("checkout")))
    ours = orders_per_s(next(l for l in lines if l.startswith("place alone")))
    bare = orders_per_s(next(l for l in lines if l.startswith("ceiling")))
    target = min(TARGET_ORDERS_PER_S, TARGET_ORDERS_SHARE * bare)
    # The target is for placing orders, the work the bare transaction is the ceiling of; adding
    # to the cart first (two more store calls per order) is reported beside it.
    say(f"\ncheckout (place): {ours:.0f} orders/s, {ours / bare:.0%} of the bare transaction's"
        f" {bare:.0f} (target {target:.0f}); add + place: {shopping:.0f} orders/s,"
        f" {shopping / bare:.0%}")
    if ours < target:
        failed.append(f"checkout {ours:.0f} orders/s (target {target:.0f})")


API_CLIENTS = 32


def api_call(connection, method, path, token, body=None, headers=None):
    """One JSON call on a kept-alive connection: (status, parsed body)."""
    sent = {"Authorization": f"Bearer {token}", "Accept": "application/json", **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body)
        sent["Content-Type"] = "application/json"
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"null")


def api_checkout(args, failed):
    """Orders/s through the REST API: 32 clients, each its own account and token, each adding a
    line and checking out (a fresh Idempotency-Key per order) as fast as it is answered."""
    store = SharedStore(args, "cloudmart-api-")
    port = 3220
    try:
        env = dict(store.server_env(args, port), CLOUDMART_API_RATE_LIMIT="0")
        for command in ("init-tables", "seed-demo"):
            subprocess.run([args.server, command], env=env, check=True, stdout=subprocess.DEVNULL)
        tokens = []
        for i in range(API_CLIENTS + 1):
            email = f"api-bench-{i}@bench.test"
            subprocess.run([args.server, "create-admin", "--email", email, "--name", f"Bench {i}"],
                           env=env, input="api bench password\n", text=True, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            scope = "admin" if i == API_CLIENTS else "read-write"
            made = subprocess.run([args.server, "api-token", "create", "--email", email, "--name",
                                   "bench", "--scope", scope], env=env, text=True, check=True,
                                  capture_output=True)
            tokens.append(made.stdout.strip())
        admin = tokens.pop()
        store.start([args.server], env=env, stdout=subprocess.DEVNULL)
        wait_ready(f"http://127.0.0.1:{port}/health/ready")
        setup = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        products = api_call(setup, "GET", "/api/v1/products?limit=100", admin)[1]["items"]
        for product in products:  # enough stock that no order is refused for want of it
            status, _ = api_call(setup, "POST", f"/api/v1/admin/products/{product['id']}/stock",
                                 admin, {"mode": "set", "amount": 1_000_000, "reason": "bench"})
            if status != 200:
                raise SystemExit(f"restocking for the API checkout bench: {status}")
        ids = [p["id"] for p in products]
        address = {"name": "Bench Shopper", "line1": "1 Load St", "city": "Testville",
                   "postal_code": "12345", "country": "US"}
        deadline = time.monotonic() + args.seconds
        latencies, errors = [], []
        lock = threading.Lock()

        def client(n):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine, i = [], n
            while time.monotonic() < deadline:
                started = time.monotonic()
                i += 1
                line = {"product_id": ids[i % len(ids)], "quantity": 1}
                status, _ = api_call(connection, "POST", "/api/v1/cart/lines", tokens[n], line)
                key = {"Idempotency-Key": str(uuid.uuid4())}
                placed, _ = api_call(connection, "POST", "/api/v1/checkout", tokens[n],
                                     {"shipping_address": address}, key)
                if status != 200 or placed != 201:
                    with lock:
                        errors.append((status, placed))
                    continue
                mine.append(time.monotonic() - started)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(API_CLIENTS)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
        latencies.sort()
        rate = len(latencies) / elapsed
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
        say(f"\ncheckout through the REST API ({API_CLIENTS} clients over HTTP, each: add a line,"
            " then POST /checkout with an Idempotency-Key; Python clients on the same cores):\n")
        say(f"    {len(latencies)} orders in {elapsed:.1f} s: {rate:.0f} orders/s,"
            f" p99 {p99:.1f} ms per add + checkout, {len(errors)} refused")
        if errors:
            failed.append(f"API checkout: {len(errors)} refused, e.g. {errors[:3]}")
    finally:
        store.close()


def mixed_load(args, failed):
    """Anonymous `/` while 32 shoppers check out through a second replica on the same store."""
    store = SharedStore(args, "cloudmart-mixed-")
    port, ceiling_port = 3210, 3211
    base = f"http://127.0.0.1:{port}"
    try:
        env = store.server_env(args, port)
        for command in ("init-tables", "seed-demo"):
            subprocess.run([args.server, command], env=env, check=True, stdout=subprocess.DEVNULL)
        store.start([args.server], env=env, stdout=subprocess.DEVNULL)
        wait_ready(base + "/health/ready")
        shoppers = store.start(
            [args.checkout_bench, "shoppers", store.url, str(2 * args.seconds + 2)],
            stdout=subprocess.PIPE, text=True)
        if shoppers.stdout.readline().strip() != "shopping":
            raise SystemExit("the shoppers did not start")
        spec = ceiling_route(base + "/", None, store.data, "c0")
        store.start([args.ceiling, f"127.0.0.1:{ceiling_port}", spec],
                    stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        wrk(base + "/", 1, 8)
        hits0, misses0 = page_cache_lookups(base)
        rps, p99 = wrk(base + "/", args.seconds, args.connections)
        hits1, misses1 = page_cache_lookups(base)
        c_rps, c_p99 = wrk(f"http://127.0.0.1:{ceiling_port}/c0", args.seconds, args.connections)
        sold = shoppers.communicate(timeout=4 * args.seconds + 60)[0].strip()
        lookups = (hits1 - hits0) + (misses1 - misses0)
        ratio = (hits1 - hits0) / lookups if lookups else 0.0
        share = rps / c_rps
        say("\nmixed load: anonymous `/` while 32 shoppers check out through a second replica on"
            " the same store (ceiling measured under the same load):\n")
        say("| target | req/s | p99 ms | ceiling req/s | ceiling p99 ms | share | cache hit ratio |")
        say("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        say(f"| / (during checkouts) | {rps:.0f} | {p99:.2f} | {c_rps:.0f} | {c_p99:.2f} |"
            f" {share:.0%} | {ratio:.4f} ({misses1 - misses0} misses) |")
        say("\n    " + sold)
        if share < TARGET_MIXED_SHARE:
            failed.append(f"mixed load: {share:.0%} of the ceiling (target {TARGET_MIXED_SHARE:.0%})")
        if ratio < TARGET_HIT_RATIO:
            failed.append(f"mixed load: hit ratio {ratio:.3f} (target {TARGET_HIT_RATIO})")
    finally:
        store.close()


def support_desk(args, failed):
    """Offline sentiment on one core; the queue page for a signed-in agent over 500 open
    tickets (written through the support service into a store of its own)."""
    scored = subprocess.run([args.checkout_bench, "sentiment", str(args.seconds)], check=True,
                            capture_output=True, text=True).stdout.strip()
    per_s = float(re.search(r"([\d.]+) messages/s", scored).group(1))
    store = SharedStore(args, "cloudmart-desk-")
    port = 3230
    base = f"http://127.0.0.1:{port}"
    try:
        written = subprocess.run([args.checkout_bench, "tickets", store.url,
                                  str(SUPPORT_OPEN_TICKETS)], check=True, capture_output=True,
                                 text=True).stdout.strip()
        env = dict(store.server_env(args, port), CLOUDMART_RATE_LIMIT="0")
        store.start([args.server], env=env, stdout=subprocess.DEVNULL)
        wait_ready(base + "/health/ready")
        sign_in = form_action(fetch(base + "/account/sign-in")[0].decode(), 'name="password"')
        agent = post_for_cookie(base, sign_in, {"email": "bench-agent@cloudmart.test",
                                                 "password": "bench agent password"}, "cm_session")
        page = fetch(base + "/support", agent)[0].decode()
        rows = page.count('data-testid="queue-row"')
        if rows == 0:
            raise SystemExit("the bench agent's queue page lists no tickets")
        wrk(base + "/support", 1, 8, agent)
        rounds = [wrk(base + "/support", args.seconds, QUEUE_CONNECTIONS, agent)
                  for _ in range(args.rounds)]
        rps = statistics.median(r for r, _ in rounds)
        p99 = statistics.median(p for _, p in rounds)
    finally:
        store.close()
    say("\nsupport desk:\n")
    say("    " + scored)
    say("    " + written)
    say("\n| target | value | goal |")
    say("| --- | ---: | ---: |")
    say(f"| offline sentiment, one core | {per_s:.0f} messages/s | {TARGET_SENTIMENT_PER_S:.0f} |")
    say(f"| `/support` (agent signed in, {SUPPORT_OPEN_TICKETS} open, {rows} a page,"
        f" {QUEUE_CONNECTIONS} connections) req/s |"
        f" {rps:.0f} | {TARGET_QUEUE_RPS:.0f} |")
    say(f"| `/support` p99 | {p99:.2f} ms | {TARGET_P99_MS:.0f} ms |")
    if per_s < TARGET_SENTIMENT_PER_S:
        failed.append(f"offline sentiment {per_s:.0f} messages/s (target {TARGET_SENTIMENT_PER_S:.0f})")
    if rps < TARGET_QUEUE_RPS:
        failed.append(f"the support queue {rps:.0f} req/s (target {TARGET_QUEUE_RPS:.0f})")
    if p99 > TARGET_P99_MS:
        failed.append(f"the support queue p99 {p99:.1f} ms (target {TARGET_P99_MS} ms)")


def assistant(args, failed):
    """The offline assistant's answer latency with 16 conversations at once, and the share of
    an answer the grounding check takes."""
    out = subprocess.run([args.checkout_bench, "assistant", str(args.seconds)], check=True,
                         capture_output=True, text=True).stdout.strip()
    p50, p95 = (float(x) for x in re.search(r"p50 ([\d.]+) ms, p95 ([\d.]+) ms", out).groups())
    share = float(re.search(r"\(([\d.]+) % of the p50", out).group(1)) / 100
    say("\nshopping assistant (offline):\n")
    for line in out.splitlines():
        say("    " + line)
    say("\n| target | value | goal |")
    say("| --- | ---: | ---: |")
    say(f"| answer p50, 16 conversations at once | {p50:.2f} ms | - |")
    say(f"| answer p95 | {p95:.2f} ms | {TARGET_ASSISTANT_P95_MS:.0f} ms |")
    say(f"| the grounding check, of the p50 answer | {share:.2%} | {TARGET_GROUNDING_SHARE:.0%} |")
    if p95 > TARGET_ASSISTANT_P95_MS:
        failed.append(f"the assistant's p95 {p95:.1f} ms (target {TARGET_ASSISTANT_P95_MS:.0f} ms)")
    if share > TARGET_GROUNDING_SHARE:
        failed.append(f"grounding {share:.1%} of an answer (target {TARGET_GROUNDING_SHARE:.0%})")


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
