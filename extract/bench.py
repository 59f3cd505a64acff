"""`facts bench`: speed of extraction, measured, printed.

Builds a corpus of at least 1 MB from the bundled sample articles (data/articles, or the given folder), then in
one run measures: the extractor (characters per second, peak memory), a bare `regex` scan for numerals over the
same text (the ceiling) and `cn2an.transform` (a peer), and prints the ratios. `--suite store` and
`--suite dashboard` run the store and dashboard benchmarks.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import regex

from extract.errors import UnreadableInput
from extract.pipeline import extract
from extract.reader import iter_article_paths, read_article

MIN_CORPUS_CHARS = 1_000_000
_NUMERAL_SCAN = regex.compile(r"[0-9零〇一二两三四五六七八九十百千万亿]+")


def build_corpus(folder: Path, min_chars: int = MIN_CORPUS_CHARS) -> list[str]:
    texts = []
    for p in iter_article_paths([folder]):
        try:
            texts.append(read_article(p))
        except UnreadableInput:
            continue
    if not texts:
        raise SystemExit(f"facts bench: no readable articles under {folder}")
    corpus: list[str] = []
    total = 0
    while total < min_chars:
        for t in texts:
            corpus.append(t)
            total += len(t)
    return corpus


def _best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_extract(corpus: list[str], repeats: int = 3, out=sys.stdout) -> dict:
    chars = sum(len(t) for t in corpus)
    extract(corpus[0])  # load data files and compile patterns outside the timing
    n_facts = 0

    def run_extract():
        nonlocal n_facts
        n_facts = sum(len(extract(t)) for t in corpus)

    def run_regex():
        for t in corpus:
            for _ in _NUMERAL_SCAN.finditer(t):
                pass

    def run_cn2an():
        import cn2an

        for t in corpus:
            cn2an.transform(t)

    t_extract = _best_of(run_extract, repeats)
    t_regex = _best_of(run_regex, repeats)
    cn2an_corpus = corpus[: max(1, len(corpus) // 10)]  # the peer is slow: a tenth of the corpus, scaled
    cn2an_chars = sum(len(t) for t in cn2an_corpus)
    t0 = time.perf_counter()
    import cn2an

    for t in cn2an_corpus:
        cn2an.transform(t)
    t_cn2an = time.perf_counter() - t0
    tracemalloc.start()
    for t in corpus[: max(1, len(corpus) // 4)]:
        extract(t)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cps = chars / t_extract
    figures = {
        "corpus_chars": chars,
        "documents": len(corpus),
        "facts": n_facts,
        "extract_seconds": round(t_extract, 3),
        "extract_chars_per_second": round(cps),
        "regex_scan_chars_per_second": round(chars / t_regex),
        "cn2an_transform_chars_per_second": round(cn2an_chars / t_cn2an),
        "peak_memory_mib": round(peak / 2**20, 1),
    }
    print(f"corpus: {chars:,} characters in {len(corpus)} documents; {n_facts:,} facts", file=out)
    print(f"extract            {cps:>14,.0f} chars/s   ({t_extract:.3f} s, median of {repeats})", file=out)
    print(f"bare regex scan    {figures['regex_scan_chars_per_second']:>14,} chars/s   "
          f"(ceiling; extract is {chars / t_regex / cps:.1f}x slower)", file=out)
    print(f"cn2an.transform    {figures['cn2an_transform_chars_per_second']:>14,} chars/s   "
          f"(peer; extract is {cps / (cn2an_chars / t_cn2an):.1f}x faster)", file=out)
    print(f"peak memory (tracemalloc, extraction of a quarter of the corpus): {figures['peak_memory_mib']} MiB",
          file=out)
    return figures


def run(args: argparse.Namespace) -> int:
    folder = Path(args.articles)
    if args.suite in ("extract", "all"):
        bench_extract(build_corpus(folder), repeats=args.repeats)
    if args.suite in ("store", "all"):
        from extract.bench_store import run_store_bench

        run_store_bench(out=sys.stdout, quick=args.quick)
    if args.suite in ("dashboard", "all"):
        from dashboard.bench import run_dashboard_bench

        run_dashboard_bench(out=sys.stdout)
    return 0


def register(sub) -> None:
    p = sub.add_parser("bench", help="measure speed: extraction (default), store and refresh, dashboard")
    p.add_argument("--suite", choices=("extract", "store", "dashboard", "all"), default="extract")
    p.add_argument("--articles", default="data/articles", help="sample articles to build the corpus from")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="smaller corpora for the store suite")
    p.set_defaults(run=run)
