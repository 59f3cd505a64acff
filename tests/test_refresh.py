"""extract/refresh.py: `facts refresh` on real files and a real SQLite store.

Incremental runs, bad inputs, feeds, the lock, SIGKILL in the middle of a run, readers during a run, worker
processes and a Dask cluster. What the store must hold for an article is what extract() gives for its text now.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from extract import refresh as refresh_module
from extract.bench_store import GENERATED, SAMPLE_ARTICLES
from extract.config import Source, split_front_matter
from extract.fact import FACT_FIELDS
from extract.refresh import (EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_SKIPPED, RefreshError, RefreshLocked,
                             fact_rows, refresh)
from extract.store import last_run, load_facts

ROOT = Path(__file__).resolve().parent.parent


def sample_texts() -> list[str]:
    """Texts of the project's sample articles (front matter stripped), or generated prose if there are none."""
    texts = []
    for path in sorted(SAMPLE_ARTICLES.rglob("*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        _, body = split_front_matter(text, str(path))
        texts.append(text[body:])
    # The benchmark's sentences (numbers unambiguous under FACTS.md) when the sample corpus is missing.
    return texts or ["\n".join(GENERATED)]


TEXTS = sample_texts()


def write_corpus(folder: Path, count: int, tag: str = "", start: int = 0) -> list[Path]:
    """`count` article files from the sample texts, spread over sub-folders, each made distinct by a line."""
    paths = []
    for i in range(start, start + count):
        path = folder / f"paper{i % 4}" / f"2025-03-{1 + i % 28:02d}_a{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{TEXTS[i % len(TEXTS)]}\n第{i}篇{tag}。\n", encoding="utf-8")
        paths.append(path)
    return paths


def snapshot(store: Path) -> tuple:
    """The store's content without ids and timestamps: articles and their facts."""
    if not store.exists():
        return ((), ())
    conn = sqlite3.connect(store)
    try:
        articles = tuple(conn.execute(
            "SELECT source_key, doc, content_hash, extractor_version, settings, headline, date, source, url, home "
            "FROM articles ORDER BY source_key"))
        columns = ", ".join(f'f."{c}"' for c in FACT_FIELDS)
        facts = tuple(conn.execute(f"SELECT a.source_key, {columns} FROM facts f JOIN articles a USING (article_id) "
                                   "ORDER BY a.source_key, f.start, f.fact_id"))
    finally:
        conn.close()
    return articles, facts


def stored_facts(store: Path, path: Path) -> list[tuple]:
    conn = sqlite3.connect(store)
    columns = ", ".join(f'f."{c}"' for c in FACT_FIELDS)
    rows = conn.execute(f"SELECT {columns} FROM facts f JOIN articles a USING (article_id) WHERE a.source_key = ? "
                        "ORDER BY f.start, f.fact_id", (str(path.absolute()),)).fetchall()
    conn.close()
    return rows


def expected_facts(path: Path, home: str = "") -> list[tuple]:
    """What extract() gives for the file's text now, as stored rows."""
    rows = fact_rows(path.read_bytes().decode("utf-8"), path.stem, home, "")
    return [tuple(None if v is None else float(v) if name in ("value", "value_high") else v
                  for name, v in zip(FACT_FIELDS, row)) for row in rows]


def facts_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, prefix: tuple = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "extract", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


def start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extract", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


# ---------------------------------------------------------------- incremental runs

@dataclass(frozen=True)
class Step:
    """A change to a corpus of three articles after a first refresh, and what the second refresh must count."""

    id: str
    change: Callable[[list[Path], pytest.MonkeyPatch], None]
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    home: str = ""


def touch(paths, mp):
    os.utime(paths[0], ns=(time.time_ns(), time.time_ns() + 10**9))


def edit(paths, mp):
    paths[1].write_text("连云港港1月完成货物吞吐量2568.4万吨，同比增长6.7%。\n", encoding="utf-8")


def add(paths, mp):
    write_corpus(paths[0].parent.parent, 1, start=100)


def remove(paths, mp):
    paths[2].unlink()


def rename(paths, mp):
    paths[2].rename(paths[2].with_name("2025-04-01_renamed.txt"))


def bump_version(paths, mp):
    mp.setattr(refresh_module, "EXTRACTOR_VERSION", "test-next-version")


INCREMENTAL = [
    Step("nothing-changed", lambda paths, mp: None, unchanged=3),
    Step("touched-same-content-is-not-re-extracted", touch, unchanged=3),
    Step("edited-article-has-its-facts-replaced", edit, changed=1, unchanged=2),
    Step("new-article", add, new=1, unchanged=3),
    Step("removed-article-loses-its-facts", remove, unchanged=2, removed=1),
    Step("renamed-is-removed-plus-new", rename, new=1, unchanged=2, removed=1),
    Step("new-extractor-version-re-extracts-all", bump_version, changed=3),
    Step("new-home-setting-re-extracts-all", lambda paths, mp: None, changed=3, home="江苏省连云港市"),
]


@pytest.mark.parametrize("step", INCREMENTAL, ids=lambda s: s.id)
def test_incremental_refresh(step: Step, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    corpus, store = tmp_path / "corpus", tmp_path / "facts.sqlite"
    paths = write_corpus(corpus, 3)
    first = refresh([corpus], store, workers=1, progress=False)
    assert (first.new, first.changed, first.unchanged, first.removed, first.skipped) == (3, 0, 0, 0, 0)
    step.change(paths, monkeypatch)
    second = refresh([Source(corpus, home=step.home)], store, workers=1, progress=False)
    assert (second.new, second.changed, second.unchanged, second.removed, second.skipped) == (
        step.new, step.changed, step.unchanged, step.removed, 0)
    # The store holds exactly the current files, each with exactly what extract() gives for it now.
    current = sorted(p for p in corpus.rglob("*.txt"))
    articles, _ = snapshot(store)
    assert [a[0] for a in articles] == sorted(str(p.absolute()) for p in current)
    assert all(a[3] == refresh_module.EXTRACTOR_VERSION for a in articles)
    for path in current:
        assert stored_facts(store, path) == expected_facts(path, step.home), path.name
    run = last_run(store)
    assert (run["run_id"], run["status"], run["new"], run["changed"], run["removed"]) == (
        2, "ok", step.new, step.changed, step.removed)


def test_an_unambiguous_statistic_reaches_the_store(tmp_path: Path):
    """FACTS.md: 港口吞吐量完成587.07万吨 is a throughput fact of 5870700 吨 (needs the lead's extractor)."""
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "port.txt").write_text("连云港港口吞吐量完成587.07万吨。\n", encoding="utf-8")
    refresh([tmp_path / "c"], tmp_path / "facts.sqlite", workers=1, progress=False)
    frame = load_facts(tmp_path / "facts.sqlite")
    port = frame[frame["text"] == "587.07万吨"]
    assert (port["value"].tolist(), port["unit"].astype(str).tolist()) == ([5870700.0], ["吨"])


def test_a_no_op_refresh_reads_no_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    corpus, store = tmp_path / "corpus", tmp_path / "facts.sqlite"
    write_corpus(corpus, 5)
    refresh([corpus], store, workers=1, progress=False)

    def no_reading(self, *args, **kwargs):
        raise AssertionError(f"{self} was read although unchanged")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    summary = refresh([corpus], store, workers=1, progress=False)
    assert (summary.unchanged, summary.new, summary.changed) == (5, 0, 0)


# ---------------------------------------------------------------- bad input

@dataclass(frozen=True)
class BadInputCase:
    id: str
    name: str
    content: bytes
    reason: str
    key_suffix: str = ""      # a feed line is reported as `feed.jsonl:N`
    max_bytes: int | None = None


GOOD_RECORD = {"id": "r1", "title": "泉州港", "date": "2026-03-12", "source": "泉州网讯", "url": "https://x/r1",
               "text": "泉州港完成集装箱吞吐量2.3万标箱。"}
BAD_INPUTS = [
    BadInputCase("empty", "empty.txt", b"", "empty"),
    BadInputCase("whitespace-only", "blank.txt", b" \n\t\n", "empty"),
    BadInputCase("binary", "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    BadInputCase("undecodable", "broken.txt", "港口吞吐量".encode("utf-8") + b"\xff\xfe\xff" * 10, "undecodable"),
    BadInputCase("oversized", "huge.txt", "港口吞吐量完成587.07万吨。".encode("utf-8") * 400, "oversized",
                 max_bytes=10_000),
    BadInputCase("bad-front-matter", "front.md", '+++\ntitle = 未加引号\n+++\n正文\n'.encode("utf-8"), "bad-record"),
    BadInputCase("broken-json-line", "feed.jsonl",
                 (json.dumps(GOOD_RECORD, ensure_ascii=False) + '\n{"id": "r2", "text": "半行\n').encode("utf-8"),
                 "bad-record", ":2"),
    BadInputCase("feed-record-without-text", "feed.jsonl",
                 (json.dumps(GOOD_RECORD, ensure_ascii=False) + '\n{"id": "r2", "title": "无正文"}\n').encode(),
                 "bad-record", ":2"),
    BadInputCase("feed-duplicate-id", "feed.jsonl",
                 (json.dumps(GOOD_RECORD, ensure_ascii=False) + "\n" + json.dumps(GOOD_RECORD) + "\n").encode(),
                 "bad-record", ":2"),
    BadInputCase("feed-line-not-an-object", "feed.jsonl",
                 (json.dumps(GOOD_RECORD, ensure_ascii=False) + "\n[1, 2]\n").encode(), "bad-record", ":2"),
]


@pytest.mark.parametrize("case", BAD_INPUTS, ids=lambda c: c.id)
def test_bad_input_is_recorded_reported_and_retried(case: BadInputCase, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch):
    corpus, store = tmp_path / "corpus", tmp_path / "facts.sqlite"
    good = write_corpus(corpus, 2)
    if case.max_bytes:
        assert all(p.stat().st_size < case.max_bytes for p in good) and len(case.content) > case.max_bytes
        monkeypatch.setattr(refresh_module, "MAX_ARTICLE_BYTES", case.max_bytes)
    bad = corpus / case.name
    bad.write_bytes(case.content)
    first = refresh([corpus], store, workers=1, progress=False)
    expected_key = str(bad.absolute()) + case.key_suffix
    assert [(s.source_key, s.reason) for s in first.skips] == [(expected_key, case.reason)]
    assert (first.skipped, first.status, first.exit_code) == (1, "skipped", EXIT_SKIPPED)
    run = last_run(store)
    assert [(k, r) for k, r, _ in run["skipped"]] == [(expected_key, case.reason)]
    assert all(detail for _, _, detail in run["skipped"])
    # The good articles are stored; a feed's good record too.
    articles = [a[0] for a in snapshot(store)[0]]
    assert all(str(p.absolute()) in articles for p in good)
    assert not any(a == str(bad.absolute()) for a in articles)
    # Not fixed: reported again. Fixed: stored, and the run is clean.
    again = refresh([corpus], store, workers=1, progress=False)
    assert [(s.source_key, s.reason) for s in again.skips] == [(expected_key, case.reason)]
    if bad.suffix == ".jsonl":
        bad.write_text(json.dumps(GOOD_RECORD, ensure_ascii=False) + "\n"
                       + json.dumps({**GOOD_RECORD, "id": "r2"}, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        bad.write_text("港口吞吐量完成587.07万吨。\n", encoding="utf-8")
    fixed = refresh([corpus], store, workers=1, progress=False)
    assert (fixed.skipped, fixed.status) == (0, "ok")
    assert (fixed.new, fixed.removed) == (1, 0)


def test_an_article_that_turns_unreadable_keeps_its_facts(tmp_path: Path):
    corpus, store = tmp_path / "corpus", tmp_path / "facts.sqlite"
    paths = write_corpus(corpus, 2)
    refresh([corpus], store, workers=1, progress=False)
    before = snapshot(store)
    paths[0].write_bytes(b"\x00\x01\x02" * 100)
    summary = refresh([corpus], store, workers=1, progress=False)
    assert [(s.source_key, s.reason) for s in summary.skips] == [(str(paths[0].absolute()), "binary")]
    assert (summary.removed, summary.changed) == (0, 0)
    assert snapshot(store) == before
    paths[0].write_text("港口吞吐量完成587.07万吨。\n", encoding="utf-8")
    assert refresh([corpus], store, workers=1, progress=False).changed == 1


def test_a_feed_line_that_breaks_keeps_its_article(tmp_path: Path):
    feed, store = tmp_path / "feed.jsonl", tmp_path / "facts.sqlite"
    records = [{**GOOD_RECORD, "id": f"r{i}", "text": f"第{i}港完成集装箱吞吐量{i}万标箱。"} for i in range(3)]
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    refresh([feed], store, workers=1, progress=False)
    before = snapshot(store)
    lines = feed.read_text(encoding="utf-8").splitlines()
    feed.write_text("\n".join([lines[0], lines[1][:20], lines[2]]) + "\n", encoding="utf-8")
    summary = refresh([feed], store, workers=1, progress=False)
    assert [(s.source_key, s.reason) for s in summary.skips] == [(f"{feed.absolute()}:2", "bad-record")]
    assert summary.removed == 0 and snapshot(store) == before


def test_a_missing_source_keeps_its_facts_unless_pruned(tmp_path: Path):
    corpus, store = tmp_path / "corpus", tmp_path / "facts.sqlite"
    write_corpus(corpus, 2)
    refresh([corpus], store, workers=1, progress=False)
    before = snapshot(store)
    moved = tmp_path / "moved"
    corpus.rename(moved)
    summary = refresh([corpus], store, workers=1, progress=False)
    assert [(s.source_key, s.reason) for s in summary.skips] == [(str(corpus.absolute()), "missing")]
    assert snapshot(store) == before
    assert refresh([corpus], store, workers=1, progress=False, prune=True).removed == 2


def test_articles_of_other_sources_stay_unless_pruned(tmp_path: Path):
    store = tmp_path / "facts.sqlite"
    write_corpus(tmp_path / "a", 2)
    write_corpus(tmp_path / "b", 3, start=10)
    refresh([tmp_path / "a", tmp_path / "b"], store, workers=1, progress=False)
    only_a = refresh([tmp_path / "a"], store, workers=1, progress=False)
    assert (only_a.unchanged, only_a.removed) == (2, 0)
    assert len(snapshot(store)[0]) == 5
    assert refresh([tmp_path / "a"], store, workers=1, progress=False, prune=True).removed == 3


def nobody_prefix() -> tuple:
    """Run a command so that file permissions bite: root reads everything, so as root the command runs without the
    capabilities that override them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). It stays root otherwise, so it can
    still read a checkout that only root may read (a clone in a mktemp folder, mode 700)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a folder unreadable")
    drop = "-dac_override,-dac_read_search"
    return ("setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}")


@dataclass(frozen=True)
class PermissionCase:
    id: str
    target: str           # relative to the corpus
    reason: str


PERMISSIONS = [
    PermissionCase("unreadable-folder", "paper1", "unreadable-folder"),
    PermissionCase("unreadable-file", "paper2/2025-03-03_a00002.txt", "unreadable"),
]


@pytest.mark.parametrize("case", PERMISSIONS, ids=lambda c: c.id)
def test_unreadable_inputs_are_skipped_and_keep_their_facts(case: PermissionCase):
    prefix = nobody_prefix()
    work = Path(tempfile.mkdtemp(prefix="facts-perm-"))
    try:
        work.chmod(0o777)
        corpus, store = work / "corpus", work / "facts.sqlite"
        write_corpus(corpus, 8)
        for p in [corpus, *corpus.rglob("*")]:
            p.chmod(0o777 if p.is_dir() else 0o666)
        done = facts_cli("refresh", str(corpus), "--store", str(store), "--workers", "1", prefix=prefix)
        assert done.returncode == EXIT_OK, done.stderr
        before = snapshot(store)
        target = corpus / case.target
        changed = target if target.is_file() else next(target.glob("*.txt"))
        changed.write_text("港口吞吐量完成587.07万吨。\n", encoding="utf-8")
        target.chmod(0)
        # A folder's content changes while it cannot be read: nothing of it may be lost or half-updated.
        done = facts_cli("refresh", str(corpus), "--store", str(store), "--workers", "1", prefix=prefix)
        assert done.returncode == EXIT_SKIPPED, done.stderr
        assert f"{target}: {case.reason}" in done.stderr
        assert [(k, r) for k, r, _ in last_run(store)["skipped"]] == [(str(target), case.reason)]
        assert snapshot(store) == before
        target.chmod(0o777 if target.is_dir() else 0o666)
        done = facts_cli("refresh", str(corpus), "--store", str(store), "--workers", "1", prefix=prefix)
        assert done.returncode == EXIT_OK, done.stderr
        assert last_run(store)["skipped"] == []
    finally:
        for p in work.rglob("*"):
            p.chmod(0o777)
        shutil.rmtree(work)


# ---------------------------------------------------------------- feeds

def test_feed_records_are_articles_with_their_metadata(tmp_path: Path):
    feed, store = tmp_path / "wire" / "feed.jsonl", tmp_path / "facts.sqlite"
    feed.parent.mkdir()
    records = [GOOD_RECORD, {"id": 7, "title": "石狮服装城", "text": "意向成交额57.6亿元。"}]
    feed.write_text("\ufeff" + "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n\n",
                    encoding="utf-8")
    summary = refresh([Source(feed.parent, paper="泉州网", home="福建省泉州市")], store, workers=1, progress=False)
    assert (summary.new, summary.skipped) == (2, 0)
    conn = sqlite3.connect(store)
    rows = conn.execute("SELECT source_key, doc, path, headline, date, source, url, home FROM articles "
                        "ORDER BY doc").fetchall()
    assert rows == [
        (f"{feed.absolute()}#7", "7", str(feed.absolute()), "石狮服装城", None, "泉州网", "", "福建省泉州市"),
        (f"{feed.absolute()}#r1", "r1", str(feed.absolute()), "泉州港", "2026-03-12", "泉州网讯", "https://x/r1",
         "福建省泉州市"),
    ]
    # One record changes, one disappears, one is added; an unchanged feed is not even read.
    records = [{**GOOD_RECORD, "text": "泉州港完成集装箱吞吐量2.4万标箱。"}, {"id": "r3", "text": "新增3家企业。"}]
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    summary = refresh([Source(feed.parent, paper="泉州网", home="福建省泉州市")], store, workers=1, progress=False)
    assert (summary.new, summary.changed, summary.removed, summary.unchanged) == (1, 1, 1, 0)
    summary = refresh([Source(feed.parent, paper="泉州网", home="福建省泉州市")], store, workers=1, progress=False)
    assert (summary.new, summary.changed, summary.removed, summary.unchanged) == (0, 0, 0, 2)


def test_front_matter_metadata_is_stored(tmp_path: Path):
    corpus, store = tmp_path / "c", tmp_path / "facts.sqlite"
    corpus.mkdir()
    (corpus / "toumen.txt").write_text('+++\ntitle = "头门港二期"\ndate = 2025-04-23\nsource = "台州晚报"\n'
                                       'url = "https://x/t"\n+++\n头门港二期码头设计年吞吐量1400万吨。\n',
                                       encoding="utf-8")
    (corpus / "2025-02-11_plain.txt").write_text("# 连云港港\n完成货物吞吐量2568.4万吨。\n", encoding="gb18030")
    refresh([Source(corpus, paper="某报", home="浙江省台州市")], store, workers=1, progress=False)
    rows = sqlite3.connect(store).execute("SELECT doc, headline, date, source, url, home FROM articles "
                                          "ORDER BY doc").fetchall()
    assert rows == [("2025-02-11_plain", "连云港港", "2025-02-11", "某报", "", "浙江省台州市"),
                    ("toumen", "头门港二期", "2025-04-23", "台州晚报", "https://x/t", "浙江省台州市")]


# ---------------------------------------------------------------- the command: exit codes, config, output

def test_refresh_without_configuration_uses_data_articles_and_data_facts_sqlite(tmp_path: Path):
    write_corpus(tmp_path / "data" / "articles", 3)
    env = {k: v for k, v in os.environ.items() if k != "FACTS_STORE"}
    done = facts_cli("refresh", "--workers", "1", cwd=tmp_path, env=env)
    assert done.returncode == EXIT_OK, done.stderr
    assert (tmp_path / "data" / "facts.sqlite").is_file()
    assert len(snapshot(tmp_path / "data" / "facts.sqlite")[0]) == 3
    # Not on a terminal: plain lines, ending with the one-line summary.
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("refresh: seen 3, new 3, changed 0, removed 0, skipped 0, facts ")
    assert last.endswith(" s")


def test_refresh_with_a_configuration_file(tmp_path: Path):
    write_corpus(tmp_path / "conf" / "articles" / "lyg", 2)
    (tmp_path / "conf" / "facts.toml").write_text(
        'store = "out/facts.sqlite"\n[[source]]\npath = "articles/lyg"\npaper = "连云港晨报"\nhome = "江苏省连云港市"\n',
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "FACTS_STORE"}
    done = facts_cli("refresh", "--config", str(tmp_path / "conf" / "facts.toml"), "--workers", "1",
                     cwd=tmp_path, env=env)
    assert done.returncode == EXIT_OK, done.stderr
    articles = snapshot(tmp_path / "conf" / "out" / "facts.sqlite")[0]
    assert [(a[7], a[9]) for a in articles] == [("连云港晨报", "江苏省连云港市")] * 2


@dataclass(frozen=True)
class ExitCase:
    id: str
    args: list[str]
    code: int
    message: str


EXIT_CASES = [
    ExitCase("bad-config", ["--config", "{tmp}/nope.toml"], EXIT_FAILED, "cannot read the configuration"),
    ExitCase("skipped-input", ["{tmp}/corpus", "{tmp}/corpus/empty.txt"], EXIT_SKIPPED, "empty.txt: empty"),
    ExitCase("bad-workers", ["{tmp}/corpus", "--workers", "0"], EXIT_FAILED, "workers must be at least 1"),
    ExitCase("unknown-option", ["--frobnicate"], 2, "unrecognized arguments"),
]


@pytest.mark.parametrize("case", EXIT_CASES, ids=lambda c: c.id)
def test_exit_codes(case: ExitCase, tmp_path: Path):
    write_corpus(tmp_path / "corpus", 2)
    (tmp_path / "corpus" / "empty.txt").write_bytes(b"")
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    done = facts_cli("refresh", "--store", str(tmp_path / "facts.sqlite"), "--workers", "1", *args)
    assert done.returncode == case.code, done.stderr
    assert case.message in done.stderr


def test_a_held_lock_exits_75_or_waits(tmp_path: Path):
    write_corpus(tmp_path / "corpus", 2)
    store = tmp_path / "facts.sqlite"
    lock = FileLock(f"{store}.lock", thread_local=False)  # released by a timer thread below
    lock.acquire()
    try:
        done = facts_cli("refresh", str(tmp_path / "corpus"), "--store", str(store))
        assert done.returncode == EXIT_LOCKED
        assert "another refresh is writing" in done.stderr
        with pytest.raises(RefreshLocked):
            refresh([tmp_path / "corpus"], store, workers=1, progress=False)
        threading.Timer(1.0, lock.release).start()
        done = facts_cli("refresh", str(tmp_path / "corpus"), "--store", str(store), "--wait", "60")
        assert done.returncode == EXIT_OK, done.stderr
    finally:
        if lock.is_locked:
            lock.release()
    assert len(snapshot(store)[0]) == 2


def test_refresh_rejects_zero_workers(tmp_path: Path):
    with pytest.raises(RefreshError):
        refresh([tmp_path], tmp_path / "facts.sqlite", workers=0)


# ---------------------------------------------------------------- concurrency, kills, readers

def corpus_size_for(seconds: float) -> int:
    """How many sample articles one process extracts in about `seconds` (at least 400, at most 20,000)."""
    started = time.perf_counter()
    for i, text in enumerate(TEXTS * 3):
        fact_rows(text, f"d{i}", "", "")
    per_article = (time.perf_counter() - started) / (len(TEXTS) * 3) + 0.0002  # + reading, hashing, writing
    return max(400, min(20_000, int(seconds / per_article)))


def lock_is_held(store: Path) -> bool:
    probe = FileLock(f"{store}.lock")
    try:
        probe.acquire(timeout=0)
    except TimeoutError:
        return True
    probe.release()
    return False


def wait_for_lock(store: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until `process` holds the store's lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if lock_is_held(store):
            return
        time.sleep(0.01)
    raise AssertionError("the refresh never took the lock")


@pytest.mark.slow
def test_two_refreshes_at_once(tmp_path: Path):
    corpus, store = tmp_path / "corpus", tmp_path / "facts.sqlite"
    count = corpus_size_for(3.0)
    write_corpus(corpus, count)
    first = start_cli("refresh", str(corpus), "--store", str(store), "--workers", "1")
    wait_for_lock(store, first)
    second = facts_cli("refresh", str(corpus), "--store", str(store), "--workers", "1")
    waiting = start_cli("refresh", str(corpus), "--store", str(store), "--workers", "1", "--wait", "300")
    assert first.wait(timeout=300) == EXIT_OK, first.communicate()
    assert second.returncode == EXIT_LOCKED and "another refresh" in second.stderr
    _, err = waiting.communicate(timeout=300)
    assert waiting.returncode == EXIT_OK, err
    assert f"seen {count}, new 0, changed 0, removed 0" in err
    assert len(snapshot(store)[0]) == count


@pytest.mark.slow
def test_a_refresh_killed_at_any_moment_leaves_the_store_as_before_or_after(tmp_path: Path):
    corpus, store = tmp_path / "corpus", tmp_path / "facts.sqlite"
    count = corpus_size_for(3.0)
    paths = write_corpus(corpus, count)
    args = ("refresh", str(corpus), "--store", str(store), "--workers", "1")
    started = time.monotonic()
    assert facts_cli(*args).returncode == EXIT_OK
    full_run = time.monotonic() - started
    before = snapshot(store)
    # The next run changes every second article, removes some and adds as many.
    for path in paths[::2]:
        path.write_text(path.read_text(encoding="utf-8") + "新增一句：完成投资3亿元。\n", encoding="utf-8")
    for path in paths[1::10]:
        path.unlink()
    write_corpus(corpus, len(paths[1::10]), tag="新", start=count)
    states, killed_running = [], 0
    for fraction in (0.15, 0.3, 0.45, 0.6, 0.75, 0.9):
        process = start_cli(*args)
        time.sleep(full_run * fraction)
        if process.poll() is None and lock_is_held(store):
            killed_running += 1  # killed inside the run, past start-up
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        states.append(snapshot(store))
        if states[-1] != before:
            break  # a run got to commit: later kills could only be compared with the after-state
    done = facts_cli(*args)
    assert done.returncode == EXIT_OK, done.stderr
    after = snapshot(store)
    assert after != before
    assert killed_running >= 1
    for state in states:
        assert state in (before, after)
    # The store is healthy: integrity check passes and a no-op run finds nothing to do.
    assert sqlite3.connect(store).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "new 0, changed 0, removed 0" in facts_cli(*args).stderr


@pytest.mark.slow
def test_the_dashboard_reads_consistent_snapshots_during_a_refresh(tmp_path: Path):
    corpus, store = tmp_path / "corpus", tmp_path / "facts.sqlite"
    count = corpus_size_for(3.0)
    paths = write_corpus(corpus, count)
    args = ("refresh", str(corpus), "--store", str(store), "--workers", "1")
    assert facts_cli(*args).returncode == EXIT_OK
    before = (len(load_facts(store)), len(snapshot(store)[0]))
    for path in paths[: count // 2]:
        path.unlink()
    process = start_cli(*args)
    wait_for_lock(store, process)
    fact_counts, article_counts, reads = set(), set(), 0
    while process.poll() is None:
        fact_counts.add(len(load_facts(store)))  # what the dashboard does on a cache miss
        conn = sqlite3.connect(f"{store.absolute().as_uri()}?mode=ro", uri=True)
        conn.execute("SELECT metric, unit, city, SUM(value) FROM facts GROUP BY metric, unit, city").fetchall()
        article_counts.add(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        conn.close()
        reads += 1
    assert process.returncode == EXIT_OK
    after = (len(load_facts(store)), len(snapshot(store)[0]))
    assert reads >= 1 and after[1] == count - count // 2
    # Each read saw one whole commit: never a store with some of the removals done.
    assert fact_counts <= {before[0], after[0]}, (fact_counts, before, after)
    assert article_counts <= {before[1], after[1]}, (article_counts, before, after)


# ---------------------------------------------------------------- parallel extraction

def test_worker_processes_store_the_same_as_one_process(tmp_path: Path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40)
    serial = refresh([corpus], tmp_path / "serial.sqlite", workers=1, progress=False)
    parallel = refresh([corpus], tmp_path / "parallel.sqlite", workers=2, progress=False)
    assert (serial.new, parallel.new) == (40, 40)
    assert snapshot(tmp_path / "serial.sqlite") == snapshot(tmp_path / "parallel.sqlite")


@pytest.mark.slow
def test_a_dask_cluster_stores_the_same_as_one_process(tmp_path: Path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40)
    feed = corpus / "feed.jsonl"
    feed.write_text(json.dumps(GOOD_RECORD, ensure_ascii=False) + "\n", encoding="utf-8")
    refresh([corpus], tmp_path / "serial.sqlite", workers=1, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        summary = refresh([corpus], tmp_path / "dask.sqlite", scheduler=cluster.scheduler_address, progress=False)
    assert (summary.new, summary.skipped) == (41, 0)
    assert snapshot(tmp_path / "serial.sqlite") == snapshot(tmp_path / "dask.sqlite")
