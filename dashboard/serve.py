"""Serving the dashboard to a real browser: a Streamlit server on a free local port and Debian's headless
Chromium (never a downloaded browser), shared by the browser tests and the benchmark."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class ServerFailed(RuntimeError):
    """The Streamlit server did not come up."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 60.0) -> float:
    """Poll /_stcore/health until it answers ok; returns the seconds it took."""
    started = time.monotonic()
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise ServerFailed(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise ServerFailed(f"no answer from {url} within {timeout:.0f} s")


@contextmanager
def streamlit_server(store: str | os.PathLike, log: str | os.PathLike | None = None, timeout: float = 60.0):
    """Run `streamlit run dashboard/app.py -- --store STORE` (through dashboard.launch, which reads the store
    while the server starts) on a free port; yields the base URL."""
    port = free_port()
    command = [sys.executable, "-m", "dashboard.launch", "run", str(APP), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--", "--store", str(Path(store).absolute())]
    out = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_healthy(port, process, timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if log:
            out.close()


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def wait_for_page(page, timeout_ms: float = 60_000) -> None:
    """Wait until the app has finished running: the table is drawn and Streamlit shows no "running" status."""
    page.locator('[data-testid="stDataFrame"], [data-testid="stAlert"]').locator("visible=true").first.wait_for(
        timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def wait_idle(page, timeout_ms: float = 60_000) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
