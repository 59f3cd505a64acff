"""`python -m dashboard.launch run dashboard/app.py [streamlit options] -- --store PATH`: `python -m streamlit`
with the store read into memory while the server starts.

Streamlit runs the app script only when a visitor opens the page, so without this the first visitor of a freshly
started server waits for a million facts to be read. This starts that read on a background thread
(dashboard.holder.preload) in the server process, then hands the same arguments to Streamlit's own command line.
`facts dashboard`, the browser tests and the benchmark all start the server this way.
"""
from __future__ import annotations

import os
import sys

# Only what the preload needs is imported before it starts; Streamlit and the app's own imports follow while it
# runs.
from dashboard.holder import preload, store_from_argv


def app_arguments(argv: list[str]) -> list[str]:
    """The arguments after `--`, which Streamlit passes to the app script."""
    return argv[argv.index("--") + 1:] if "--" in argv else []


# Streamlit collects all garbage after every script run by default. With a million facts in memory that full
# collection holds the interpreter for tens of milliseconds while the run's last messages wait to be sent (measured:
# a filter change redrew 30-60 ms later); Python's own generational collection still runs.
STREAMLIT_SETTINGS = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:
        preload(store_from_argv(app_arguments(argv)))
        for name, value in STREAMLIT_SETTINGS.items():
            os.environ.setdefault(name, value)
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
