"""`facts refresh`: bring the store up to date with the sources, incrementally, atomically, in parallel.

One run:
1. takes the store's file lock (`<store>.lock`), so that two refreshes never write at once;
2. opens one write transaction (BEGIN IMMEDIATE) that everything below happens in;
3. walks the sources; a file whose size, mtime and settings are unchanged under the same extractor version is
   not even read; one whose stats changed is hashed (blake2b) and extracted only if its content changed;
4. extracts new and changed articles in worker processes (or on a Dask cluster); only this process writes;
5. removes the articles that disappeared from a source that could be listed, logs the run and its skipped inputs,
   and commits. A run killed at any moment leaves no trace: SQLite discards the uncommitted transaction.

Bad input (unreadable, empty, binary, oversized, undecodable files, broken feed lines, unreadable folders) is
recorded in `run_skips` and never stored as an article, so the next run tries it again; an article that was fine
before and is unreadable now keeps its old facts.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from extract.config import (ArticleMeta, ConfigError, Source, file_article_meta, find_config, iso_date,
                            load_config)
from extract.errors import ExtractError, OversizedInput, UnreadableInput
from extract.fact import FACT_FIELDS
from extract.pipeline import EXTRACTOR_VERSION, extract
from extract.reader import ARTICLE_SUFFIXES, FEED_SUFFIXES, MAX_ARTICLE_BYTES, decode_article, parse_feed_line
from extract.store import STORE_ENV, default_store_path, open_store, refresh_snapshot, utc_now

EXIT_OK, EXIT_FAILED, EXIT_SKIPPED, EXIT_LOCKED = 0, 1, 3, 75
# Articles per task sent to a worker: big enough to amortise the round trip, small enough to balance the load.
CHUNK_ARTICLES = 16
# Errors an extractor bug can raise on one odd article. They are reported as that article's skip
# ("extract-error") so that one article cannot stop a refresh of 100,000; anything else stops the run.
EXTRACTOR_BUGS = (ValueError, ArithmeticError, LookupError, TypeError, AttributeError, RecursionError, re.error)


class RefreshError(ExtractError):
    """A refresh that cannot run: bad arguments, Dask asked for but not installed."""


class RefreshLocked(RefreshError):
    """Another refresh holds the store's lock."""


@dataclass(frozen=True)
class Skip:
    """An input not stored this run, with a short stable reason and a human detail."""

    source_key: str
    reason: str
    detail: str


@dataclass(frozen=True)
class Task:
    """One article to extract: everything a worker needs, including the content (a Dask worker may not see
    the files)."""

    source_key: str
    doc: str
    path: str
    content_hash: str
    size: int
    mtime_ns: int
    settings: str
    source: Source
    data: bytes | None = None           # a text file's bytes
    record: dict | None = None          # a feed record


@dataclass(frozen=True)
class Extracted:
    """A worker's answer for one article: its metadata and its facts as rows in FACT_FIELDS order."""

    task: Task
    meta: ArticleMeta
    facts: list[tuple]


@dataclass
class RunSummary:
    run_id: int | None = None
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0
    facts: int = 0
    seconds: float = 0.0
    status: str = "ok"
    skips: list[Skip] = field(default_factory=list)

    def line(self) -> str:
        return (f"refresh: seen {self.seen}, new {self.new}, changed {self.changed}, removed {self.removed}, "
                f"skipped {self.skipped}, facts {self.facts}, {self.seconds:.2f} s")

    @property
    def exit_code(self) -> int:
        return EXIT_SKIPPED if self.skipped else EXIT_OK


@dataclass(frozen=True)
class Known:
    """What the store knows about one article."""

    article_id: int
    path: str
    content_hash: str
    size: int
    mtime_ns: int
    extractor_version: str
    settings: str

    def current(self, settings: str) -> bool:
        return self.extractor_version == EXTRACTOR_VERSION and self.settings == settings

    def same_stat(self, size: int, mtime_ns: int, settings: str) -> bool:
        return self.current(settings) and self.size == size and self.mtime_ns == mtime_ns


# ---------------------------------------------------------------- worker side (runs in other processes)

def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def record_hash(record: dict) -> str:
    """The content hash of a feed record: title and text, and the metadata stored with it."""
    canonical = json.dumps([record.get(k) for k in ("title", "text", "date", "source", "url", "home")],
                           ensure_ascii=False, default=str)
    return content_hash(canonical.encode("utf-8"))


def fact_rows(text: str, doc: str, home: str, headline: str) -> list[tuple]:
    rows = []
    for fact in extract(text, doc=doc, home=home, headline=headline):
        values = fact.as_dict()  # once per fact, not once per field: it copies the whole dataclass
        rows.append(tuple(values[name] for name in FACT_FIELDS))
    return rows


def extract_task(task: Task) -> Extracted | Skip:
    """Decode, read metadata and extract one article. Bad input and extractor bugs give a Skip, not an error."""
    try:
        if task.record is not None:
            record = task.record
            meta = ArticleMeta(headline=str(record.get("title") or ""),
                               date=iso_date(record.get("date"), task.source_key),
                               source=str(record.get("source") or task.source.paper),
                               url=str(record.get("url") or ""),
                               home=str(record.get("home") or task.source.home))
            text = record["text"]
        else:
            text = decode_article(task.data, task.source_key)
            meta = file_article_meta(text, task.path, task.source, task.source_key)
        # A feed gives a title; a file's headline is left to the extractor, which reads the text's first lines.
        headline = meta.headline if task.record is not None else ""
        return Extracted(task=task, meta=meta, facts=fact_rows(text, task.doc, meta.home, headline))
    except UnreadableInput as exc:
        return Skip(task.source_key, exc.reason, exc.detail)
    except EXTRACTOR_BUGS as exc:
        return Skip(task.source_key, "extract-error", f"{type(exc).__name__}: {exc}")


def extract_chunk(tasks: list[Task]) -> list[Extracted | Skip]:
    return [extract_task(t) for t in tasks]


# ---------------------------------------------------------------- finding inputs

@dataclass(frozen=True)
class Input:
    """A file found in a source: a text article or a JSON Lines feed."""

    path: Path
    source: Source
    size: int
    mtime_ns: int
    is_feed: bool


@dataclass
class Listing:
    inputs: list[Input] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    scopes: list[tuple[str, bool]] = field(default_factory=list)    # (path, is_folder) whose removals count
    protected: list[str] = field(default_factory=list)              # folders that could not be listed
    keys: set[str] = field(default_factory=set)


def key_of(path: Path) -> str:
    return str(path.absolute())


def stat_input(path: Path, source: Source, listing: Listing) -> None:
    if key_of(path) in listing.keys:  # two sources naming the same file: the first one wins
        return
    listing.keys.add(key_of(path))
    try:
        st = path.stat()
    except OSError as exc:
        listing.skips.append(Skip(key_of(path), "unreadable", exc.strerror or str(exc)))
        return
    listing.inputs.append(Input(path.absolute(), source, st.st_size, st.st_mtime_ns,
                                path.suffix.lower() in FEED_SUFFIXES))


def list_sources(sources: Iterable[Source]) -> Listing:
    """Every article file and feed in the sources, with stats; unreadable folders and missing sources as skips."""
    listing = Listing()
    for source in sources:
        root = Path(source.path).absolute()
        if root.is_dir():
            listing.scopes.append((str(root), True))

            def unreadable(exc: OSError) -> None:
                folder = key_of(Path(exc.filename))
                listing.skips.append(Skip(folder, "unreadable-folder", exc.strerror or str(exc)))
                listing.protected.append(folder)

            for folder, subfolders, files in os.walk(root, onerror=unreadable):
                subfolders.sort()
                for name in sorted(files):
                    if name.lower().endswith(ARTICLE_SUFFIXES + FEED_SUFFIXES):
                        stat_input(Path(folder) / name, source, listing)
        elif root.exists():
            listing.scopes.append((str(root), False))
            stat_input(root, source, listing)
        else:
            # A source that vanished (an unmounted disk, a typo) must not wipe its facts: report and keep them.
            listing.skips.append(Skip(str(root), "missing", "no such file or folder"))
            listing.protected.append(str(root))
    return listing


def in_scope(path: str, scopes: list[tuple[str, bool]]) -> bool:
    return any(path.startswith(root + os.sep) if is_folder else path == root for root, is_folder in scopes)


def is_protected(path: str, protected: list[str]) -> bool:
    return any(path == p or path.startswith(p + os.sep) for p in protected)


# ---------------------------------------------------------------- planning: unchanged, skip, or extract

@dataclass
class Plan:
    """What the parent decided without extracting: articles unchanged (ids), stats to update, keys seen."""

    unchanged_ids: list[int] = field(default_factory=list)
    touched: list[tuple[int, int, int]] = field(default_factory=list)     # (size, mtime_ns, article_id)
    seen_keys: set[str] = field(default_factory=set)
    skips: list[Skip] = field(default_factory=list)
    kept_feeds: set[str] = field(default_factory=set)   # feeds with bad lines: their vanished ids are kept


def plan_tasks(listing: Listing, known: dict[str, Known], by_path: dict[str, list[str]], retry: set[str],
               plan: Plan) -> Iterator[Task]:
    """Yield a Task for every article to extract; record everything else in `plan`. Reads only what changed."""
    for item in listing.inputs:
        if item.is_feed:
            yield from plan_feed(item, known, by_path, retry, plan)
        else:
            task = plan_file(item, known, retry, plan)
            if task is not None:
                yield task


def plan_file(item: Input, known: dict[str, Known], retry: set[str], plan: Plan) -> Task | None:
    key = key_of(item.path)
    settings = item.source.settings()
    old = known.get(key)
    plan.seen_keys.add(key)
    if old is not None and old.same_stat(item.size, item.mtime_ns, settings) and key not in retry:
        plan.unchanged_ids.append(old.article_id)
        return None
    if item.size > MAX_ARTICLE_BYTES:
        exc = OversizedInput(key, f"{item.size} bytes, more than the limit of {MAX_ARTICLE_BYTES}")
        plan.skips.append(Skip(key, exc.reason, exc.detail))
        return None
    try:
        data = item.path.read_bytes()
    except OSError as exc:
        plan.skips.append(Skip(key, "unreadable", exc.strerror or str(exc)))
        return None
    digest = content_hash(data)
    if old is not None and old.current(settings) and old.content_hash == digest:
        plan.touched.append((len(data), item.mtime_ns, old.article_id))
        return None
    return Task(source_key=key, doc=item.path.stem, path=str(item.path), content_hash=digest, size=len(data),
                mtime_ns=item.mtime_ns, settings=settings, source=item.source, data=data)


def plan_feed(item: Input, known: dict[str, Known], by_path: dict[str, list[str]], retry: set[str],
              plan: Plan) -> Iterator[Task]:
    """The records of a JSON Lines feed: skipped wholesale when the file is unchanged and had no bad lines."""
    feed = str(item.path)
    settings = item.source.settings()
    keys = by_path.get(feed, [])
    had_trouble = any(k == feed or k.startswith(feed + "#") for k in retry)
    if keys and not had_trouble and all(known[k].same_stat(item.size, item.mtime_ns, settings) for k in keys):
        plan.seen_keys.update(keys)
        plan.unchanged_ids.extend(known[k].article_id for k in keys)
        return
    if item.size > MAX_ARTICLE_BYTES * 50:
        plan.skips.append(Skip(feed, "oversized", f"{item.size} bytes, a feed this big should be split"))
        plan.kept_feeds.add(feed)
        return
    try:
        with open(item.path, "rb") as handle:
            lines = handle.readlines()
    except OSError as exc:
        plan.skips.append(Skip(feed, "unreadable", exc.strerror or str(exc)))
        plan.kept_feeds.add(feed)
        return
    ids_in_feed: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = parse_feed_line(raw, feed, number)
        except UnreadableInput as exc:
            plan.skips.append(Skip(f"{feed}:{number}", exc.reason, exc.detail))
            plan.kept_feeds.add(feed)
            continue
        record_id = record["id"]
        key = f"{feed}#{record_id}"
        if record_id in ids_in_feed:
            plan.skips.append(Skip(f"{feed}:{number}", "bad-record", f"id {record_id!r} appears twice in the feed"))
            continue
        ids_in_feed.add(record_id)
        plan.seen_keys.add(key)
        digest = record_hash(record)
        old = known.get(key)
        if old is not None and old.current(settings) and old.content_hash == digest:
            plan.touched.append((item.size, item.mtime_ns, old.article_id))
            continue
        yield Task(source_key=key, doc=record_id, path=feed, content_hash=digest, size=item.size,
                   mtime_ns=item.mtime_ns, settings=settings, source=item.source, record=record)


# ---------------------------------------------------------------- running the extraction

def chunked(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_in_process(chunks: Iterable[list[Task]]) -> Iterator[list[Extracted | Skip]]:
    for chunk in chunks:
        yield extract_chunk(chunk)


def run_in_pool(chunks: Iterable[list[Task]], workers: int) -> Iterator[list[Extracted | Skip]]:
    """Extract in worker processes, keeping a bounded number of chunks in flight (so memory stays flat)."""
    # forkserver, not fork: a refresh started from a threaded program (the Streamlit dashboard) must not fork it.
    context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        in_flight = set()
        for chunk in chunks:
            in_flight.add(pool.submit(extract_chunk, chunk))
            if len(in_flight) >= workers * 4:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        for future in wait(in_flight).done:
            yield future.result()


def run_on_dask(chunks: Iterable[list[Task]], scheduler: str) -> Iterator[list[Extracted | Skip]]:
    """Extract on a Dask cluster; the tasks carry the article content, so workers need no access to the files."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RefreshError("--scheduler needs Dask: pip install 'facts-extract[dask]'") from None
    with Client(scheduler) as client:
        pending = as_completed()
        in_flight = 0
        window = max(4, 4 * sum(client.nthreads().values()))
        for chunk in chunks:
            pending.add(client.submit(extract_chunk, chunk, pure=False))
            in_flight += 1
            if in_flight >= window:
                yield next(pending).result()
                in_flight -= 1
        for future in pending:
            yield future.result()


# ---------------------------------------------------------------- writing

ARTICLE_UPDATE = """UPDATE articles SET doc = ?, path = ?, content_hash = ?, size = ?, mtime_ns = ?, extractor_version = ?,
    settings = ?, headline = ?, date = ?, source = ?, url = ?, home = ?, last_seen = ? WHERE article_id = ?"""
ARTICLE_INSERT = """INSERT INTO articles (doc, path, content_hash, size, mtime_ns, extractor_version, settings,
    headline, date, source, url, home, last_seen, source_key, first_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
FACT_INSERT = (f"INSERT INTO facts (article_id, {', '.join(chr(34) + c + chr(34) for c in FACT_FIELDS)}) "
               f"VALUES ({', '.join('?' * (len(FACT_FIELDS) + 1))})")


def write_article(conn: sqlite3.Connection, result: Extracted, known: dict[str, Known], now: str) -> bool:
    """Store one extracted article, replacing its old facts; True when it is new."""
    t, m = result.task, result.meta
    values = (t.doc, t.path, t.content_hash, t.size, t.mtime_ns, EXTRACTOR_VERSION, t.settings, m.headline,
              m.date, m.source, m.url, m.home, now)
    old = known.get(t.source_key)
    if old is not None:
        conn.execute("DELETE FROM facts WHERE article_id = ?", (old.article_id,))
        conn.execute(ARTICLE_UPDATE, values + (old.article_id,))
        article_id = old.article_id
    else:
        article_id = conn.execute(ARTICLE_INSERT, values + (t.source_key, now)).lastrowid
    conn.executemany(FACT_INSERT, ((article_id, *row) for row in result.facts))
    return old is None


def load_known(conn: sqlite3.Connection) -> tuple[dict[str, Known], dict[str, list[str]]]:
    known, by_path = {}, {}
    for key, article_id, path, digest, size, mtime_ns, version, settings in conn.execute(
            "SELECT source_key, article_id, path, content_hash, size, mtime_ns, extractor_version, settings "
            "FROM articles"):
        known[key] = Known(article_id, path, digest, size, mtime_ns, version, settings)
        if key != path:  # feed records: find them by their feed
            by_path.setdefault(path, []).append(key)
    return known, by_path


def last_skipped_keys(conn: sqlite3.Connection) -> set[str]:
    """Inputs the previous run skipped: they are read again even when their stats did not change."""
    row = conn.execute("SELECT MAX(run_id) FROM runs").fetchone()
    if row[0] is None:
        return set()
    return {k for (k,) in conn.execute("SELECT source_key FROM run_skips WHERE run_id = ?", (row[0],))}


def feed_of(key: str) -> str:
    """The feed path of a skipped feed line key (`feed:12`), or the key itself."""
    head, _, tail = key.rpartition(":")
    return head if head and tail.isdigit() else key


# ---------------------------------------------------------------- progress

class Progress:
    """A tqdm bar on a terminal, a plain line every few seconds otherwise, nothing when quiet."""

    def __init__(self, enabled: bool, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.bar = None
        self.done = 0
        self.last_line = time.monotonic()
        if enabled and self.stream.isatty():
            from tqdm import tqdm
            self.bar = tqdm(desc="extracting", unit=" articles", file=self.stream, total=None)

    def advance(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.enabled and time.monotonic() - self.last_line >= 2.0:
            self.last_line = time.monotonic()
            print(f"refresh: extracted {self.done} articles", file=self.stream, flush=True)

    def note(self, message: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ---------------------------------------------------------------- the run

def as_sources(sources: Iterable[Source | str | os.PathLike]) -> list[Source]:
    return [s if isinstance(s, Source) else Source(Path(s)) for s in sources]


def refresh(sources: Iterable[Source | str | os.PathLike], store_path: str | os.PathLike | None = None,
            workers: int | None = None, scheduler: str | None = None, progress: bool = True,
            wait_seconds: float = 0.0, prune: bool = False) -> RunSummary:
    """Bring the store at `store_path` up to date with `sources` (Source objects or plain paths) in one
    transaction, and return what changed.

    workers: extraction processes (default: all cores; 1 extracts in this process). scheduler: a Dask scheduler
    address to extract on instead. wait_seconds: how long to wait for another refresh's lock (RefreshLocked
    after that). prune: also remove articles of sources that are missing or no longer given.
    """
    from filelock import FileLock, Timeout

    started = time.monotonic()
    sources = as_sources(sources)
    store = Path(store_path) if store_path is not None else default_store_path()
    if workers is not None and workers < 1:
        raise RefreshError(f"workers must be at least 1, not {workers}")
    workers = workers or os.cpu_count() or 1
    store.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{store}.lock")
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise RefreshLocked(f"another refresh is writing {store} (lock {store}.lock held); "
                            "try again later or pass --wait SECONDS") from None
    try:
        return run_locked(sources, store, workers, scheduler, Progress(progress), prune, started)
    finally:
        lock.release()


def run_locked(sources: list[Source], store: Path, workers: int, scheduler: str | None, progress: Progress,
               prune: bool, started: float) -> RunSummary:
    conn = open_store(store)
    summary = RunSummary()
    started_at = utc_now()
    committed = False
    try:
        conn.execute("BEGIN IMMEDIATE")
        known, by_path = load_known(conn)
        retry = last_skipped_keys(conn)
        retry |= {feed_of(k) for k in retry}
        listing = list_sources(sources)
        plan = Plan()
        tasks = plan_tasks(listing, known, by_path, retry, plan)
        chunks = chunked(tasks, CHUNK_ARTICLES)
        if scheduler:
            results = run_on_dask(chunks, scheduler)
        elif workers > 1 and estimated_work(listing, known, retry) >= 4 * workers:
            results = run_in_pool(chunks, workers)
        else:
            results = run_in_process(chunks)
        now = utc_now()
        extract_skips: list[Skip] = []
        for chunk_results in results:
            for result in chunk_results:
                if isinstance(result, Skip):
                    extract_skips.append(result)
                    continue
                if write_article(conn, result, known, now):
                    summary.new += 1
                else:
                    summary.changed += 1
                summary.facts += len(result.facts)
            progress.advance(len(chunk_results))
        progress.close()
        # An unchanged article is not written at all (a no-op run over 100,000 articles writes a few pages);
        # one whose file was touched gets its new stats so that the next run skips it without hashing.
        conn.executemany("UPDATE articles SET size = ?, mtime_ns = ?, last_seen = ? WHERE article_id = ?",
                         ((size, mtime, now, article_id) for size, mtime, article_id in plan.touched))
        summary.unchanged = len(plan.unchanged_ids) + len(plan.touched)
        skips = listing.skips + plan.skips + extract_skips
        summary.removed = remove_vanished(conn, known, plan, listing, sources, prune)
        summary.skipped = len(skips)
        summary.skips = skips
        summary.seen = summary.new + summary.changed + summary.unchanged + summary.skipped
        summary.status = "skipped" if skips else "ok"
        summary.seconds = time.monotonic() - started
        summary.run_id = conn.execute(
            "INSERT INTO runs (started_at, finished_at, status, seen, new, changed, unchanged, removed, skipped, "
            "facts, seconds, extractor_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (started_at, utc_now(), summary.status, summary.seen, summary.new, summary.changed, summary.unchanged,
             summary.removed, summary.skipped, summary.facts, summary.seconds, EXTRACTOR_VERSION)).lastrowid
        conn.executemany("INSERT INTO run_skips (run_id, source_key, reason, detail) VALUES (?,?,?,?)",
                         ((summary.run_id, s.source_key, s.reason, s.detail) for s in skips))
        conn.execute("COMMIT")
        committed = True
        # The columnar copy that readers load (extract.store); a crash before this line leaves a stale one, which
        # its tag tells readers to ignore.
        refresh_snapshot(store)
        for skip in skips:
            progress.note(f"refresh: skipped {skip.source_key}: {skip.reason}: {skip.detail}")
        return summary
    finally:
        progress.close()
        if not committed and conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def estimated_work(listing: Listing, known: dict[str, Known], retry: set[str]) -> int:
    """About how many articles may need extraction: worker processes cost a second to start, so a run with
    little to do extracts in this process."""
    work = 0
    for item in listing.inputs:
        if item.is_feed:
            work += item.size // 4096  # a feed record is a few KiB; an unchanged feed is cheap to re-check
            continue
        old = known.get(key_of(item.path))
        if old is None or key_of(item.path) in retry or not old.same_stat(item.size, item.mtime_ns,
                                                                          item.source.settings()):
            work += 1
    return work


def remove_vanished(conn: sqlite3.Connection, known: dict[str, Known], plan: Plan, listing: Listing,
                    sources: list[Source], prune: bool) -> int:
    """Delete the articles (and facts) that a source no longer has. Articles under a folder that could not be
    listed, of a feed with bad lines, or of a missing source are kept unless `prune`; articles outside every
    given source are removed only with `prune`."""
    skipped_keys = {s.source_key for s in plan.skips}
    gone = []
    for key, old in known.items():
        if key in plan.seen_keys or key in skipped_keys:
            continue
        if prune:
            gone.append(old.article_id)
            continue
        if not in_scope(old.path, listing.scopes) or is_protected(old.path, listing.protected):
            continue
        if old.path in plan.kept_feeds or old.path in skipped_keys:
            continue
        gone.append(old.article_id)
    conn.executemany("DELETE FROM facts WHERE article_id = ?", ((i,) for i in gone))
    conn.executemany("DELETE FROM articles WHERE article_id = ?", ((i,) for i in gone))
    return len(gone)


# ---------------------------------------------------------------- the command

def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "refresh", help="extract new and changed articles into the store",
        description="Bring the fact store up to date with the sources: new and changed articles are extracted, "
                    "removed ones dropped, unchanged ones not read. Exit 0: done; 3: done, some inputs skipped; "
                    "75: another refresh holds the lock; 1: failed.")
    parser.add_argument("sources", nargs="*", metavar="SOURCE",
                        help="folders, article files or .jsonl feeds (default: the configuration's sources)")
    parser.add_argument("--config", help="TOML configuration (default: ./facts.toml if present, else data/articles)")
    parser.add_argument("--store", help=f"the store to write (default: --config's store, ${STORE_ENV}, "
                                        "or data/facts.sqlite)")
    parser.add_argument("--home", default="", help="home place for the SOURCEs given on the command line")
    parser.add_argument("--paper", default="", help="paper name for the SOURCEs given on the command line")
    parser.add_argument("--workers", type=int, help="extraction processes (default: all cores)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="extract on this Dask scheduler (tcp://host:8786)")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long for another refresh to finish (default: exit 75 at once)")
    parser.add_argument("--prune", action="store_true",
                        help="also drop articles of sources that are missing or no longer configured")
    parser.add_argument("--quiet", action="store_true", help="no progress output (the summary line stays)")
    parser.set_defaults(run=run_refresh)


def resolve_store(cli_store: str | None, config_store: Path | None) -> Path:
    if cli_store:
        return Path(cli_store)
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV])
    return config_store or default_store_path()


def run_refresh(args: argparse.Namespace) -> int:
    try:
        config = load_config(find_config(args.config))
        if args.sources:
            sources = [Source(Path(p), paper=args.paper, home=args.home) for p in args.sources]
        else:
            sources = list(config.sources)
        store = resolve_store(args.store, config.store)
        summary = refresh(sources, store, workers=args.workers, scheduler=args.scheduler,
                          progress=not args.quiet, wait_seconds=args.wait, prune=args.prune)
    except RefreshLocked as exc:
        print(f"facts refresh: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (ConfigError, ExtractError, OSError, sqlite3.Error) as exc:
        print(f"facts refresh: failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(summary.line(), file=sys.stderr)
    return summary.exit_code
