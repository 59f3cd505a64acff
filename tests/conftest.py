"""Shared test fixtures: where the shared evaluation data is, and a skip when it is not beside the checkout."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = ROOT / "data"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip that says why the test cannot run."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent: the shared evaluation data is not beside this checkout")
    return p


@pytest.fixture(scope="module")
def known_store(tmp_path_factory) -> Path:
    """A store built by the real refresh from dashboard.synthetic.KNOWN_ARTICLES, holding their known facts (one per
    test module, shared by the dashboard's app and browser tests)."""
    # Imported here, not at the top: only the dashboard's tests pay for the extractor import this pulls in.
    from dashboard.synthetic import write_known_corpus

    folder = tmp_path_factory.mktemp("known")
    store = folder / "facts.sqlite"
    write_known_corpus(folder / "articles", store)
    return store
