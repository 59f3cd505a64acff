"""Composes clean-up, segmentation, quantities, metrics and places into facts. (Being built.)"""
from __future__ import annotations

import os
from pathlib import Path

from extract.fact import Fact
from extract.reader import read_article

EXTRACTOR_VERSION = "0.1.0"


def extract(text: str, doc: str = "", home: str = "", headline: str = "") -> list[Fact]:
    """The facts of one raw article or page text, in document order. Offsets index `text`."""
    return []


def extract_file(path: str | os.PathLike, home: str = "") -> list[Fact]:
    p = Path(path)
    return extract(read_article(p), doc=p.stem, home=home)
