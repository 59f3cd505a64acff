"""Stores with facts chosen by the caller, for the dashboard's tests and its benchmark.

The extractor decides which facts a real article gives; a test of the dashboard needs to know them in advance.
`set_article_facts` therefore writes the given facts for an article that a real `refresh()` stored, replacing what
the extractor found; `write_synthetic_store` fills a store with many generated facts for the speed benchmark. Both
write through the store's own schema (extract.store.open_store) in one transaction and record a run, so the
dashboard reads them exactly like facts from a refresh.
"""
from __future__ import annotations

import os
import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

from extract.fact import FACT_FIELDS, METRICS, QUALIFIERS, Fact
from extract.pipeline import EXTRACTOR_VERSION
from extract.store import open_store, refresh_snapshot, utc_now

_FACT_COLUMNS = ", ".join(f'"{name}"' for name in FACT_FIELDS)
_FACT_INSERT = f"INSERT INTO facts (article_id, {_FACT_COLUMNS}) VALUES ({', '.join('?' * (len(FACT_FIELDS) + 1))})"
# The generated facts carry their article's date and source themselves (the store's trigger would otherwise copy
# them in, one update per fact).
_DATED_FACT_INSERT = (f"INSERT INTO facts (article_id, {_FACT_COLUMNS}, date, source) "
                      f"VALUES ({', '.join('?' * (len(FACT_FIELDS) + 3))})")
_ARTICLE_INSERT = """INSERT INTO articles (article_id, source_key, doc, path, content_hash, size, mtime_ns,
    extractor_version, settings, headline, date, source, url, home, first_seen, last_seen)
    VALUES (?, ?, ?, ?, '', 0, 0, ?, '', ?, ?, ?, ?, '', ?, ?)"""
_RUN_INSERT = """INSERT INTO runs (started_at, finished_at, status, seen, new, facts, extractor_version)
    VALUES (?, ?, 'ok', ?, ?, ?, ?)"""


class NotInStore(LookupError):
    """An article that the store does not hold (refresh it first)."""


def fact_at(raw: str, mention: str, occurrence: int = 0, **fields) -> Fact:
    """A Fact for the `occurrence`-th `mention` in `raw`, with start/end computed from the text itself."""
    start = -1
    for _ in range(occurrence + 1):
        start = raw.find(mention, start + 1)
        if start < 0:
            raise ValueError(f"{mention!r} does not occur {occurrence + 1} times in the text")
    defaults = {"doc": "", "value_high": None, "qualifier": "exact", "subject": "", "sentence": ""}
    return Fact(**(defaults | fields | {"text": mention, "start": start, "end": start + len(mention)}))


def set_article_facts(store: str | os.PathLike, facts_by_path: Mapping[str | os.PathLike, Sequence[Fact]]) -> None:
    """Make the facts of each stored article (named by its file path) exactly the given ones."""
    conn = open_store(store)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for path, facts in facts_by_path.items():
            key = str(Path(path).absolute())
            row = conn.execute("SELECT article_id FROM articles WHERE source_key = ?", (key,)).fetchone()
            if row is None:
                conn.execute("ROLLBACK")
                raise NotInStore(f"{key} is not in {store}")
            conn.execute("DELETE FROM facts WHERE article_id = ?", (row[0],))
            conn.executemany(_FACT_INSERT, ((row[0], *(f.as_dict()[n] for n in FACT_FIELDS)) for f in facts))
        now = utc_now()
        total = sum(len(f) for f in facts_by_path.values())
        conn.execute(_RUN_INSERT, (now, now, len(facts_by_path), 0, total, EXTRACTOR_VERSION))
        conn.execute("COMMIT")
    finally:
        conn.close()
    refresh_snapshot(store)  # as a refresh does after its commit


_UNITS = {"throughput": ("吨", "TEU"), "participants": ("人", "户"), "funds": ("元",), "output": ("台", "尾"),
          "count": ("个", "家"), "length": ("公里",), "area": ("平方米", "亩"), "percent": ("%",)}


def write_synthetic_store(store: str | os.PathLike, facts: int = 1_000_000, places: int = 2_000,
                          facts_per_article: int = 8, seed: int = 7) -> dict[str, int]:
    """A new store at `store` with `facts` generated facts over `places` localities (4 provinces, 40 cities,
    400 districts), 8 metrics and articles dated over two years. Returns the counts written."""
    path = Path(store)
    if path.exists():
        raise FileExistsError(f"{path} exists; the benchmark writes a new store")
    rng = random.Random(seed)
    localities = []
    for i in range(places):
        district = i % 400
        city = district % 40
        localities.append((f"样例{city % 4}省", f"样例{city}市", f"样例{district}区", f"样例{i}镇"))
    first_day = date(2024, 1, 1)
    conn = open_store(path)
    now = utc_now()
    try:
        conn.execute("BEGIN IMMEDIATE")
        articles = (facts + facts_per_article - 1) // facts_per_article
        conn.executemany(_ARTICLE_INSERT, (
            (a, f"/synthetic/{a}.txt", f"a{a}", f"/synthetic/{a}.txt", EXTRACTOR_VERSION, f"第{a}篇：样例新闻标题",
             (first_day + timedelta(days=a % 730)).isoformat(), f"样例报{a % 5}", "", now, now)
            for a in range(1, articles + 1)))

        def rows():
            for n in range(facts):
                article = n // facts_per_article + 1
                day, paper = (first_day + timedelta(days=article % 730)).isoformat(), f"样例报{article % 5}"
                metric = METRICS[n % len(METRICS)]
                unit = _UNITS[metric][n % len(_UNITS[metric])]
                qualifier = QUALIFIERS[rng.randrange(4)] if n % 3 else "exact"
                value = float(rng.randrange(1, 100_000) * (10 ** (n % 4)))
                province, city, district, place = localities[rng.randrange(places)]
                text = f"{value:g}{unit}"
                sentence = f"{place}今年{metric}第{n % 997}项完成{text}，同比增长{n % 50}%。"
                yield (article, f"a{article}", text, 10, 10 + len(text), value, None, unit, qualifier, metric,
                       f"项目{n % 97}", province, city, district, place if n % 2 else "", sentence,
                       f"第{article}篇：样例新闻标题", day, paper)

        conn.executemany(_DATED_FACT_INSERT, rows())
        conn.execute(_RUN_INSERT, (now, utc_now(), articles, articles, facts, EXTRACTOR_VERSION))
        conn.execute("COMMIT")
    finally:
        conn.close()
    refresh_snapshot(path)  # as a refresh does after its commit
    return {"articles": articles, "facts": facts}


# A small corpus of real article files with the facts a reader finds in them, for the dashboard's tests: three
# papers, dated and undated articles, a county-level city, an article whose text holds <script> tags, and one
# empty file that a refresh must skip.
KNOWN_ARTICLES: dict[str, str] = {
    "xuzhou/2024-03-05_port.txt": "港口吞吐量创新高\n今年港口吞吐量完成587.07万吨，同比增长41.3%。"
                                  "新港区设计年吞吐量达1400万吨，总投资18.5亿元。\n",
    "xuzhou/2024-07-01_party.txt": "云龙区党员志愿服务\n彭城街道120余名党员参加志愿服务，约35名区人大代表到场。\n",
    "nantong/2023-12-30_baidian.txt": "白甸镇发放补助\n白甸镇为70户困难群众每户补助3至5万元。\n",
    "nantong/2024-02-02_script.txt": "<script>alert('headline')</script>村里新修道路\n"
                                     "某村<script>document.title='pwned'</script>投入资金200万元修路。\n",
    "nantong/2024-02-03_empty.txt": "",
}
KNOWN_PAPERS = {"xuzhou": ("徐州日报", "江苏省徐州市"), "nantong": ("南通日报", "江苏省南通市")}


def _known_facts(name: str, raw: str) -> list[Fact]:
    xz = {"province": "江苏省", "city": "徐州市"}
    nt = {"province": "江苏省", "city": "南通市"}
    doc = Path(name).stem
    first_line = raw.split("\n", 1)[0]

    def at(mention, sentence, **fields):
        return fact_at(raw, mention, doc=doc, sentence=sentence, headline=first_line, **fields)

    port = "今年港口吞吐量完成587.07万吨，同比增长41.3%。"
    new_port = "新港区设计年吞吐量达1400万吨，总投资18.5亿元。"
    party = "彭城街道120余名党员参加志愿服务，约35名区人大代表到场。"
    table = {
        "xuzhou/2024-03-05_port.txt": lambda: [
            at("587.07万吨", port, value=5870700, unit="吨", metric="throughput", subject="吞吐量",
               district="云龙区", **xz),
            at("41.3%", port, value=41.3, unit="%", metric="percent", subject="同比增长", district="云龙区", **xz),
            at("1400万吨", new_port, value=14000000, unit="吨", metric="throughput", subject="设计年吞吐量",
               district="鼓楼区", **xz),
            at("18.5亿元", new_port, value=1850000000, unit="元", metric="funds", subject="总投资",
               district="鼓楼区", **xz)],
        "xuzhou/2024-07-01_party.txt": lambda: [
            at("120余名", party, value=120, unit="人", qualifier="at_least", metric="participants", subject="党员",
               district="云龙区", place="彭城街道", **xz),
            at("约35名", party, value=35, unit="人", qualifier="approx", metric="participants",
               subject="区人大代表", district="云龙区", place="彭城街道", **xz)],
        "nantong/2023-12-30_baidian.txt": lambda: [
            at("70户", "白甸镇为70户困难群众每户补助3至5万元。", value=70, unit="户", metric="participants",
               subject="困难群众", district="海安市", place="白甸镇", **nt),
            at("3至5万元", "白甸镇为70户困难群众每户补助3至5万元。", value=30000, value_high=50000, unit="元/户",
               qualifier="range", metric="funds", subject="补助", district="海安市", place="白甸镇", **nt)],
        "nantong/2024-02-02_script.txt": lambda: [
            at("200万元", "某村<script>document.title='pwned'</script>投入资金200万元修路。", value=2000000,
               unit="元", metric="funds", subject="<b>资金</b>", district="海安市", **nt)],
    }
    return table[name]() if name in table else []


def write_known_corpus(folder: str | os.PathLike, store: str | os.PathLike) -> dict[str, list[Fact]]:
    """Write KNOWN_ARTICLES under `folder`, refresh `store` from them with the real refresh, and make each
    article's facts the known ones. Returns the facts by article file name (relative to `folder`)."""
    from extract.config import Source
    from extract.refresh import refresh

    root = Path(folder)
    for name, text in KNOWN_ARTICLES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    sources = [Source(root / paper, paper=name, home=home, date="filename")
               for paper, (name, home) in KNOWN_PAPERS.items()]
    refresh(sources, store, workers=1, progress=False)
    known = {name: _known_facts(name, text) for name, text in KNOWN_ARTICLES.items() if text}
    set_article_facts(store, {root / name: facts for name, facts in known.items()})
    # A last plain refresh: nothing changed, so it only records a run, with the skipped empty file.
    refresh(sources, store, workers=1, progress=False)
    return known
