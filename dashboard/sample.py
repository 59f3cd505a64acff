"""The first run: building an empty or missing store from the sample corpus, one input at a time so that the page
can show progress.

`extract.refresh.refresh` reports progress only to a terminal, so the dashboard refreshes each article file (or feed)
on its own and reports after each; a last refresh over the whole corpus then records one run with every skipped
input, which is what the page's freshness line shows.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from extract.config import DEFAULT_CONFIG_NAME, Source, load_config
from extract.refresh import RunSummary, list_sources, refresh
from extract.store import count_rows

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONFIG = PROJECT_ROOT / "data" / DEFAULT_CONFIG_NAME
SAMPLE_ARTICLES = PROJECT_ROOT / "data" / "articles"
# How long a first run waits for another process (a second browser tab) that is building the same store.
LOCK_WAIT_SECONDS = 120.0


def sample_sources(config: str | os.PathLike | None = None) -> list[Source]:
    """The sources of the sample corpus: those of data/facts.toml, else the folder data/articles."""
    path = Path(config) if config is not None else SAMPLE_CONFIG
    if path.is_file():
        return list(load_config(path).sources)
    return [Source(SAMPLE_ARTICLES)]


def store_needs_building(store: str | os.PathLike) -> bool:
    """True for a missing store or one that no refresh has ever run on."""
    return count_rows(store)["runs"] == 0


def input_sources(sources: list[Source]) -> list[Source]:
    """One Source per article file or feed in `sources` (same paper, home and date settings), found as a refresh
    finds them."""
    return [replace(item.source, path=item.path) for item in list_sources(sources).inputs]


def build_store(sources: list[Source], store: str | os.PathLike,
                on_progress: Callable[[int, int, str], None] | None = None) -> RunSummary:
    """Refresh `store` from `sources` input by input, calling on_progress(done, total, name) after each; return
    the summary of the closing refresh over all of them (the run the store then reports)."""
    inputs = input_sources(sources)
    for done, source in enumerate(inputs, start=1):
        refresh([source], store, workers=1, progress=False, wait_seconds=LOCK_WAIT_SECONDS)
        if on_progress is not None:
            on_progress(done, len(inputs), Path(source.path).name)
    return refresh(sources, store, workers=1, progress=False, wait_seconds=LOCK_WAIT_SECONDS)
