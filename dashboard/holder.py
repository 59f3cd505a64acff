"""The one facts frame a dashboard server holds in memory, and reading it before the first visitor arrives.

`frame_for(store, signature)` returns the prepared frame of `store` as of `signature` (extract.store.store_signature),
reading it only when the store has changed since the frame held now was read. The app calls it from inside its
`st.cache_resource` function; `preload(store)` calls it on a background thread when the server starts
(dashboard/launch.py), so that the first visitor finds the frame read, or being read, instead of starting the read.
Both run in the server process, so they share this module and its lock: a visitor arriving during the preload
waits for it rather than reading the store a second time.
"""
from __future__ import annotations

import argparse
import os
import threading
from pathlib import Path

import pandas as pd

from dashboard.data import empty_frame, prepare_frame
from extract.store import StoreError, default_store_path, load_facts, store_signature


def store_from_argv(argv: list[str]) -> Path:
    """The store named by `--store PATH` after the `--` of `streamlit run app.py -- --store PATH`, else the
    default store ($FACTS_STORE or data/facts.sqlite)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--store")
    args, _ = parser.parse_known_args(argv)
    return Path(args.store) if args.store else default_store_path()


_lock = threading.Lock()
_held: dict[str, object] = {"key": None, "frame": None}


def frame_for(store: str | os.PathLike, signature: tuple) -> pd.DataFrame:
    """The prepared facts frame of `store` at `signature`; read (from the snapshot, else SQLite) only when the
    frame held is of another store or signature. Treat it as read-only: every session shares it."""
    key = (str(Path(store).absolute()), signature)
    with _lock:
        if _held["key"] == key:
            return _held["frame"]
        _held["key"], _held["frame"] = None, None  # let the old frame go before the new one is read
        frame = prepare_frame(load_facts(store, arrow_text=True)) if signature else empty_frame()
        _held["key"], _held["frame"] = key, frame
        return frame


def preload(store: str | os.PathLike) -> threading.Thread:
    """Start reading `store` into memory on a daemon thread; returns the thread. A missing store is left alone
    (the first visitor builds it from the sample corpus)."""

    def run() -> None:
        try:
            signature = store_signature(store)
            if signature:
                frame_for(store, signature)
        except (StoreError, OSError):  # the app reports an unreadable store to the visitor; nothing to do here
            pass

    thread = threading.Thread(target=run, name="facts-preload", daemon=True)
    thread.start()
    return thread
