"""extract/store.py: schema and migrations, loading facts, signatures and run log, on real SQLite files."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from extract.fact import FACT_FIELDS, Fact
from extract.store import (CATEGORICAL_COLUMNS, LOADED_COLUMNS, MIGRATIONS, SCHEMA_VERSION, StoreError,
                           count_rows, default_store_path, last_run, load_facts, open_store, read_snapshot_tag,
                           read_store_table, refresh_snapshot, schema_version, snapshot_path, split_sql,
                           store_content_tag, store_signature, write_snapshot)

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
    QueryPlanCase("metric-by-city-in-dates", "SELECT city, COUNT(*), SUM(value) FROM facts WHERE metric = "
                  "'throughput' AND unit = '吨' AND date BETWEEN '2025-03-01' AND '2025-08-31' GROUP BY city"),
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


# ---------------------------------------------------------------- migration 2: facts carry date and source

def test_facts_take_their_articles_date_and_source_and_follow_changes(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    article = add_article(conn, "/a/lyg.txt", [PORT, RANGE], date="2025-02-11", source="连云港晨报")
    assert conn.execute("SELECT DISTINCT date, source FROM facts").fetchall() == [("2025-02-11", "连云港晨报")]
    conn.execute("UPDATE articles SET date = '2025-03-01', source = '苍梧晚报' WHERE article_id = ?", (article,))
    assert conn.execute("SELECT DISTINCT date, source FROM facts").fetchall() == [("2025-03-01", "苍梧晚报")]


def test_migration_2_fills_the_dates_of_facts_already_stored(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    conn = sqlite3.connect(store, isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                 "applied_at TEXT NOT NULL)")
    version, description, script = MIGRATIONS[0]
    conn.execute("BEGIN")
    for statement in split_sql(script):
        conn.execute(statement)
    conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 't')", (version, description))
    conn.execute("COMMIT")
    add_article(conn, "/a/lyg.txt", [PORT], date="2024-12-31", source="连云港晨报")
    conn.close()
    migrated = open_store(store)
    assert schema_version(migrated) == SCHEMA_VERSION
    assert migrated.execute("SELECT date, source FROM facts").fetchall() == [("2024-12-31", "连云港晨报")]


# ---------------------------------------------------------------- the columnar snapshot

def test_load_facts_writes_a_tagged_snapshot_and_then_reads_it(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    add_article(open_store(store), "/a/lyg.txt", [PORT, RANGE])
    from_sqlite = load_facts(store)
    assert snapshot_path(store).is_file()
    assert read_snapshot_tag(store) == store_content_tag(store)
    # Proof that a current snapshot is what is read: doctor it under the same tag, and the doctored value comes back.
    table, tag = read_store_table(store)
    values = table.column("value").to_pylist()
    doctored = table.set_column(table.schema.get_field_index("value"), "value", pa.array([v + 1 for v in values]))
    write_snapshot(store, doctored, tag)
    assert list(load_facts(store)["value"]) == [v + 1 for v in from_sqlite["value"]]


def test_the_snapshot_has_the_same_frame_as_sqlite(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    add_article(conn, "/a/lyg.txt", [PORT, RANGE])
    add_article(conn, "/a/undated.txt", [PORT], date=None, source="")
    from_sqlite = load_facts(store, keep_snapshot=False)
    assert not snapshot_path(store).exists()
    assert refresh_snapshot(store) is True
    from_snapshot = load_facts(store)
    pd.testing.assert_frame_equal(from_snapshot, from_sqlite)
    arrow = load_facts(store, arrow_text=True)
    assert list(arrow["sentence"]) == list(from_sqlite["sentence"])
    assert isinstance(arrow["sentence"].dtype, pd.StringDtype)


@dataclass(frozen=True)
class StaleCase:
    id: str
    change: object  # (store path, connection) -> None: a commit made after the snapshot was written


def _new_article(store: Path, conn: sqlite3.Connection) -> None:
    add_article(conn, "/a/new.txt", [RANGE])


def _facts_deleted_without_a_run(store: Path, conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM facts WHERE value = 30000")


def _store_rebuilt(store: Path, conn: sqlite3.Connection) -> None:
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    conn = open_store(store)
    conn.execute("UPDATE schema_migrations SET applied_at = 'rebuilt' WHERE version = 1")
    add_article(conn, "/b/other.txt", [RANGE, RANGE])


# A refresh killed between its SQLite commit and the snapshot leaves exactly this: a snapshot of an older store.
STALE_CASES = [
    StaleCase("a-run-committed-after-it", _new_article),
    StaleCase("facts-deleted-without-a-run", _facts_deleted_without_a_run),
    StaleCase("store-deleted-and-rebuilt", _store_rebuilt),
]


@pytest.mark.parametrize("case", STALE_CASES, ids=lambda c: c.id)
def test_a_stale_snapshot_is_detected_ignored_and_replaced(case: StaleCase, tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    add_article(conn, "/a/lyg.txt", [PORT, RANGE])
    load_facts(store)
    old_tag = read_snapshot_tag(store)
    case.change(store, conn)
    truth = load_facts(store, keep_snapshot=False)
    assert read_snapshot_tag(store) == old_tag != store_content_tag(store)
    pd.testing.assert_frame_equal(load_facts(store), truth)
    assert read_snapshot_tag(store) == store_content_tag(store)


def test_a_run_that_changes_nothing_keeps_the_snapshot(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    add_article(conn, "/a/lyg.txt", [PORT])
    assert refresh_snapshot(store) is True
    conn.execute("INSERT INTO runs (started_at, finished_at, status, seen, unchanged, extractor_version) "
                 "VALUES ('t2', 't2', 'ok', 1, 1, 'v')")
    assert refresh_snapshot(store) is False


@pytest.mark.parametrize("damage", ["truncated", "not-parquet", "empty"])
def test_a_damaged_snapshot_is_ignored(damage: str, tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    add_article(open_store(store), "/a/lyg.txt", [PORT, RANGE])
    load_facts(store)
    path = snapshot_path(store)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "not-parquet": b"PAR1 hello", "empty": b""}[damage])
    assert list(load_facts(store)["text"]) == ["587.07万吨", "3至5万元"]
    assert read_snapshot_tag(store) == store_content_tag(store)


def test_a_failed_snapshot_write_leaves_the_old_snapshot_whole_and_no_temporary_file(tmp_path: Path, monkeypatch):
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    add_article(conn, "/a/lyg.txt", [PORT])
    load_facts(store)
    before = snapshot_path(store).read_bytes()
    add_article(conn, "/a/new.txt", [RANGE])

    def write_half_then_fail(table, where, **options):
        where.write(before[:100])
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", write_half_then_fail)
    assert refresh_snapshot(store) is False
    assert snapshot_path(store).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "parquet" in p.name) == [snapshot_path(store).name]
    monkeypatch.undo()
    assert list(load_facts(store)["text"]) == ["587.07万吨", "3至5万元"]


def test_a_reader_holding_the_old_snapshot_is_not_disturbed_by_a_replacement(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    add_article(conn, "/a/lyg.txt", [PORT])
    load_facts(store)
    with snapshot_path(store).open("rb") as reader:
        add_article(conn, "/a/new.txt", [RANGE])
        assert refresh_snapshot(store) is True
        old = pq.ParquetFile(reader).read()
    assert old.column("text").to_pylist() == ["587.07万吨"]
    assert list(load_facts(store)["text"]) == ["587.07万吨", "3至5万元"]


def test_a_refresh_writes_the_snapshot_after_its_commit(tmp_path: Path):
    from extract.refresh import refresh
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "2025-01-02_port.txt").write_text("连云港港1月完成货物吞吐量2568.4万吨。\n", encoding="utf-8")
    store = tmp_path / "facts.sqlite"
    refresh([folder], store, workers=1, progress=False)
    assert read_snapshot_tag(store) == store_content_tag(store)
    frame = load_facts(store)
    assert list(frame["date"]) == ["2025-01-02"] * len(frame) and len(frame) >= 1
