"""`facts bench` measures and prints; these tests check that it measures the right things (figures present,
consistent with the corpus and the extractor), never how fast they are."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from extract.bench import build_corpus, bench_extract
from extract.pipeline import extract

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "articles"


def test_the_corpus_is_built_from_the_sample_articles_up_to_the_size_asked():
    corpus = build_corpus(SAMPLE, min_chars=120_000)
    assert sum(map(len, corpus)) >= 120_000
    assert len(set(corpus)) > 1  # several articles, repeated


@pytest.fixture(scope="module")
def small_run():
    corpus = build_corpus(SAMPLE, min_chars=60_000)
    out = io.StringIO()
    figures = bench_extract(corpus, repeats=1, out=out, folder=SAMPLE)
    return corpus, figures, out.getvalue()


FIGURES = ["extract_chars_per_second", "regex_scan_chars_per_second", "quantity_regex_scan_chars_per_second",
           "cn2an_transform_chars_per_second", "peak_rss_mib", "extract_cpu_seconds"]


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_is_measured(small_run, name):
    _, figures, _ = small_run
    assert figures[name] > 0


def test_the_fact_count_is_the_extractors(small_run):
    corpus, figures, _ = small_run
    assert figures["corpus_chars"] == sum(map(len, corpus))
    assert figures["facts"] == sum(len(extract(t)) for t in corpus)


@pytest.mark.parametrize("label", ["extract", "bare regex scan", "number+unit scan", "cn2an.transform", "peak memory"])
def test_the_report_prints_each_figure_with_its_ratio(small_run, label):
    _, _, printed = small_run
    line = next(l for l in printed.splitlines() if l.startswith(label))
    assert "chars/s" in line or "MiB" in line
