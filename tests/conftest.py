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
