"""The store benchmark (`facts bench --suite store`): refresh throughput, no-op refresh, group-bys over 1M facts.

Each figure is measured in a fresh Python process, so that its peak memory (ru_maxrss) is its own; worker processes
report their own peak separately. Corpora are built in a temporary folder from the project's sample articles
(data/articles), or from generated prose when there are none.

What is measured:
- full refresh of N articles with 1 worker and with all cores (articles/s);
- a no-op refresh over 10 N articles: the store is seeded by copying the rows of the N-article run onto 9 more
  copies of the corpus (same bytes, so the same facts), then `refresh` finds every article unchanged;
- a filtered group-by over 1M facts (2,000 places, 8 metrics, ~55-char sentences, 50 facts per article): in SQL
  (covering index; and with a date filter, which joins articles) and in pandas on the frame `load_facts` returns,
  which is what the dashboard holds; and the time to load that frame.
"""
from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from extract.fact import FACT_FIELDS, METRICS, QUALIFIERS

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE_ARTICLES = PROJECT / "data" / "articles"
# Sentences whose numbers are unambiguous under FACTS.md, used when the sample corpus is missing (tests too).
GENERATED = [
    "港口吞吐量完成587.07万吨，同比增长41.3%。",
    "120余名党员参加志愿服务，项目总投资18.5亿元。",
    "全市新建农村公路185.82公里，惠及群众近3万人。",
    "园区新增企业15家，建成标准厂房12万平方米。",
]
NOOP_TARGET_SECONDS = 5.0
GROUP_BY_TARGET_SECONDS = 0.3


@dataclass(frozen=True)
class Sizes:
    articles: int       # full refresh
    noop_copies: int    # the no-op refresh runs over articles * noop_copies
    facts: int          # group-by


FULL = Sizes(articles=10_000, noop_copies=10, facts=1_000_000)
QUICK = Sizes(articles=1_000, noop_copies=10, facts=100_000)


def sample_texts() -> list[str]:
    texts = []
    for path in sorted(SAMPLE_ARTICLES.rglob("*")):
        if path.suffix not in (".txt", ".md"):
            continue
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue
    return texts or ["\n".join(GENERATED[i:] + GENERATED[:i]) for i in range(len(GENERATED))]


def build_corpus(folder: Path, count: int, texts: list[str]) -> None:
    """`count` distinct articles in 100 sub-folders (distinct by one line, so no two hashes are equal)."""
    for i in range(count):
        path = folder / f"paper{i % 100:02d}" / f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}_{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = texts[i % len(texts)]
        path.write_text(f"{text}\n（第{i}号稿）\n", encoding="utf-8")


def peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of the largest worker process seen, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, max(children, WORKER_PEAK.peak_mib)


class WorkerPeak:
    """Samples the peak RSS (VmHWM) of every descendant process: worker processes are children of the
    multiprocessing fork server, not of this process, so ru_maxrss of the children does not see them."""

    def __init__(self):
        self.peak_mib = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        me = os.getpid()
        while not self.stop.wait(0.05):
            for pid in descendants(me):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:  # the process ended meanwhile
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_mib = max(self.peak_mib, int(line.split()[1]) / 1024)


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc; empty elsewhere)."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            frontier.append(child)
    return found


WORKER_PEAK = WorkerPeak()


# ---------------------------------------------------------------- measurements (each runs in a child process)

def measure_refresh(sources: list[str], store: str, workers: int | None = None) -> dict:
    from extract.refresh import refresh
    started = time.perf_counter()
    summary = refresh(sources, store, workers=workers, progress=False)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "articles": summary.seen, "new": summary.new, "changed": summary.changed,
            "unchanged": summary.unchanged, "removed": summary.removed, "facts": summary.facts,
            "skipped": summary.skipped}


def measure_group_by(store: str) -> dict:
    from extract.export import filter_facts
    from extract.store import load_facts, refresh_snapshot, snapshot_path
    timings = {}
    conn = sqlite3.connect(f"{Path(store).absolute().as_uri()}?mode=ro", uri=True)
    queries = {
        "sql_metric_by_city": ("SELECT province, city, COUNT(*), SUM(value) FROM facts "
                               "WHERE metric = 'throughput' AND unit = '吨' GROUP BY province, city", ()),
        "sql_metric_by_district_in_city": (
            "SELECT district, COUNT(*), SUM(value) FROM facts WHERE metric = 'funds' AND unit = '元' "
            "AND city = (SELECT city FROM facts WHERE metric = 'funds' LIMIT 1) GROUP BY district", ()),
        # Facts carry their article's date (migration 2): one covering index answers it, no join.
        "sql_metric_by_city_in_dates": (
            "SELECT city, COUNT(*), SUM(value) FROM facts "
            "WHERE metric = 'throughput' AND unit = '吨' AND date BETWEEN '2025-03-01' AND '2025-08-31' "
            "GROUP BY city", ()),
        # The same through the articles table, as before migration 2, for comparison.
        "sql_metric_by_city_in_dates_join": (
            "SELECT f.city, COUNT(*), SUM(f.value) FROM facts f JOIN articles a USING (article_id) "
            "WHERE f.metric = 'throughput' AND f.unit = '吨' AND a.date BETWEEN '2025-03-01' AND '2025-08-31' "
            "GROUP BY f.city", ()),
    }
    for name, (sql, params) in queries.items():
        conn.execute(sql, params).fetchall()  # warm the page cache: the dashboard asks again and again
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            rows = conn.execute(sql, params).fetchall()
            runs.append(time.perf_counter() - started)
        timings[name] = min(runs)
        timings[name + "_groups"] = len(rows)
    conn.close()
    snapshot_path(store).unlink(missing_ok=True)
    started = time.perf_counter()
    frame = load_facts(store, keep_snapshot=False)
    timings["load_facts_sqlite"] = time.perf_counter() - started
    del frame
    started = time.perf_counter()
    refresh_snapshot(store)
    timings["snapshot_write"] = time.perf_counter() - started
    started = time.perf_counter()
    frame = load_facts(store)
    timings["load_facts"] = time.perf_counter() - started
    timings["facts"] = len(frame)
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        chosen = filter_facts(frame, metric="throughput", unit="吨", date_from="2025-03-01", date_to="2025-08-31")
        grouped = chosen.groupby(["province", "city"], observed=True)["value"].agg(["count", "sum"])
        runs.append(time.perf_counter() - started)
    timings["pandas_filter_group_by"] = min(runs)
    timings["pandas_groups"] = len(grouped)
    timings["frame_mib"] = frame.memory_usage(deep=True).sum() / 2**20
    return timings


def child_main() -> None:
    """Entry point of a measuring child: argv[1] is JSON {kind, ...}; prints JSON with peak memory."""
    request = json.loads(sys.argv[1])
    kind = request.pop("kind")
    WORKER_PEAK.thread.start()
    result = {"refresh": measure_refresh, "group_by": measure_group_by}[kind](**request)
    own, children = peak_mib()
    result.update(peak_mib=own, worker_peak_mib=children)
    print(json.dumps(result))


def in_child(kind: str, **request) -> dict:
    code = "from extract.bench_store import child_main; child_main()"
    done = subprocess.run([sys.executable, "-c", code, json.dumps({"kind": kind, **request})],
                          capture_output=True, text=True, cwd=PROJECT)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child {kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- building stores

def seed_copies(store: Path, corpus: Path, copies: int) -> int:
    """Copy the corpus `copies - 1` times (hard links: same bytes, distinct paths) and give each copy the rows of
    the original articles with the copy's own stats, as a refresh over them would have written."""
    from extract.refresh import key_of
    conn = sqlite3.connect(store)
    originals = conn.execute("SELECT article_id, source_key FROM articles").fetchall()
    fact_columns = ", ".join(f'"{c}"' for c in FACT_FIELDS)
    article_columns = ("doc, content_hash, extractor_version, settings, headline, date, source, url, home, "
                       "first_seen, last_seen")
    conn.execute("BEGIN")
    for copy in range(1, copies):
        for article_id, key in originals:
            source = Path(key)
            target = corpus.parent / f"{corpus.name}-copy{copy}" / source.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
            st = target.stat()
            new_id = conn.execute(
                f"INSERT INTO articles (source_key, path, size, mtime_ns, {article_columns}) "
                f"SELECT ?, ?, ?, ?, {article_columns} FROM articles WHERE article_id = ?",
                (key_of(target), str(target.absolute()), st.st_size, st.st_mtime_ns, article_id)).lastrowid
            conn.execute(f"INSERT INTO facts (article_id, {fact_columns}) SELECT ?, {fact_columns} FROM facts "
                         "WHERE article_id = ?", (new_id, article_id))
    conn.execute("COMMIT")
    total = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    conn.close()
    return total


def build_fact_store(store: Path, count: int, seed: int = 7) -> None:
    """A store of `count` synthetic facts: 2,000 places under 50 cities, 8 metrics, 50 facts per article."""
    from extract.store import open_store, utc_now
    rng = random.Random(seed)
    provinces = [f"省{i:02d}" for i in range(10)]
    cities = [(provinces[i % 10], f"市{i:02d}") for i in range(50)]
    places = [(*cities[i % 50], f"区{i % 400:03d}", f"镇{i:04d}") for i in range(2000)]
    units = {"throughput": "吨", "participants": "人", "funds": "元", "output": "台", "count": "家",
             "length": "公里", "area": "平方米", "percent": "%"}
    conn = open_store(store)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")  # 256 MiB: the indexes are built in memory, not page by page
    conn.execute("BEGIN IMMEDIATE")
    per_article = 50
    now = utc_now()
    for a in range(count // per_article):
        day = f"2025-{1 + a % 12:02d}-{1 + a % 28:02d}"
        article_id = conn.execute(
            "INSERT INTO articles (source_key, doc, path, content_hash, size, mtime_ns, extractor_version, "
            "headline, date, source, url, home, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (f"/bench/{a}.txt", str(a), f"/bench/{a}.txt", "h", 1, 1, "bench", f"标题{a}", day,
             f"报{a % 20}", "", "", now, now)).lastrowid
        rows = []
        for i in range(per_article):
            metric = METRICS[rng.randrange(len(METRICS))]
            province, city, district, place = places[rng.randrange(len(places))]
            value = round(rng.uniform(1, 1e6), 2)
            rows.append((article_id, str(a), f"{value}{units[metric]}", i * 60, i * 60 + 10, value, None,
                         units[metric], QUALIFIERS[rng.randrange(4)], metric, "吞吐量", province, city, district,
                         place, f"{city}{district}{place}今年以来完成{metric}{value}{units[metric]}，同比增长显著，"
                         "创历史新高。", f"标题{a}", day, f"报{a % 20}"))
        # date and source given with each fact, as the store keeps them (migration 2), so its trigger need not.
        conn.executemany(f"INSERT INTO facts (article_id, {', '.join(repr(c) for c in FACT_FIELDS)}, date, source) "
                         f"VALUES ({', '.join('?' * (len(FACT_FIELDS) + 3))})", rows)
    conn.execute("INSERT INTO runs (started_at, finished_at, status, seen, new, facts, extractor_version) "
                 "VALUES (?, ?, 'ok', ?, ?, ?, 'bench')", (now, utc_now(), count // per_article, count // per_article,
                                                          count))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# ---------------------------------------------------------------- the suite

def run_store_bench(out=sys.stdout, quick: bool = False) -> dict:
    """Build the corpora in a temporary folder, measure, print the figures and return them."""
    sizes = QUICK if quick else FULL
    cores = os.cpu_count() or 1
    texts = sample_texts()
    results: dict = {"cores": cores, "articles": sizes.articles}
    say = lambda line: print(line, file=out, flush=True)  # noqa: E731 - a local shorthand
    say(f"store benchmark: {sizes.articles:,} articles from {len(texts)} sample texts, {cores} cores"
        + (" (quick)" if quick else ""))
    with tempfile.TemporaryDirectory(prefix="facts-bench-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        started = time.perf_counter()
        build_corpus(corpus, sizes.articles, texts)
        say(f"  corpus written in {time.perf_counter() - started:.1f} s")
        for workers in sorted({1, cores}):
            r = in_child("refresh", sources=[str(corpus)], store=str(root / f"w{workers}.sqlite"), workers=workers)
            results[f"full_refresh_workers_{workers}"] = r
            say(f"  full refresh, {workers} worker(s): {r['articles']:,} articles, {r['facts']:,} facts in "
                f"{r['seconds']:.2f} s = {r['articles'] / r['seconds']:,.0f} articles/s; peak {r['peak_mib']:.0f} MiB"
                + (f", each worker at most {r['worker_peak_mib']:.0f} MiB" if workers > 1 else ""))
        store = root / f"w{cores}.sqlite"
        started = time.perf_counter()
        total = seed_copies(store, corpus, sizes.noop_copies)
        # The copies were written behind refresh's back; their snapshot is written here, as the refresh that
        # stored them would have, so that the no-op run below measures only what a no-op run does.
        from extract.store import refresh_snapshot
        refresh_snapshot(store)
        say(f"  store seeded with {total:,} articles (and its snapshot) in {time.perf_counter() - started:.1f} s")
        sources = [str(corpus)] + [str(root / f"corpus-copy{c}") for c in range(1, sizes.noop_copies)]
        r = in_child("refresh", sources=sources, store=str(store))
        results["noop_refresh"] = r
        verdict = "ok" if r["seconds"] < NOOP_TARGET_SECONDS else "OVER TARGET"
        say(f"  no-op refresh: {r['articles']:,} articles, {r['unchanged']:,} unchanged in {r['seconds']:.2f} s "
            f"(target < {NOOP_TARGET_SECONDS:.0f} s: {verdict}); peak {r['peak_mib']:.0f} MiB"
            + (f", each worker at most {r['worker_peak_mib']:.0f} MiB" if r["worker_peak_mib"] else ""))
        for folder in sources:  # free the disk before the next store
            shutil.rmtree(folder, ignore_errors=True)
        results["group_by"] = measure_group_bys(root, sizes.facts, say)
    return results


def run_group_by_bench(out=sys.stdout, facts: int = FULL.facts) -> dict:
    """Only the group-by part of the suite (`python -m extract.bench_store --group-by`)."""
    say = lambda line: print(line, file=out, flush=True)  # noqa: E731 - a local shorthand
    with tempfile.TemporaryDirectory(prefix="facts-bench-") as tmp:
        return measure_group_bys(Path(tmp), facts, say)


def measure_group_bys(root: Path, facts: int, say) -> dict:
    """Build a store of `facts` synthetic facts under `root`, measure the group-bys in a child, print them."""
    facts_store = root / "facts-1m.sqlite"
    started = time.perf_counter()
    build_fact_store(facts_store, facts)
    say(f"  {facts:,} synthetic facts written in {time.perf_counter() - started:.1f} s "
        f"({facts_store.stat().st_size / 2**20:.0f} MiB)")
    g = in_child("group_by", store=str(facts_store))
    for name in ("sql_metric_by_city", "sql_metric_by_district_in_city", "sql_metric_by_city_in_dates",
                 "sql_metric_by_city_in_dates_join", "pandas_filter_group_by"):
        verdict = "ok" if g[name] < GROUP_BY_TARGET_SECONDS else "OVER TARGET"
        say(f"  group-by over {g['facts']:,} facts, {name}: {g[name] * 1000:.1f} ms "
            f"(target < {GROUP_BY_TARGET_SECONDS * 1000:.0f} ms: {verdict})")
    say(f"  load_facts of {g['facts']:,} facts: {g['load_facts']:.2f} s from the Parquet snapshot, "
        f"{g['load_facts_sqlite']:.2f} s from SQLite; snapshot written in {g['snapshot_write']:.2f} s; "
        f"frame {g['frame_mib']:.0f} MiB; peak {g['peak_mib']:.0f} MiB")
    return g


if __name__ == "__main__":
    if "--group-by" in sys.argv:
        run_group_by_bench()
    else:
        run_store_bench(quick="--quick" in sys.argv)
