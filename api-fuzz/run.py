"""Property-based fuzzing of the REST API (`make test`): makes an admin account and an
`admin` API token on a fresh embedded store (so the customer and admin routes are reached,
not only refused), starts the release server on a free port, runs Schemathesis against the
server's own OpenAPI document with every check and a bounded number of examples, stops the
server, and exits with Schemathesis's status (non-zero on any 5xx or response that breaks
the schema)."""

import argparse
import os
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from serving import wait_ready  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FUZZ_ADMIN = "fuzz-admin@api-fuzz.test"


def admin_token(server, env):
    """An `admin` token of a fresh admin account, made with the server's own sub-commands."""
    subprocess.run([server, "create-admin", "--email", FUZZ_ADMIN, "--name", "API Fuzz"],
                   env=env, input="api fuzz password\n", text=True, check=True,
                   stdout=subprocess.DEVNULL, timeout=120)
    made = subprocess.run([server, "api-token", "create", "--email", FUZZ_ADMIN,
                           "--name", "api fuzz", "--scope", "admin", "--days", "1"],
                          env=env, text=True, check=True, capture_output=True, timeout=120)
    return made.stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", required=True, help="the release server binary")
    parser.add_argument("--examples", type=int, default=100, help="examples per operation")
    parser.add_argument("--seed", type=int, default=None, help="reproduce a run")
    args = parser.parse_args()
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, CLOUDMART_ADDR=f"127.0.0.1:{port}", CLOUDMART_DATA_DIR=data,
                   CLOUDMART_LOG="warn", CLOUDMART_RATE_LIMIT="0",
                   CLOUDMART_API_RATE_LIMIT="0")
        token = admin_token(args.server, env)
        server = subprocess.Popen([args.server], env=env, stdout=subprocess.DEVNULL)
        try:
            wait_ready(base + "/health/ready")
            # One worker: with two, Hypothesis parses lambda sources with `ast` on two
            # threads at once, and CPython 3.11 (Debian's) shares the AST constructor's
            # recursion counter between threads, so a run can die with "AST constructor
            # recursion depth mismatch" although every API check passed (CPython gh-106905).
            command = [schemathesis, "--config-file", os.path.join(HERE, "schemathesis.toml"),
                       "run", base + "/api/v1/openapi.json", "--checks", "all",
                       "--max-examples", str(args.examples), "--workers", "1",
                       "--header", f"Authorization: Bearer {token}"]
            if args.seed is not None:
                command += ["--seed", str(args.seed)]
            shown = [part.replace(token, "[the fuzz token]") for part in command]
            print("api-fuzz:", " ".join(shown), flush=True)
            code = subprocess.run(command, timeout=900).returncode
        finally:
            server.terminate()
            server.wait(timeout=30)
    sys.exit(code)


if __name__ == "__main__":
    main()
