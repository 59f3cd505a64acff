"""`facts bench`: speed of extraction, measured, printed.

Builds a corpus of at least 1 MB from the bundled sample articles (data/articles, or the given folder), then in
one run measures: the extractor (characters per second, peak memory), a bare `regex` scan for numerals over the
same text (the ceiling), a bare number + unit `regex` scan (the closer ceiling) and `cn2an.transform` (a peer), and
prints the ratios. `--suite store` and `--suite dashboard` run the store and dashboard benchmarks.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import cn2an
import regex

from extract.compiled import compiled_modules
from extract.config import DEFAULT_SOURCE
from extract.errors import UnreadableInput
from extract.language import alternation
from extract.pipeline import extract
from extract.quantities import unit_words
from extract.reader import iter_article_paths, read_article

MIN_CORPUS_CHARS = 1_000_000
_NUMERAL_SCAN = regex.compile(r"[0-9零〇一二两三四五六七八九十百千万亿]+")


def _quantity_scan() -> regex.Pattern:
    """A bare number + unit pattern (a numeral run, then any measure word of units.toml): what a regex alone finds
    of the quantities, with no reading of them; the closer ceiling."""
    return regex.compile(r"[0-9.零〇一二两三四五六七八九十百千万亿]+" + alternation(unit_words()))


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


def _best_of(fn, repeats: int) -> tuple[float, float, float]:
    """(best wall seconds, best CPU seconds of this process, median CPU seconds) over `repeats` runs. The CPU figure
    is what one core spends, and does not grow when other programs share the machine. The best run is the figure
    (as `timeit` advises: slower runs measure what else the machine was doing, on a VM whose speed drifts from
    minute to minute), the median is printed beside it."""
    walls, cpus = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), statistics.median(cpus)


def bench_extract(corpus: list[str], repeats: int = 5, out=sys.stdout, folder: Path | str = "") -> dict:
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

    quantity_scan = _quantity_scan()

    def run_quantity_regex():
        for t in corpus:
            for _ in quantity_scan.finditer(t):
                pass

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall_extract, cpu_extract, median_extract = _best_of(run_extract, repeats)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _, cpu_regex, _ = _best_of(run_regex, repeats)
    _, cpu_quantity_regex, _ = _best_of(run_quantity_regex, repeats)
    cn2an_corpus = corpus[: max(1, len(corpus) // 10)]  # the peer is slow: a tenth of the corpus
    cn2an_chars = sum(len(t) for t in cn2an_corpus)
    with warnings.catch_warnings():  # cn2an warns on every numeral-like word it cannot read
        warnings.simplefilter("ignore")
        _, cpu_cn2an, _ = _best_of(lambda: [cn2an.transform(t) for t in cn2an_corpus], 1)
    tracemalloc.start()
    for t in corpus[: max(1, len(corpus) // 4)]:
        extract(t)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cps = chars / cpu_extract
    figures = {
        "corpus_chars": chars,
        "documents": len(corpus),
        "facts": n_facts,
        "extract_cpu_seconds": round(cpu_extract, 3),
        "extract_median_cpu_seconds": round(median_extract, 3),
        "extract_wall_seconds": round(wall_extract, 3),
        "extract_chars_per_second": round(cps),
        "extract_chars_per_wall_second": round(chars / wall_extract),
        "regex_scan_chars_per_second": round(chars / cpu_regex),
        "quantity_regex_scan_chars_per_second": round(chars / cpu_quantity_regex),
        "cn2an_transform_chars_per_second": round(cn2an_chars / cpu_cn2an),
        "peak_rss_mib": round(max(rss_before, rss_after) / 1024, 1),
        "extraction_allocations_peak_mib": round(traced_peak / 2**20, 1),
        "compiled_modules": list(compiled_modules()),
    }
    compiled = figures["compiled_modules"]
    print("build: " + (f"compiled by mypyc ({len(compiled)} modules)" if compiled else
                           "pure Python (not compiled: see setup.py; about 1.4x slower)"), file=out)
    print(f"corpus: {chars:,} characters in {len(corpus)} documents built from {folder}; {n_facts:,} facts", file=out)
    print(f"extract            {cps:>14,.0f} chars/s on one core   ({cpu_extract:.3f} CPU s, best of {repeats}; "
          f"median {median_extract:.3f} s = {chars / median_extract:,.0f} chars/s; "
          f"wall {chars / wall_extract:,.0f} chars/s)", file=out)
    print(f"bare regex scan    {figures['regex_scan_chars_per_second']:>14,} chars/s   "
          f"(the ceiling: `regex` finding numeral runs; extract is {cpu_extract / cpu_regex:.1f}x slower)", file=out)
    print(f"number+unit scan   {figures['quantity_regex_scan_chars_per_second']:>14,} chars/s   "
          f"(`regex` finding a numeral run and a unit of units.toml; extract is "
          f"{cpu_extract / cpu_quantity_regex:.1f}x slower)", file=out)
    print(f"cn2an.transform    {figures['cn2an_transform_chars_per_second']:>14,} chars/s   "
          f"(a peer that only rewrites numerals; extract is {cpu_cn2an / cn2an_chars * chars / cpu_extract:.1f}x "
          f"faster)", file=out)
    print(f"peak memory: {figures['peak_rss_mib']} MiB resident (process, gazetteer and patterns loaded); "
          f"{figures['extraction_allocations_peak_mib']} MiB allocated at the peak of extracting", file=out)
    return figures


def run(args: argparse.Namespace) -> int:
    folder = Path(args.articles)
    if args.suite in ("extract", "all"):
        bench_extract(build_corpus(folder), repeats=args.repeats, folder=folder)
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
    p.add_argument("--articles", default=DEFAULT_SOURCE, help="sample articles to build the corpus from")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="smaller corpora for the store suite")
    p.set_defaults(run=run)
