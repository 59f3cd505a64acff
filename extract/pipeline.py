"""The extractor: raw text in, facts out. It only composes the modules that each do one thing:
segment (articles, sentences) -> cleanup (offset-keeping text) -> quantities -> exclusions -> metrics, subjects ->
places (locality) -> Fact with offsets into the raw text.
"""
from __future__ import annotations

import os
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from extract import places
from extract.cleanup import Cleaned, clean_text
from extract.exclusions import article_tests, exclusion_reason
from extract.fact import Fact
from extract.metrics import classify_metric
from extract.quantities import Quantity, carry_rates, find_quantities
from extract.reader import read_article
from extract.segment import ArticleSpan, split_articles, sentence_spans
from extract.subjects import find_subject

# Bump when a change to rules or data can change the facts of an unchanged article: the refresh re-extracts all.
EXTRACTOR_VERSION = "1.3.0"


@dataclass(slots=True)
class _Article:
    span: ArticleSpan
    cleaned: Cleaned          # headline + "\n" + body, cleaned; maps back to raw offsets
    headline_end: int         # cleaned text[:headline_end] is the headline
    body_offset: int          # where the body starts in the cleaned text
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    quantities: list[Quantity]


def extract(text: str, doc: str = "", home: str = "", headline: str = "") -> list[Fact]:
    """The facts of one raw article or page, in document order; `start`/`end` index `text`.

    `home`: the source's home place ("江苏省徐州市"), the last fallback for locality.
    `headline`: given when the headline is not part of `text` (a feed record's title); `text` is then one article.
    """
    if headline:
        spans = [ArticleSpan(headline, None, (0, len(text)), ())]
    else:
        spans = split_articles(text)
    articles = [_read_article(text, span) for span in spans]
    indexes = [[_sentence_index(a.sentence_starts, q.start) for q in a.quantities] for a in articles]
    views = [
        places.ArticleView(
            text=a.cleaned.text,
            headline_end=a.headline_end,
            parents=a.span.parents,
            sentences=tuple(a.sentences),
            mentions=tuple((q.start, q.end, si) for q, si in zip(a.quantities, idx)),
        )
        for a, idx in zip(articles, indexes)
    ]
    localities = places.resolve_localities(views, home=home)
    facts: list[Fact] = []
    for a, idx, locs in zip(articles, indexes, localities):
        sentences: dict[int, str] = {}  # mentions share sentences: cut each once
        for q, si, loc in zip(a.quantities, idx, locs):
            if si not in sentences:
                sentences[si] = _sentence_text(text, a, si)
            facts.append(_fact(text, doc, a, q, loc, sentences[si]))
    facts.sort(key=lambda f: (f.start, f.end))
    return facts


def extract_file(path: str | os.PathLike, home: str = "") -> list[Fact]:
    p = Path(path)
    return extract(read_article(p), doc=p.stem, home=home)


def _read_article(raw: str, span: ArticleSpan) -> _Article:
    if span.headline_span is not None:
        hs, he = span.headline_span
        head = clean_text(raw[hs:he], base=hs, join_lines=False)
    else:
        head = Cleaned(span.headline, (0,), (-1,))  # a headline given apart (a feed's, a front matter's title)
    bs, be = span.body_span
    body = clean_text(raw[bs:be], base=bs)
    cleaned = _concat(head, body)
    text = cleaned.text
    body_offset = len(head.text) + 1
    quantities = _find_facts(text, start_at=0 if span.headline_span is not None else body_offset)
    sentences = sentence_spans(text) if quantities else []
    return _Article(span, cleaned, len(head.text), body_offset, sentences, [s for s, _ in sentences], quantities)


def _concat(head: Cleaned, body: Cleaned) -> Cleaned:
    """headline + "\\n" + body as one Cleaned, keeping both maps (the joining newline maps to the body start)."""
    shift = len(head.text) + 1
    clean_starts = head.clean_starts + (len(head.text),) + tuple(c + shift for c in body.clean_starts)
    raw_starts = head.raw_starts + (body.raw_starts[0],) + body.raw_starts
    return Cleaned(head.text + "\n" + body.text, clean_starts, raw_starts)


def _find_facts(text: str, start_at: int) -> list[Quantity]:
    tests = article_tests(text)
    return carry_rates([q for q in find_quantities(text, start_at) if exclusion_reason(q, text, tests) is None],
                       text)


def _sentence_index(sentence_starts: list[int], pos: int) -> int:
    return max(bisect_right(sentence_starts, pos) - 1, 0)


def _sentence_text(raw: str, a: _Article, si: int) -> str:
    """The sentence as it stands in the raw file (scan breaks included), or in the cleaned text for a headline
    given apart from the text."""
    if not a.sentences:
        return ""
    ss, se = a.sentences[si]
    rs, re_ = a.cleaned.raw_span(ss, se)
    return raw[rs:re_].strip() if rs >= 0 else a.cleaned.text[ss:se].strip()


def _fact(raw: str, doc: str, a: _Article, q: Quantity, loc: places.Locality, sentence: str) -> Fact:
    start, end = a.cleaned.raw_span(q.start, q.end)
    text = a.cleaned.text
    # positional, in FACTS.md field order: keyword arguments cost three times as much, and this runs once per fact
    return Fact(doc, raw[start:end], start, end, q.value, q.value_high, q.unit, q.qualifier,
                classify_metric(q, text), find_subject(q, text),
                loc.province, loc.city, loc.district, loc.place, sentence, a.span.headline)
