"""gunicorn on loopback with the production settings, and autocannon against it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from bench.pages import HOST, Page

AUTOCANNON = Path(settings.BASE_DIR) / "node_modules" / "autocannon"
LOAD_SCRIPT = Path(__file__).with_name("load.js")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def gunicorn(*, workers: int, log_path: Path) -> Iterator[str]:
    """Starts gunicorn with this process's environment (the production settings, the bench
    database) and yields its base URL; stops it on the way out."""
    port = free_port()
    env = {**os.environ, "BENCH_FLOOR_PAGE": "true", "LOG_LEVEL": "WARNING"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        # One request at a time per worker, as the sync worker, but with keep-alive: the sync
        # worker closes every connection, and autocannon then reports latencies that cannot
        # be (several times longer than connections divided by throughput allows).
        "--worker-class=gthread",
        "--threads=1",
        # Long enough that a slow page is measured as slow, not killed (production keeps 30 s).
        "--timeout=300",
        "--access-logfile=/dev/null",
    ]
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log
        )
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ended with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/accessibility/", timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def check_load_generator() -> None:
    if not AUTOCANNON.exists():
        raise RuntimeError("autocannon is missing: run `make install` (npm ci) first.")


def job(
    base: str, page: Page, cookie: str, *, connections: int, duration: int, probe: str = ""
) -> dict[str, Any]:
    """One bounded load on one page: ``connections`` connections for ``duration`` seconds,
    with the headers of a browser that takes gzip."""
    headers = {"Accept-Encoding": "gzip", **page.headers}
    if not page.anonymous:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    return {
        "key": page.key,
        "url": base + page.path,
        "connections": connections,
        "duration": duration,
        "headers": headers,
        "timeout": 120,
        # After the load: wait until this page answers quickly again (bench/load.js).
        "probe": probe,
    }


def run_loads(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs the loads one after the other in one autocannon process; their results in order."""
    seconds = sum(j["duration"] for j in jobs)
    result = subprocess.run(  # noqa: S603 - node and our own script
        ["node", str(LOAD_SCRIPT), json.dumps(jobs)],  # noqa: S607
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120 * len(jobs) + 60,
    )
    return [json.loads(line) for line in result.stdout.strip().splitlines()]
