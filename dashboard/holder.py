"""The one facts frame a dashboard server holds in memory, and reading it before the first visitor arrives.

`frame_for(store, signature)` returns the prepared frame of `store` as of `signature` (extract.store.store_signature),
reading it only when the store has changed since the frame held now was read. The app calls it from inside its
`st.cache_resource` function; `preload(store)` calls it on a background thread when the server starts
(dashboard/launch.py), so that the first visitor finds the frame read, or being read, instead of starting the read.
Both run in the server process, so they share this module and its lock: a visitor arriving during the preload
waits for it rather than reading the store a second time. The preload then computes the first page
(dashboard.data.first_page), which `first_page_for` hands to the app, and imports the chart library, so that the
first visitor's page is drawn from what is ready rather than computed while the visitor waits.
"""
from __future__ import annotations

import argparse
import os
import threading
from pathlib import Path

import pandas as pd

from dashboard.data import FirstPage, empty_frame, first_page, prepare_frame
from extract.store import StoreError, default_store_path, load_facts, store_signature


def store_from_argv(argv: list[str]) -> Path:
    """The store named by `--store PATH` after the `--` of `streamlit run app.py -- --store PATH`, else the
    default store ($FACTS_STORE or data/facts.sqlite)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--store")
    args, _ = parser.parse_known_args(argv)
    return Path(args.store) if args.store else default_store_path()


_lock = threading.Lock()
_held: dict[str, object] = {"key": None, "frame": None, "first_page": None}


def frame_for(store: str | os.PathLike, signature: tuple) -> pd.DataFrame:
    """The prepared facts frame of `store` at `signature`; read (from the snapshot, else SQLite) only when the
    frame held is of another store or signature. Treat it as read-only: every session shares it."""
    key = (str(Path(store).absolute()), signature)
    with _lock:
        if _held["key"] == key:
            return _held["frame"]
        # Let the old frame go before the new one is read.
        _held["key"], _held["frame"], _held["first_page"] = None, None, None
        frame = prepare_frame(load_facts(store, arrow_text=True)) if signature else empty_frame()
        _held["key"], _held["frame"] = key, frame
        return frame


def first_page_for(store: str | os.PathLike, signature: tuple) -> FirstPage | None:
    """The first page of `store` at `signature` if the preload has computed it (never computes it here)."""
    with _lock:
        if _held["key"] == (str(Path(store).absolute()), signature):
            return _held["first_page"]
        return None


def _compute_first_page(store: str | os.PathLike, signature: tuple) -> None:
    frame = frame_for(store, signature)
    page = first_page(frame)
    with _lock:
        if _held["frame"] is frame:  # not replaced by a newer store version meanwhile
            _held["first_page"] = page


def preload(store: str | os.PathLike) -> threading.Thread:
    """Start reading `store` into memory and computing its first page on a daemon thread; returns the thread. A
    missing store is left alone (the first visitor builds it from the sample corpus)."""

    def run() -> None:
        try:
            signature = store_signature(store)
            if signature:
                _compute_first_page(store, signature)
        except (StoreError, OSError):  # the app reports an unreadable store to the visitor; nothing to do here
            pass
        # The app's chart library (altair, with its JSON schema) takes a few tenths of a second to import; the
        # first visitor's script would otherwise import it.
        import dashboard.charts  # noqa: F401

    thread = threading.Thread(target=run, name="facts-preload", daemon=True)
    thread.start()
    return thread
