"""The sample corpus (data/articles/, data/gold.jsonl, data/EXCLUDED.md, data/facts.toml) checked as data.

Nothing here runs the extractor: these tests say the project's own gold is well formed and points at real text.
"""
from __future__ import annotations

import datetime
import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from extract.fact import FACT_FIELDS, METRICS, QUALIFIERS
from extract.reader import read_article

DATA = Path(__file__).resolve().parent.parent / "data"
ARTICLES = DATA / "articles"
GOLD_FIELDS = tuple(f for f in FACT_FIELDS if f != "headline")
LOCALITY_FIELDS = ("province", "city", "district", "place")
FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})_")


def load_texts() -> dict[str, tuple[Path, str]]:
    """doc -> (file, raw text): file stems for .txt/.md, record ids for feeds."""
    texts: dict[str, tuple[Path, str]] = {}
    for path in sorted(ARTICLES.rglob("*")):
        if path.suffix in (".txt", ".md"):
            docs = [(path.stem, read_article(path))]
        elif path.suffix == ".jsonl":
            records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
            docs = [(r["id"], r["text"]) for r in records]
        else:
            continue
        for doc, text in docs:
            assert doc not in texts, f"doc {doc} twice: {texts[doc][0]} and {path}"
            texts[doc] = (path, text)
    return texts


TEXTS = load_texts()
GOLD = [json.loads(line) for line in (DATA / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
EXCLUDED = [line.split("\t") for line in (DATA / "EXCLUDED.md").read_text(encoding="utf-8").splitlines()
            if line.count("\t") == 2]
CONFIG = tomllib.loads((DATA / "facts.toml").read_text(encoding="utf-8"))


def gold_id(line: dict) -> str:
    return f"{line['doc']}:{line['start']}:{line['text']}"


# ---------------------------------------------------------------- every gold line

@pytest.mark.parametrize("line", GOLD, ids=gold_id)
def test_gold_line_is_a_fact(line: dict):
    assert set(GOLD_FIELDS) <= set(line) <= set(GOLD_FIELDS) | {"note"}
    assert line["qualifier"] in QUALIFIERS
    assert line["metric"] in METRICS
    assert isinstance(line["value"], (int, float)) and math.isfinite(line["value"]) and line["value"] >= 0
    if line["qualifier"] == "range":
        assert line["value_high"] > line["value"]
    else:
        assert line["value_high"] is None
    assert line["unit"] and line["subject"] and line["sentence"]
    assert all(isinstance(line[f], str) for f in LOCALITY_FIELDS)
    # A lower level is never filled under an unknown province.
    if any(line[f] for f in LOCALITY_FIELDS):
        assert line["province"].endswith(("省", "自治区", "市"))
    if line["unit"] == "%":
        assert line["metric"] == "percent"


@pytest.mark.parametrize("line", GOLD, ids=gold_id)
def test_gold_offsets_point_at_the_text(line: dict):
    path, raw = TEXTS[line["doc"]]
    assert raw[line["start"]:line["end"]] == line["text"], path
    # The mention lies inside its sentence (the sentence drops only markdown emphasis and line-edge spaces).
    assert line["text"] in line["sentence"]


# ---------------------------------------------------------------- per document

@dataclass(frozen=True)
class DocCase:
    doc: str
    path: Path
    raw: str
    gold: tuple[dict, ...]


DOCS = [DocCase(doc, path, raw, tuple(g for g in GOLD if g["doc"] == doc)) for doc, (path, raw) in TEXTS.items()]


@pytest.mark.parametrize("case", DOCS, ids=lambda c: c.doc)
def test_document_has_gold_in_document_order(case: DocCase):
    assert case.gold, f"{case.doc} has no gold facts"
    starts = [g["start"] for g in case.gold]
    assert starts == sorted(starts)
    spans = [(g["start"], g["end"]) for g in case.gold]
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:])), "overlapping mentions"


@pytest.mark.parametrize("case", [c for c in DOCS if c.path.suffix != ".jsonl"], ids=lambda c: c.doc)
def test_article_file_has_a_date(case: DocCase):
    """Each file carries its date either in its name or in TOML front matter at the very top."""
    named = FILENAME_DATE.match(case.path.name)
    if named:
        datetime.date(*map(int, named.groups()))
    else:
        assert case.raw.startswith("+++\n"), case.path
        front = tomllib.loads(case.raw[4:case.raw.index("\n+++\n", 4)])
        assert isinstance(front["date"], datetime.date)
        assert front["title"] and front["source"]


def test_gold_docs_all_exist():
    assert {g["doc"] for g in GOLD} <= set(TEXTS)


def test_corpus_shape():
    """Enough articles, papers and places for a full first dashboard."""
    headings = sum(raw.count("\n## ") for path, raw in TEXTS.values() if path.suffix == ".md")
    articles = len(TEXTS) - sum(1 for path, _ in TEXTS.values() if path.suffix == ".md") + headings
    assert articles >= 24
    assert len({g["province"] for g in GOLD if g["province"]}) >= 8
    assert len({g["city"] for g in GOLD if g["city"]}) >= 12
    assert len(GOLD) >= 350


def test_one_file_is_gb18030():
    """At least one article is stored in GB18030 (not valid UTF-8), and reads back as Chinese text."""
    gb = []
    for path, _ in TEXTS.values():
        if path.suffix == ".txt":
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                gb.append(path)
    assert gb
    assert all("本报讯" in read_article(p) for p in gb)


# ---------------------------------------------------------------- exclusions

@dataclass(frozen=True)
class ExcludedCase:
    doc: str
    text: str
    reason: str


EXCLUDED_CASES = [ExcludedCase(*fields) for fields in EXCLUDED]


@pytest.mark.parametrize("case", EXCLUDED_CASES, ids=lambda c: f"{c.doc}:{c.text}")
def test_excluded_string_occurs_in_its_doc(case: ExcludedCase):
    assert case.doc in TEXTS
    assert case.text in TEXTS[case.doc][1]
    assert case.reason


def test_excluded_is_not_empty():
    assert len(EXCLUDED_CASES) >= 100


# ---------------------------------------------------------------- config

@dataclass(frozen=True)
class SourceCase:
    path: str
    paper: str
    home: str | None
    date: str | None


SOURCES = [SourceCase(s["path"], s["paper"], s.get("home"), s.get("date")) for s in CONFIG["source"]]


@pytest.mark.parametrize("case", SOURCES, ids=lambda c: c.path)
def test_config_source_exists(case: SourceCase):
    assert (DATA / case.path).exists()
    assert case.date in (None, "filename", "front-matter")
    assert case.paper


def test_config_covers_every_article_and_leaves_one_home_out():
    covered = [DATA / s.path for s in SOURCES]
    for path, _ in TEXTS.values():
        assert any(path == c or c in path.parents for c in covered), path
    assert any(s.home is None for s in SOURCES)
    assert CONFIG["store"] == "facts.sqlite"
    assert len({s.path for s in SOURCES}) == len(SOURCES), "a folder named twice would be read twice"
