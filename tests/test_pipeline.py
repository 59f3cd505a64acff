"""The whole extractor on real files: every fact points into the raw text, in document order, with every field."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, shared_path

from extract import FACT_FIELDS, Fact, extract, extract_file
from extract.fact import METRICS, QUALIFIERS
from extract.reader import iter_article_paths, read_article

SAMPLE_FILES = iter_article_paths([DATA / "articles"])


def _check_facts(raw: str, facts: list[Fact]) -> None:
    assert facts == sorted(facts, key=lambda f: (f.start, f.end))
    for f in facts:
        assert raw[f.start:f.end] == f.text
        assert f.qualifier in QUALIFIERS and f.metric in METRICS
        assert (f.value_high is None) == (f.qualifier != "range")
        assert f.text.strip() and f.sentence


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_sample_article_facts_point_into_the_raw_text(path: Path):
    raw = read_article(path)
    facts = extract(raw, doc=path.stem)
    assert facts, f"{path.name} holds statistics"
    _check_facts(raw, facts)


@pytest.mark.parametrize("subset", ["seed", "dev"])
def test_shared_article_facts_point_into_the_raw_text(subset):
    for path in iter_article_paths([shared_path("eval", subset, "articles")]):
        raw = read_article(path)
        _check_facts(raw, extract(raw, doc=path.stem))


def test_a_fact_has_exactly_the_spec_fields_and_the_headline():
    [fact] = extract("港口吞吐量完成587.07万吨。", doc="d")
    assert list(fact.as_dict()) == list(FACT_FIELDS)
    assert FACT_FIELDS[:15] == ("doc", "text", "start", "end", "value", "value_high", "unit", "qualifier", "metric",
                                "subject", "province", "city", "district", "place", "sentence")
    assert fact.as_dict()["value"] == 5870700 and isinstance(fact.as_dict()["value"], int)


def test_each_fact_keeps_the_headline_of_its_article():
    page = "# 白甸镇：178条河道发包养鱼\n\n全镇178条河道。\n\n# 川姜镇开展执法行动\n\n检查对象72个。\n"
    facts = extract(page)
    assert [(f.text, f.headline) for f in facts] == [
        ("178条", "白甸镇：178条河道发包养鱼"),
        ("178条", "白甸镇：178条河道发包养鱼"),
        ("72个", "川姜镇开展执法行动"),
    ]


def test_a_headline_given_apart_from_the_text_is_kept_but_not_searched():
    facts = extract("全年港口吞吐量1400万吨。", headline="港口吞吐量创新高，达1400万吨")
    assert [(f.text, f.start, f.headline) for f in facts] == [("1400万吨", 7, "港口吞吐量创新高，达1400万吨")]


def test_a_gb18030_file_reads_like_utf8(tmp_path):
    text = "白甸镇178条河道，发包养殖面积4855亩。"
    p = tmp_path / "gb.txt"
    p.write_bytes(text.encode("gb18030"))
    assert [(f.text, f.value) for f in extract_file(p)] == [("178条", 178), ("4855亩", 4855)]


@pytest.mark.parametrize("text", ["", "   ", "没有数字的一段话。", "2022年9月17日"])
def test_nothing_found_gives_an_empty_list(text):
    assert extract(text) == []
