"""`facts dashboard [--store PATH] [--port N] [streamlit options...]`: start the Streamlit dashboard.

It runs `python -m dashboard.launch run dashboard/app.py` (Streamlit, with the store read into memory while the
server starts) in a child process; any argument this command does not know
(e.g. `--server.address 0.0.0.0`) is passed to Streamlit.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from extract.store import STORE_ENV, add_store_option, default_store_path

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
DEFAULT_PORT = 8501


def dashboard_command(store: str | os.PathLike, port: int, extra: list[str] | None = None) -> list[str]:
    """The command line that serves the dashboard for `store` on `port` (extra arguments go to Streamlit)."""
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is not a TCP port")
    return [sys.executable, "-m", "dashboard.launch", "run", str(APP), "--server.port", str(port),
            "--browser.gatherUsageStats", "false", *(extra or []), "--", "--store", str(Path(store).absolute())]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dashboard", help="chart, filter, trace and download the facts in a browser",
        description="Start the Streamlit dashboard on a store. With an empty or missing store it first builds "
                    "the store from the sample corpus. Unknown arguments are passed to `streamlit run`.")
    add_store_option(parser, "show")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to serve on (default {DEFAULT_PORT})")
    parser.set_defaults(run=run_dashboard, accepts_extra=True)


def run_dashboard(args: argparse.Namespace) -> int:
    store = args.store or default_store_path()
    try:
        command = dashboard_command(store, args.port, getattr(args, "extra", []))
    except ValueError as exc:
        print(f"facts dashboard: {exc}", file=sys.stderr)
        return 2
    env = dict(os.environ, **{STORE_ENV: str(Path(store).absolute())})
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:  # Ctrl-C stops the server; that is the normal way to end it
        return 0
