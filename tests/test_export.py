"""extract/export.py: formula-safe CSV with BOM, JSON Lines, Parquet, filters, and the `facts export` command."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from extract.export import (ExportError, facts_to_csv_bytes, facts_to_jsonl_bytes, filter_facts,
                            neutralise_formula, write_facts)
from extract.fact import FACT_FIELDS, Fact
from extract.store import LOADED_COLUMNS, empty_facts_frame, load_facts, open_store

ROOT = Path(__file__).resolve().parent.parent


def fact(doc, text, value, unit, metric, city, district="", place="", value_high=None, subject="吞吐量",
         qualifier="exact", headline="港口"):
    return Fact(doc=doc, text=text, start=0, end=len(text), value=value, value_high=value_high, unit=unit,
                qualifier=qualifier, metric=metric, subject=subject, province="江苏省", city=city,
                district=district, place=place, sentence=f"完成{text}。", headline=headline)


# (source_key, date, source, facts)
ARTICLES = [
    ("/a/lyg-port.txt", "2025-02-11", "连云港晨报", [
        fact("lyg-port", "2568.4万吨", 25684000.0, "吨", "throughput", "连云港市", "连云区"),
        fact("lyg-port", "6.7%", 6.7, "%", "percent", "连云港市", "连云区", subject="同比增长")]),
    ("/a/donghai.txt", "2025-10-09", "连云港晨报", [
        fact("donghai", "3至5万元", 30000.0, "元", "funds", "连云港市", "东海县", "双店镇", value_high=50000.0,
             qualifier="range", subject="=SUM(A1:A9)", headline="-2+3")]),
    ("/a/xz.txt", None, "徐州日报", [
        fact("xz", "120余名", 120.0, "人", "participants", "徐州市", "云龙区", subject="@党员",
             qualifier="at_least")]),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "facts.sqlite"
    conn = open_store(path)
    conn.execute("BEGIN IMMEDIATE")
    for key, day, source, facts in ARTICLES:
        article_id = conn.execute(
            "INSERT INTO articles (source_key, doc, path, content_hash, size, mtime_ns, extractor_version, "
            "headline, date, source, url, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (key, Path(key).stem, key, "h", 1, 1, "v", "", day, source, "http://example.com/" + Path(key).stem,
             "t", "t")).lastrowid
        for f in facts:
            conn.execute(f"INSERT INTO facts (article_id, {', '.join(repr(c) for c in FACT_FIELDS)}) "
                         f"VALUES ({', '.join('?' * (len(FACT_FIELDS) + 1))})",
                         (article_id, *(getattr(f, c) for c in FACT_FIELDS)))
    conn.execute("COMMIT")
    conn.close()
    return path


@pytest.fixture(scope="module")
def frame(store: Path) -> pd.DataFrame:
    return load_facts(store)


# ---------------------------------------------------------------- formula neutralisation

@dataclass(frozen=True)
class CellCase:
    id: str
    cell: str
    safe: str


CELLS = [
    CellCase("equals", "=SUM(A1:A9)", "'=SUM(A1:A9)"),
    CellCase("plus", "+86 123", "'+86 123"),
    CellCase("minus", "-2+3", "'-2+3"),
    CellCase("at", "@党员", "'@党员"),
    CellCase("tab", "\t=1", "'\t=1"),
    CellCase("carriage-return", "\r=1", "'\r=1"),
    CellCase("plain-chinese", "吞吐量", "吞吐量"),
    CellCase("formula-char-inside", "3-5万元", "3-5万元"),
    CellCase("empty", "", ""),
]


@pytest.mark.parametrize("case", CELLS, ids=lambda c: c.id)
def test_neutralise_formula(case: CellCase):
    assert neutralise_formula(case.cell) == case.safe


# ---------------------------------------------------------------- writers

def test_csv_has_a_bom_plain_numbers_and_no_live_formula(frame: pd.DataFrame):
    data = facts_to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(LOADED_COLUMNS)
    assert back["value"].tolist() == ["25684000", "6.7", "30000", "120"]
    assert back["value_high"].tolist() == ["", "", "50000", ""]
    assert back["text"].tolist() == ["2568.4万吨", "6.7%", "3至5万元", "120余名"]
    assert back.loc[2, "subject"] == "'=SUM(A1:A9)" and back.loc[2, "headline"] == "'-2+3"
    assert back.loc[3, "subject"] == "'@党员"
    for column in back.columns:
        assert not back[column].str.match(r"^[=+\-@\t\r]").any(), column


def test_csv_of_no_facts_is_the_header_only(frame: pd.DataFrame):
    data = facts_to_csv_bytes(empty_facts_frame())
    assert data.decode("utf-8-sig").strip() == ",".join(LOADED_COLUMNS)


def test_jsonl_has_one_fact_per_line_with_plain_numbers_and_nulls(frame: pd.DataFrame):
    lines = facts_to_jsonl_bytes(frame).decode("utf-8").splitlines()
    assert len(lines) == 4
    records = [json.loads(line) for line in lines]
    assert "吨" in lines[0]  # Chinese as is, not \u escapes
    assert records[0]["value"] == 25684000 and isinstance(records[0]["value"], int)
    assert records[1]["value"] == 6.7
    assert records[2]["value_high"] == 50000 and records[0]["value_high"] is None
    assert records[3]["date"] is None and records[0]["date"] == "2025-02-11"
    assert records[2]["subject"] == "=SUM(A1:A9)"  # JSON is data, not a spreadsheet: kept exactly
    assert set(records[0]) == set(LOADED_COLUMNS)


def test_jsonl_of_no_facts_is_empty():
    assert facts_to_jsonl_bytes(empty_facts_frame()) == b""


def test_parquet_round_trips(frame: pd.DataFrame):
    buffer = io.BytesIO()
    write_facts(frame, "parquet", buffer)
    back = pd.read_parquet(io.BytesIO(buffer.getvalue()))
    assert list(back.columns) == list(LOADED_COLUMNS)
    assert back["value"].tolist() == frame["value"].tolist()
    assert back["subject"].astype(str).tolist() == frame["subject"].astype(str).tolist()


def test_unknown_format_is_an_export_error(frame: pd.DataFrame):
    with pytest.raises(ExportError, match="xlsx"):
        write_facts(frame, "xlsx", io.BytesIO())


# ---------------------------------------------------------------- filters

@dataclass(frozen=True)
class FilterCase:
    id: str
    filters: dict
    texts: list[str]
    kwargs: dict = field(default_factory=dict)


FILTERS = [
    FilterCase("none", {}, ["2568.4万吨", "6.7%", "3至5万元", "120余名"]),
    FilterCase("one-metric", {"metric": "throughput"}, ["2568.4万吨"]),
    FilterCase("metrics-list", {"metric": ["funds", "participants"]}, ["3至5万元", "120余名"]),
    FilterCase("unit", {"unit": "%"}, ["6.7%"]),
    FilterCase("place-at-city-level", {"place": "徐州市"}, ["120余名"]),
    FilterCase("place-at-district-level", {"place": "东海县"}, ["3至5万元"]),
    FilterCase("place-at-place-level", {"place": "双店镇"}, ["3至5万元"]),
    FilterCase("place-list", {"place": ["双店镇", "云龙区"]}, ["3至5万元", "120余名"]),
    FilterCase("source", {"source": "徐州日报"}, ["120余名"]),
    FilterCase("date-from-drops-undated", {"date_from": "2025-03-01"}, ["3至5万元"]),
    FilterCase("date-to-inclusive", {"date_to": "2025-02-11"}, ["2568.4万吨", "6.7%"]),
    FilterCase("date-objects", {"date_from": date(2025, 2, 11), "date_to": date(2025, 10, 9)},
               ["2568.4万吨", "6.7%", "3至5万元"]),
    FilterCase("combined", {"metric": "percent", "place": "连云港市", "source": "连云港晨报"}, ["6.7%"]),
    FilterCase("nothing-matches", {"metric": "area"}, []),
    FilterCase("empty-list-means-no-filter", {"metric": []}, ["2568.4万吨", "6.7%", "3至5万元", "120余名"]),
]


@pytest.mark.parametrize("case", FILTERS, ids=lambda c: c.id)
def test_filter_facts(case: FilterCase, frame: pd.DataFrame):
    assert filter_facts(frame, **case.filters)["text"].tolist() == case.texts


def test_a_malformed_date_is_an_export_error(frame: pd.DataFrame):
    with pytest.raises(ExportError, match="2025-13-01"):
        filter_facts(frame, date_from="2025-13-01")


def test_filters_work_on_an_empty_frame():
    assert len(filter_facts(empty_facts_frame(), metric="funds", place="徐州市", date_from="2025-01-01")) == 0


# ---------------------------------------------------------------- the command

def facts(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *args], capture_output=True, cwd=ROOT, timeout=120)


def test_export_to_stdout_is_the_same_as_the_library_output(store: Path, frame: pd.DataFrame):
    done = facts("export", "--store", str(store), "--format", "csv")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == facts_to_csv_bytes(frame)
    assert "4 facts" in done.stderr.decode()


def test_export_with_filters_to_a_file(store: Path, frame: pd.DataFrame, tmp_path: Path):
    out = tmp_path / "港口.jsonl"
    done = facts("export", "--store", str(store), "--format", "jsonl", "--out", str(out),
                 "--place", "连云港市", "--metric", "throughput", "--metric", "funds", "--from", "2025-01-01")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b""
    assert out.read_bytes() == facts_to_jsonl_bytes(filter_facts(
        frame, place="连云港市", metric=["throughput", "funds"], date_from="2025-01-01"))
    assert [json.loads(x)["text"] for x in out.read_text(encoding="utf-8").splitlines()] == ["2568.4万吨", "3至5万元"]


def test_export_parquet_to_stdout(store: Path):
    done = facts("export", "--store", str(store), "--format", "parquet", "--unit", "人")
    assert done.returncode == 0, done.stderr.decode()
    assert pd.read_parquet(io.BytesIO(done.stdout))["text"].tolist() == ["120余名"]


@dataclass(frozen=True)
class CommandErrorCase:
    id: str
    args: list[str]
    code: int
    message: str


COMMAND_ERRORS = [
    CommandErrorCase("bad-date", ["--format", "csv", "--from", "yesterday"], 1, "not a date"),
    CommandErrorCase("bad-format", ["--format", "xlsx"], 2, "invalid choice"),
    CommandErrorCase("no-format", [], 2, "--format"),
]


@pytest.mark.parametrize("case", COMMAND_ERRORS, ids=lambda c: c.id)
def test_export_errors(case: CommandErrorCase, store: Path):
    done = facts("export", "--store", str(store), *case.args)
    assert done.returncode == case.code
    assert case.message in done.stderr.decode()


def test_export_of_a_missing_store_writes_an_empty_file(tmp_path: Path):
    out = tmp_path / "x.csv"
    done = facts("export", "--store", str(tmp_path / "none.sqlite"), "--format", "csv", "--out", str(out))
    assert done.returncode == 0
    assert out.read_bytes().decode("utf-8-sig").strip() == ",".join(LOADED_COLUMNS)
