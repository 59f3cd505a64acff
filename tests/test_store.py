"""extract/store.py: schema and migrations, loading facts, signatures and run log, on real SQLite files."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from extract.fact import FACT_FIELDS, Fact
from extract.store import (CATEGORICAL_COLUMNS, LOADED_COLUMNS, MIGRATIONS, SCHEMA_VERSION, StoreError,
                           count_rows, default_store_path, last_run, load_facts, open_store, schema_version,
                           store_signature)

PORT = Fact(doc="lyg", text="587.07万吨", start=7, end=16, value=5870700.0, value_high=None, unit="吨",
            qualifier="exact", metric="throughput", subject="吞吐量", province="江苏省", city="连云港市",
            district="连云区", place="", sentence="港口吞吐量完成587.07万吨。", headline="连云港港")
RANGE = Fact(doc="lyg", text="3至5万元", start=30, end=35, value=30000.0, value_high=50000.0, unit="元",
             qualifier="range", metric="funds", subject="补助", province="江苏省", city="连云港市",
             district="东海县", place="双店镇", sentence="每户补助3至5万元。", headline="连云港港")


def add_article(conn: sqlite3.Connection, key: str, facts: list[Fact], date: str | None = "2025-02-11",
                source: str = "连云港晨报") -> int:
    """Write one article and its facts the way a refresh does, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    article_id = conn.execute(
        "INSERT INTO articles (source_key, doc, path, content_hash, size, mtime_ns, extractor_version, headline, "
        "date, source, url, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (key, Path(key).stem, key, "h", 1, 1, "v", "连云港港", date, source, "", "t", "t")).lastrowid
    columns = ", ".join(f'"{c}"' for c in FACT_FIELDS)
    conn.executemany(f"INSERT INTO facts (article_id, {columns}) VALUES ({', '.join('?' * (len(FACT_FIELDS) + 1))})",
                     [(article_id, *(getattr(f, c) for c in FACT_FIELDS)) for f in facts])
    conn.execute("INSERT INTO runs (started_at, finished_at, status, facts, extractor_version) VALUES (?,?,?,?,?)",
                 ("t", "t", "ok", len(facts), "v"))
    conn.execute("COMMIT")
    return article_id


# ---------------------------------------------------------------- schema and migrations

def test_a_new_store_is_migrated_and_in_wal_mode(tmp_path: Path):
    store = tmp_path / "sub" / "facts.sqlite"
    conn = open_store(store)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema_version(conn) == SCHEMA_VERSION
    applied = conn.execute("SELECT version, description FROM schema_migrations ORDER BY version").fetchall()
    assert applied == [(v, d) for v, d, _ in MIGRATIONS]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "facts", "runs", "run_skips", "schema_migrations"} <= tables
    fact_columns = [r[1] for r in conn.execute("PRAGMA table_info(facts)")]
    assert set(FACT_FIELDS) <= set(fact_columns)


def test_reopening_applies_nothing_twice_and_keeps_data(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    add_article(open_store(store), "/a/lyg.txt", [PORT])
    conn = open_store(store)
    assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    assert count_rows(store) == {"articles": 1, "facts": 1, "runs": 1}


def test_a_store_from_a_newer_program_is_refused(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    conn.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', 't')", (SCHEMA_VERSION + 1,))
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(store)
    with pytest.raises(StoreError, match="newer"):
        open_store(store, readonly=True)


def test_readonly_open_of_a_missing_store_is_a_store_error(tmp_path: Path):
    with pytest.raises(StoreError, match="facts refresh"):
        open_store(tmp_path / "nope.sqlite", readonly=True)
    assert not (tmp_path / "nope.sqlite").exists()


def test_a_readonly_connection_cannot_write(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    open_store(store).close()
    reader = open_store(store, readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        reader.execute("DELETE FROM facts")


def test_default_store_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("FACTS_STORE", raising=False)
    assert default_store_path() == Path("data/facts.sqlite")
    monkeypatch.setenv("FACTS_STORE", "/srv/facts/x.sqlite")
    assert default_store_path() == Path("/srv/facts/x.sqlite")


@dataclass(frozen=True)
class QueryPlanCase:
    id: str
    sql: str


# The dashboard's group-bys: each must be answered from a covering index, never by scanning the facts table.
GROUP_BYS = [
    QueryPlanCase("metric-by-city", "SELECT city, SUM(value) FROM facts WHERE metric = 'throughput' AND unit = '吨' "
                                    "GROUP BY city"),
    QueryPlanCase("metric-by-district", "SELECT province, city, district, COUNT(*), SUM(value) FROM facts "
                                        "WHERE metric = 'funds' GROUP BY province, city, district"),
    QueryPlanCase("place-by-metric", "SELECT metric, unit, SUM(value) FROM facts WHERE city = '连云港市' "
                                     "GROUP BY metric, unit"),
]


@pytest.mark.parametrize("case", GROUP_BYS, ids=lambda c: c.id)
def test_group_bys_use_a_covering_index(case: QueryPlanCase, tmp_path: Path):
    conn = open_store(tmp_path / "facts.sqlite")
    plan = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + case.sql))
    assert "COVERING INDEX" in plan, plan


# ---------------------------------------------------------------- loading facts

def test_a_missing_or_empty_store_loads_as_an_empty_frame_with_all_columns(tmp_path: Path):
    for frame in (load_facts(tmp_path / "missing.sqlite"), load_facts(open_store_path(tmp_path))):
        assert list(frame.columns) == list(LOADED_COLUMNS)
        assert len(frame) == 0
        assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in CATEGORICAL_COLUMNS)


def open_store_path(tmp_path: Path) -> Path:
    store = tmp_path / "empty.sqlite"
    open_store(store).close()
    return store


def test_load_facts_gives_every_field_with_its_article(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    add_article(conn, "/a/lyg.txt", [PORT, RANGE])
    add_article(conn, "/a/undated.txt", [PORT], date=None, source="")
    frame = load_facts(store)
    assert list(frame.columns) == list(LOADED_COLUMNS)
    assert len(frame) == 3
    first = frame.iloc[0]
    assert {c: first[c] for c in FACT_FIELDS if c != "value_high"} == {
        c: getattr(PORT, c) for c in FACT_FIELDS if c != "value_high"}
    assert pd.isna(first["value_high"]) and frame.iloc[1]["value_high"] == 50000.0
    assert (first["path"], first["date"], first["source"]) == ("/a/lyg.txt", "2025-02-11", "连云港晨报")
    assert pd.isna(frame.iloc[2]["date"])
    assert frame["value"].dtype == "float64" and frame["start"].dtype == "int64"
    assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in CATEGORICAL_COLUMNS)
    # The categories are the strings themselves, so the dashboard can filter with plain values.
    assert frame.groupby("metric", observed=True)["value"].sum().to_dict() == {
        "throughput": 2 * 5870700.0, "funds": 30000.0}


def test_a_reader_sees_the_last_commit_while_a_writer_holds_an_open_transaction(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    writer = open_store(store)
    add_article(writer, "/a/lyg.txt", [PORT])
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM facts")
    writer.execute("DELETE FROM articles")
    # A dashboard reading now sees the committed state, neither blocked nor half-deleted.
    assert len(load_facts(store)) == 1
    writer.execute("COMMIT")
    assert len(load_facts(store)) == 0


# ---------------------------------------------------------------- signature and run log

def test_store_signature_changes_when_a_run_commits_and_only_then(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    assert store_signature(store) == ()
    conn = open_store(store)
    before = store_signature(store)
    assert before == store_signature(store)
    add_article(conn, "/a/lyg.txt", [PORT])
    after = store_signature(store)
    assert after != before
    assert after[0] == 1  # the last run id


def test_last_run_reports_counts_and_skipped_inputs(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    assert last_run(store) is None
    conn = open_store(store)
    assert last_run(store) is None
    conn.execute("INSERT INTO runs (started_at, finished_at, status, seen, new, skipped, facts, seconds, "
                 "extractor_version) VALUES ('s', 'f', 'skipped', 3, 2, 1, 7, 0.5, 'v')")
    conn.execute("INSERT INTO run_skips VALUES (1, '/a/bad.txt', 'binary', 'contains NUL bytes')")
    run = last_run(store)
    assert (run["run_id"], run["finished_at"], run["status"], run["seen"], run["new"], run["facts"]) == (
        1, "f", "skipped", 3, 2, 7)
    assert run["skipped"] == [("/a/bad.txt", "binary", "contains NUL bytes")]
    assert run["skipped_count"] == 1
