"""Helpers shared by the Python test tools (bench/run.py, api-fuzz/run.py) that start the
server and use it."""

import time
import urllib.request


def wait_ready(url, seconds=60):
    """Waits until `url` answers 200, or stops the tool after `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not become ready within {seconds} s")
