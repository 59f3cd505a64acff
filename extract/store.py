"""The fact store: one SQLite file in WAL mode holding articles, their facts, and the log of refresh runs.

Why SQLite (measured, see README "Store"): the dashboard must read while a refresh writes. A DuckDB file held
read-write by one process cannot be opened by any other process at all; SQLite in WAL mode lets any number of
readers keep a consistent snapshot while one writer commits. Covering indexes keep the dashboard's filtered
group-bys fast.

Schema changes are migrations: numbered SQL scripts applied in order, each recorded in `schema_migrations` in the
same transaction that applies it, so a store is never half-migrated and never has to be deleted.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from extract.errors import ExtractError
from extract.fact import FACT_FIELDS

if TYPE_CHECKING:
    import argparse

    import pandas as pd
    import pyarrow as pa

DEFAULT_STORE = "data/facts.sqlite"
STORE_ENV = "FACTS_STORE"

# Columns of the frame `load_facts` returns: every Fact field, then where the fact comes from.
ARTICLE_COLUMNS = ("fact_id", "article_id", "path", "date", "source", "url")
LOADED_COLUMNS = FACT_FIELDS + ARTICLE_COLUMNS
# Text columns with few distinct values (per store, or repeated on every fact of an article): categorical dtype
# makes the frame several times smaller and group-bys on them about twice as fast (MEASURED.md).
CATEGORICAL_COLUMNS = (
    "doc", "unit", "qualifier", "metric", "subject", "province", "city", "district", "place", "headline",
    "path", "date", "source", "url",
)
NUMERIC_COLUMNS = {"start": "int64", "end": "int64", "value": "float64", "value_high": "float64",
                   "fact_id": "int64", "article_id": "int64"}
TEXT_COLUMNS = ("text", "sentence")

# Each migration is (version, description, SQL script). Never edit one that has shipped; add the next one.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "articles, facts, runs, run_skips", """
        CREATE TABLE articles (
            article_id        INTEGER PRIMARY KEY,
            source_key        TEXT NOT NULL UNIQUE,   -- file path, or feed path + '#' + id
            doc               TEXT NOT NULL,
            path              TEXT NOT NULL,          -- the file (or feed) it was read from
            content_hash      TEXT NOT NULL,          -- blake2b of the bytes (feed: of the record) + settings
            size              INTEGER NOT NULL,       -- of the file (feed: of the whole feed file)
            mtime_ns          INTEGER NOT NULL,
            extractor_version TEXT NOT NULL,
            settings          TEXT NOT NULL DEFAULT '',  -- the source's home/paper/date settings it was read with
            headline          TEXT,
            date              TEXT,                   -- ISO date, NULL when unknown
            source            TEXT,                   -- the paper's name
            url               TEXT,
            home              TEXT,
            first_seen        TEXT NOT NULL,          -- the run that first stored it
            last_seen         TEXT NOT NULL           -- the last run that read its content (not every no-op run)
        );
        CREATE TABLE facts (
            fact_id    INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
            doc        TEXT NOT NULL,
            text       TEXT NOT NULL,
            start      INTEGER NOT NULL,
            "end"      INTEGER NOT NULL,
            value      REAL NOT NULL,
            value_high REAL,
            unit       TEXT NOT NULL,
            qualifier  TEXT NOT NULL,
            metric     TEXT NOT NULL,
            subject    TEXT NOT NULL,
            province   TEXT NOT NULL,
            city       TEXT NOT NULL,
            district   TEXT NOT NULL,
            place      TEXT NOT NULL,
            sentence   TEXT NOT NULL,
            headline   TEXT NOT NULL
        );
        CREATE INDEX facts_by_article ON facts(article_id);
        -- Covering indexes: a group-by of one metric (and unit) by locality reads only the index, never the table.
        CREATE INDEX facts_by_metric_place ON facts(metric, unit, province, city, district, place, value);
        CREATE INDEX facts_by_place_metric ON facts(city, district, place, metric, unit, value);
        CREATE INDEX articles_by_date ON articles(date, source);
        CREATE TABLE runs (
            run_id            INTEGER PRIMARY KEY,
            started_at        TEXT NOT NULL,
            finished_at       TEXT,
            status            TEXT NOT NULL,          -- ok | skipped (ok, some inputs skipped) | failed
            seen              INTEGER NOT NULL DEFAULT 0,
            new               INTEGER NOT NULL DEFAULT 0,
            changed           INTEGER NOT NULL DEFAULT 0,
            unchanged         INTEGER NOT NULL DEFAULT 0,
            removed           INTEGER NOT NULL DEFAULT 0,
            skipped           INTEGER NOT NULL DEFAULT 0,
            facts             INTEGER NOT NULL DEFAULT 0,  -- facts written by this run
            seconds           REAL NOT NULL DEFAULT 0,
            extractor_version TEXT NOT NULL
        );
        CREATE TABLE run_skips (
            run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            source_key TEXT NOT NULL,
            reason     TEXT NOT NULL,
            detail     TEXT NOT NULL
        );
        CREATE INDEX run_skips_by_run ON run_skips(run_id);
    """),
    (2, "facts carry their article's date and source (kept in step by triggers); index for date-filtered group-bys",
     """
        ALTER TABLE facts ADD COLUMN date TEXT;
        ALTER TABLE facts ADD COLUMN source TEXT;
        UPDATE facts SET (date, source) = (SELECT a.date, a.source FROM articles a
                                           WHERE a.article_id = facts.article_id);
        -- A metric (and unit) in a date range, grouped by locality: answered from this index alone, no join.
        CREATE INDEX facts_by_metric_date ON facts(metric, unit, date, province, city, district, value);
        -- Writers insert facts without date and source (refresh does); the article's are copied in. A writer
        -- that sets them itself (the synthetic stores) skips the extra update.
        CREATE TRIGGER facts_take_article_date AFTER INSERT ON facts
        WHEN NEW.date IS NULL AND NEW.source IS NULL
        BEGIN
            UPDATE facts SET (date, source) = (SELECT a.date, a.source FROM articles a
                                               WHERE a.article_id = NEW.article_id)
            WHERE fact_id = NEW.fact_id;
        END;
        CREATE TRIGGER articles_pass_date_to_facts AFTER UPDATE OF date, source ON articles
        WHEN NEW.date IS NOT OLD.date OR NEW.source IS NOT OLD.source
        BEGIN
            UPDATE facts SET date = NEW.date, source = NEW.source WHERE article_id = NEW.article_id;
        END;
    """),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


class StoreError(ExtractError):
    """A store that cannot be used: missing when read, or written by a newer version of this program."""


def default_store_path() -> Path:
    """The store named by the FACTS_STORE environment variable, else data/facts.sqlite (relative to the cwd)."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def add_store_option(parser: argparse.ArgumentParser, purpose: str) -> None:
    """The --store option of a command that reads the store (`args.store or default_store_path()` is the store)."""
    parser.add_argument("--store", help=f"the store to {purpose} (default: ${STORE_ENV} or {default_store_path()})")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_store(path: str | os.PathLike, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the store at `path`.

    Writable (default): creates the file and its folder if needed, sets WAL mode and applies pending migrations.
    Read-only: the file must exist (StoreError otherwise) and is never changed; a reader sees one consistent
    snapshot per transaction even while a refresh commits.
    """
    p = Path(path)
    if readonly:
        if not p.is_file():
            raise StoreError(f"{p}: no fact store here (run `facts refresh` first)")
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        conn.execute("PRAGMA query_only = ON")
        version = schema_version(conn)
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(f"{p}: schema version {version} is newer than this program knows ({SCHEMA_VERSION})")
        return conn
    p.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) so that a refresh controls
    # exactly what is atomic.
    conn = sqlite3.connect(p, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable against process kills in WAL mode (only a power cut can lose the last commit).
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest migration applied to the store; 0 for a new, empty file."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").fetchone()
    if not has_table:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every pending migration, each in its own transaction with its record; returns the new version."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
                            version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)""")
        conn.execute("COMMIT")
    except sqlite3.Error:
        conn.execute("ROLLBACK")
        raise
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(f"schema version {current} is newer than this program knows ({SCHEMA_VERSION})")
    for version, description, script in MIGRATIONS:
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated between our read and our lock.
            if schema_version(conn) >= version:
                conn.execute("ROLLBACK")
                continue
            for statement in split_sql(script):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                         (version, description, utc_now()))
            conn.execute("COMMIT")
        except sqlite3.Error:
            conn.execute("ROLLBACK")
            raise
    return schema_version(conn)


def split_sql(script: str) -> list[str]:
    """The statements of a migration script. (`executescript` would commit on its own, breaking atomicity.)"""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


LOAD_BATCH_ROWS = 50_000
FACT_ROW_COLUMNS = FACT_FIELDS + ("fact_id", "article_id")
ARTICLE_ROW_COLUMNS = ("path", "date", "source", "url")
# Facts in the table's own order (no sort, no join); the article columns are joined afterwards in Arrow, so
# that a million facts do not make four million more Python strings.
LOAD_FACTS_SQL = f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in FACT_ROW_COLUMNS)} FROM facts ORDER BY fact_id"
LOAD_ARTICLES_SQL = f"SELECT article_id, {', '.join(ARTICLE_ROW_COLUMNS)} FROM articles ORDER BY article_id"

# The columnar snapshot: `<store>.facts.parquet`, every fact as `load_facts` returns it, tagged with the content
# tag of the store it was read from. Reading it takes a quarter of a second for a million facts; reading SQLite
# row by row takes several seconds.
SNAPSHOT_SUFFIX = ".facts.parquet"
SNAPSHOT_TAG_KEY = b"facts_store_tag"
# What the content tag is made of. Every writer records a run (refresh, the synthetic stores), and a run that
# changed nothing (a no-op refresh) keeps the tag, so the snapshot is not rewritten for it. The counts and
# highest ids also catch a writer that forgot its run; the store's creation time tells a rebuilt store apart.
CONTENT_TAG_SQL = """SELECT
    (SELECT applied_at FROM schema_migrations WHERE version = 1),
    (SELECT MAX(version) FROM schema_migrations),
    (SELECT run_id || '@' || COALESCE(finished_at, '') FROM runs
     WHERE new + changed + removed + facts > 0 ORDER BY run_id DESC LIMIT 1),
    (SELECT COUNT(*) FROM facts), (SELECT MAX(fact_id) FROM facts),
    (SELECT COUNT(*) FROM articles), (SELECT MAX(article_id) FROM articles)"""


def empty_facts_frame() -> pd.DataFrame:
    """A frame with no rows and the columns and dtypes of `load_facts`."""
    import pandas as pd  # here, not at the top: refresh workers import this module and never need pandas
    return typed_facts_frame(pd.DataFrame({c: [] for c in LOADED_COLUMNS}))


def typed_facts_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the loaded columns their dtypes: categoricals for repeated text, numbers for numbers."""
    import pandas as pd
    for column in LOADED_COLUMNS:
        if column in NUMERIC_COLUMNS:
            frame[column] = frame[column].astype(NUMERIC_COLUMNS[column])
        elif column in CATEGORICAL_COLUMNS:
            # Categories of strings even when empty (an empty column would otherwise get float categories).
            frame[column] = frame[column].astype(object).astype(
                pd.CategoricalDtype(pd.Index(frame[column].dropna().unique(), dtype=object)))
        else:
            frame[column] = frame[column].astype(object)
    return frame[list(LOADED_COLUMNS)]


def snapshot_path(store: str | os.PathLike) -> Path:
    """Where the columnar snapshot of `store` lives: next to it, `<store>.facts.parquet`."""
    return Path(f"{store}{SNAPSHOT_SUFFIX}")


def content_tag(conn: sqlite3.Connection) -> str:
    """A token that changes whenever the facts or articles of the store change (see CONTENT_TAG_SQL)."""
    return json.dumps(conn.execute(CONTENT_TAG_SQL).fetchone(), ensure_ascii=False)


def store_content_tag(path: str | os.PathLike) -> str | None:
    """The content tag of the store at `path`; None for a missing or never-migrated store."""
    p = Path(path)
    if not p.is_file():
        return None
    conn = open_store(p, readonly=True)
    try:
        return content_tag(conn) if schema_version(conn) >= 1 else None
    finally:
        conn.close()


def load_facts(path: str | os.PathLike, arrow_text: bool = False, keep_snapshot: bool = True) -> pd.DataFrame:
    """Every fact in the store with its article's path, date, source and url (columns LOADED_COLUMNS).

    Read from the columnar snapshot when its tag is the store's current content tag, else from SQLite in one read
    transaction (a refresh committing meanwhile is either wholly in or wholly out); after a read from SQLite the
    snapshot is rewritten when `keep_snapshot` and the folder is writable. A missing or empty store gives an empty
    frame with the same columns.

    arrow_text: the two long text columns (text, sentence) and the categories of the others as pandas' Arrow-backed
    strings instead of Python objects: ten times cheaper to load and to search, for a reader that holds a million
    facts (the dashboard).
    """
    p = Path(path)
    tag = store_content_tag(p)
    if tag is None:
        return empty_facts_frame()
    frame = read_snapshot(p, tag, arrow_text)
    if frame is not None:
        return frame
    table, tag = read_store_table(p)
    if table is None:
        return empty_facts_frame()
    if keep_snapshot:
        try:
            write_snapshot(p, table, tag)
        except OSError:  # a read-only folder or a full disk: readers then keep reading SQLite, which is correct
            pass
    return table_to_frame(table, arrow_text)


def read_store_table(path: Path) -> tuple[pa.Table | None, str]:
    """Every fact with its article columns as one Arrow table (None when the store holds no facts), and the
    content tag of the snapshot it was read in."""
    import numpy as np
    import pyarrow as pa
    # Rows are turned into Arrow columns a batch at a time: a million rows of Python tuples would take gigabytes,
    # and Arrow's dictionary encoding builds the categoricals faster than pandas does from objects.
    types = {name: pa.float64() if NUMERIC_COLUMNS.get(name) == "float64" else
             pa.int64() if name in NUMERIC_COLUMNS else pa.string() for name in LOADED_COLUMNS}
    chunks: dict[str, list] = {name: [] for name in FACT_ROW_COLUMNS}
    conn = open_store(path, readonly=True)
    try:
        conn.execute("BEGIN")  # one read transaction: facts, articles and the tag from the same snapshot
        tag = content_tag(conn)
        articles = conn.execute(LOAD_ARTICLES_SQL).fetchall()
        cursor = conn.execute(LOAD_FACTS_SQL)
        while batch := cursor.fetchmany(LOAD_BATCH_ROWS):
            for name, values in zip(FACT_ROW_COLUMNS, zip(*batch)):
                chunks[name].append(pa.array(values, type=types[name]))
        conn.execute("COMMIT")
    finally:
        conn.close()
    if not chunks["fact_id"]:
        return None, tag
    columns = {}
    for name in FACT_ROW_COLUMNS:
        column = pa.chunked_array(chunks.pop(name), type=types[name])
        columns[name] = column.dictionary_encode() if name in CATEGORICAL_COLUMNS else column
    # Each fact's article row, found by binary search in the sorted article ids (every fact has its article:
    # the foreign key), then the article columns as dictionaries indexed by that row.
    article_ids = np.fromiter((row[0] for row in articles), dtype=np.int64, count=len(articles))
    rows = pa.array(np.searchsorted(article_ids, columns["article_id"].to_numpy()).astype(np.int32))
    for position, name in enumerate(ARTICLE_ROW_COLUMNS, start=1):
        per_article = pa.array([row[position] for row in articles], type=pa.string())
        # Only the values that facts use, once each (the dictionary of every article would hold unused ones).
        columns[name] = per_article.take(rows).dictionary_encode()
    table = pa.Table.from_arrays([columns[name] for name in LOADED_COLUMNS], names=list(LOADED_COLUMNS))
    return table.combine_chunks(), tag


def table_to_frame(table: pa.Table, arrow_text: bool = False) -> pd.DataFrame:
    """The pandas frame of a facts table, with the dtypes of `typed_facts_frame` (Arrow-backed text columns when
    `arrow_text`)."""
    import pandas as pd
    frame = table.to_pandas()
    if arrow_text:
        # Categories stay pandas' Arrow-backed `str` too (they compare equal to plain strings): turning a store's
        # worth of distinct paths and headlines into Python strings would cost the dashboard's first page.
        return frame[list(LOADED_COLUMNS)]
    for name in TEXT_COLUMNS:
        frame[name] = frame[name].astype(object)
    for name in CATEGORICAL_COLUMNS:
        # Categories of plain Python strings, as typed_facts_frame gives, so that comparisons and exports agree.
        column = frame[name]
        frame[name] = column.cat.set_categories(pd.Index(column.cat.categories, dtype=object))
    return frame[list(LOADED_COLUMNS)]


def read_snapshot(store: str | os.PathLike, tag: str, arrow_text: bool = False) -> pd.DataFrame | None:
    """The snapshot of `store` as a facts frame if it was made from content `tag`; None when it is missing,
    stale (made before the last commit, e.g. a refresh killed before it rewrote the snapshot) or unreadable.

    The file is opened once and its tag and rows are read through that one handle: a refresh replacing the file
    meanwhile (os.replace) does not mix two versions."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    try:
        with snapshot_path(store).open("rb") as handle:
            snapshot = pq.ParquetFile(handle)
            metadata = snapshot.schema_arrow.metadata or {}
            if metadata.get(SNAPSHOT_TAG_KEY) != tag.encode("utf-8"):
                return None
            table = snapshot.read()
    except FileNotFoundError:
        return None
    except (OSError, pa.ArrowException):  # a truncated or foreign file: ignore it, SQLite has the truth
        return None
    if table.column_names != list(LOADED_COLUMNS):
        return None
    return table_to_frame(table, arrow_text)


def write_snapshot(store: str | os.PathLike, table: pa.Table, tag: str) -> Path:
    """Write `table` (from read_store_table) as the snapshot of `store`, tagged `tag`: into a temporary file in the
    same folder, flushed to disk, then moved over the old one with os.replace, so that a reader sees the old or
    the new file and never a part of one."""
    import pyarrow.parquet as pq
    target = snapshot_path(store)
    tagged = table.replace_schema_metadata({**(table.schema.metadata or {}), SNAPSHOT_TAG_KEY: tag.encode("utf-8")})
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            pq.write_table(tagged, handle, compression="zstd")
            handle.flush()
            os.fsync(handle.fileno())
        # Readable by whoever can read the store (a temporary file starts as owner-only).
        os.chmod(handle.name, Path(store).stat().st_mode & 0o666)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return target


def refresh_snapshot(store: str | os.PathLike) -> bool:
    """Bring the snapshot of `store` up to date after a commit; True when it was rewritten, False when it was
    current already (a run that changed nothing) or could not be written (readers then read SQLite)."""
    p = Path(store)
    tag = store_content_tag(p)
    if tag is None or read_snapshot_tag(p) == tag:
        return False
    table, tag = read_store_table(p)
    if table is None:
        table = empty_facts_table()
    try:
        write_snapshot(p, table, tag)
    except OSError:
        return False
    return True


def read_snapshot_tag(store: str | os.PathLike) -> str | None:
    """The tag of the snapshot of `store` (its footer only), None when there is no readable snapshot."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    try:
        metadata = pq.read_schema(snapshot_path(store)).metadata or {}
    except (OSError, pa.ArrowException):
        return None
    tag = metadata.get(SNAPSHOT_TAG_KEY)
    return tag.decode("utf-8") if tag is not None else None


def empty_facts_table() -> pa.Table:
    """A facts table with no rows (the snapshot of a store without facts)."""
    import pyarrow as pa
    fields = []
    for name in LOADED_COLUMNS:
        if name in NUMERIC_COLUMNS:
            kind = pa.float64() if NUMERIC_COLUMNS[name] == "float64" else pa.int64()
        elif name in CATEGORICAL_COLUMNS:
            kind = pa.dictionary(pa.int32(), pa.string())
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    return pa.schema(fields).empty_table()


def store_signature(path: str | os.PathLike) -> tuple:
    """A cheap token that changes whenever a refresh commits: the last run id and the db and WAL file stats.

    Use it as a cache key (e.g. st.cache_resource) so that a reader reloads only after a commit.
    """
    p = Path(path)
    stats = []
    for file in (p, Path(f"{p}-wal")):
        try:
            st = file.stat()
            stats.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            stats.append(None)
    if stats[0] is None:
        return ()
    run = last_run_id(p)
    return (run, *stats)


def last_run_id(path: Path) -> int | None:
    try:
        conn = open_store(path, readonly=True)
    except StoreError:
        return None
    try:
        if schema_version(conn) < 1:
            return None
        return conn.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]
    finally:
        conn.close()


RUN_FIELDS = ("run_id", "started_at", "finished_at", "status", "seen", "new", "changed", "unchanged", "removed",
              "skipped", "facts", "seconds", "extractor_version")


def last_run(path: str | os.PathLike) -> dict | None:
    """The latest refresh run, None if none: its RUN_FIELDS, except that `skipped` is the list of skipped inputs
    [(source_key, reason, detail)] and `skipped_count` their number."""
    p = Path(path)
    if not p.is_file():
        return None
    conn = open_store(p, readonly=True)
    try:
        if schema_version(conn) < 1:
            return None
        row = conn.execute(f"SELECT {', '.join(RUN_FIELDS)} FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        run = dict(zip(RUN_FIELDS, row))
        run["skipped_count"] = run["skipped"]
        run["skipped"] = conn.execute(
            "SELECT source_key, reason, detail FROM run_skips WHERE run_id = ? ORDER BY rowid",
            (run["run_id"],)).fetchall()
        return run
    finally:
        conn.close()


def count_rows(path: str | os.PathLike) -> dict[str, int]:
    """How many articles, facts and runs the store holds (all zero for a missing store)."""
    p = Path(path)
    if not p.is_file():
        return {"articles": 0, "facts": 0, "runs": 0}
    conn = open_store(p, readonly=True)
    try:
        if schema_version(conn) < 1:
            return {"articles": 0, "facts": 0, "runs": 0}
        return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("articles", "facts", "runs")}
    finally:
        conn.close()
