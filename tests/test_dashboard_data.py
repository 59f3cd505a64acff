"""dashboard/data.py: filters, options, chart tables, number wording and highlighting, on real frames."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data as d
from extract.errors import UnreadableInput
from extract.fact import METRICS, QUALIFIERS
from extract.store import LOADED_COLUMNS, load_facts, open_store, typed_facts_frame

# ---------------------------------------------------------------------------------------------------------------
# A small corpus of facts, typed exactly as extract.store.load_facts types them.

_SENTENCE_PORT = "今年港口吞吐量完成587.07万吨，同比增长41.3%。"
_SENTENCE_PARTY = "云龙区120余名党员参加活动，约35名区人大代表到场。"


def _fact(fact_id, text, value, unit, qualifier, metric, subject, city, district, place="", *, article=1,
          date_="2024-03-05", source="徐州日报", sentence=_SENTENCE_PORT, start=0, value_high=None,
          province="江苏省", headline="港口吞吐量创新高"):
    return {"doc": f"doc{article}", "text": text, "start": start, "end": start + len(text), "value": value,
            "value_high": value_high, "unit": unit, "qualifier": qualifier, "metric": metric, "subject": subject,
            "province": province, "city": city, "district": district, "place": place, "sentence": sentence,
            "headline": headline, "fact_id": fact_id, "article_id": article, "path": f"/articles/doc{article}.txt",
            "date": date_, "source": source, "url": ""}


ROWS = [
    _fact(1, "587.07万吨", 5870700.0, "吨", "exact", "throughput", "吞吐量", "徐州市", "云龙区", start=9),
    _fact(2, "41.3%", 41.3, "%", "exact", "percent", "同比增长", "徐州市", "云龙区", start=21),
    _fact(3, "120余名", 120.0, "人", "at_least", "participants", "党员", "徐州市", "云龙区", "彭城街道", article=2,
          sentence=_SENTENCE_PARTY, start=3, headline="党员活动", date_="2024-07-01"),
    _fact(4, "约35名", 35.0, "人", "approx", "participants", "区人大代表", "徐州市", "云龙区", "彭城街道",
          article=2, sentence=_SENTENCE_PARTY, start=15, headline="党员活动", date_="2024-07-01"),
    _fact(5, "1400万吨", 14000000.0, "吨", "exact", "throughput", "设计年吞吐量", "徐州市", "鼓楼区", article=3,
          date_=None, source="新华日报", headline="新港区开工", sentence="新港区建成后吞吐能力1400万吨。"),
    _fact(6, "3至5万元", 30000.0, "元", "range", "funds", "补助", "南通市", "海安市", "白甸镇", article=4,
          value_high=50000.0, date_="2023-12-30", source="新华日报", headline="白甸镇发放补助",
          sentence="每户补助3至5万元。"),
    _fact(7, "18.5亿元", 1850000000.0, "元", "exact", "funds", "总投资", "徐州市", "鼓楼区", article=3,
          date_=None, source="新华日报", headline="新港区开工", sentence="项目总投资18.5亿元。", start=20),
    _fact(8, "近3万元", 30000.0, "元", "at_most", "funds", "价值", "徐州市", "", article=5, date_="2024-03-20",
          headline="=cmd|' /C calc'!A0", sentence="捐赠物资价值近3万元。"),
]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return d.prepare_frame(typed_facts_frame(pd.DataFrame(ROWS)))


def _ids(frame: pd.DataFrame) -> list[int]:
    return sorted(int(i) for i in frame["fact_id"])


# ---------------------------------------------------------------------------------------------------------------
# Labels (data file) and number wording


@dataclass(frozen=True)
class LabelCase:
    id: str
    table: dict
    key: str


LABEL_CASES = (
    [LabelCase(f"metric-{m}", d.METRIC_LABELS, m) for m in METRICS]
    + [LabelCase(f"qualifier-{q}", d.QUALIFIER_LABELS, q) for q in QUALIFIERS]
    + [LabelCase(f"level-{lv}", d.LEVEL_LABELS, lv) for lv in d.LEVELS]
    + [LabelCase(f"column-{c}", d.COLUMN_LABELS, c) for c in ("text", "value", "unit", "qualifier", "metric",
                                                               "subject", "locality", "headline")]
)


@pytest.mark.parametrize("case", LABEL_CASES, ids=lambda c: c.id)
def test_every_shown_name_has_a_chinese_label(case: LabelCase):
    assert case.table[case.key].strip(), f"labels.toml has no label for {case.key}"


@dataclass(frozen=True)
class FormatCase:
    id: str
    value: float
    unit: str
    expect: str
    qualifier: str = "exact"
    style: str = "chinese"
    value_high: float | None = None


FORMAT_EXAMPLES_FROM_DATA = [
    FormatCase(f"labels-{q}-{i}", ex["value"], ex["unit"], ex["expect"], qualifier=q, value_high=ex.get("value_high"))
    for q, entry in d.LABELS["qualifiers"].items() for i, ex in enumerate(entry["examples"])
] + [
    FormatCase(f"labels-{m['suffix']}-{i}", value, "", expect)
    for m in d.LABELS["magnitudes"] for i, (value, expect) in enumerate(m["examples"])
]

FORMAT_MORE = [
    FormatCase("grouped-big", 14000000, "吨", "14,000,000吨", style="grouped"),
    FormatCase("grouped-decimal", 5870700.5, "吨", "5,870,700.5吨", style="grouped"),
    FormatCase("percent-stays", 41.3, "%", "41.3%"),
    FormatCase("below-wan-grouped", 1200, "元", "1,200元"),
    FormatCase("approx-grouped", 120000, "平方米", "约120,000平方米", qualifier="approx", style="grouped"),
    FormatCase("range-without-high-reads-as-one", 3, "个", "3个", qualifier="range"),
    FormatCase("negative", -25000, "元", "-2.5万元"),
]


@pytest.mark.parametrize("case", FORMAT_EXAMPLES_FROM_DATA + FORMAT_MORE, ids=lambda c: c.id)
def test_values_read_as_chinese_readers_write_them(case: FormatCase):
    assert d.format_value(case.value, case.unit, case.qualifier, case.style, case.value_high) == case.expect


@dataclass(frozen=True)
class BadCallCase:
    id: str
    call: object


BAD_CALLS = [
    BadCallCase("unknown-style", lambda: d.format_number(1, "roman")),
    BadCallCase("unknown-qualifier", lambda: d.format_value(1, "人", "maybe")),
    BadCallCase("unknown-level", lambda: d.locality_label({}, "street")),
    BadCallCase("unknown-level-totals", lambda: d.totals_by_place(d.empty_frame(), "吨", "county")),
    BadCallCase("unknown-metric", lambda: d.FilterState(metric="money")),
    BadCallCase("unknown-qualifier-filter", lambda: d.FilterState(qualifiers=("roughly",))),
    BadCallCase("empty-value-range", lambda: d.FilterState(value_min=5, value_max=1)),
    BadCallCase("empty-date-range", lambda: d.FilterState(date_from=date(2024, 2, 1), date_to=date(2024, 1, 1))),
    BadCallCase("bad-number-param", lambda: d.FilterState.from_query_params({"vmin": "lots"})),
    BadCallCase("unknown-metric-param", lambda: d.FilterState.from_query_params({"metric": "钱"})),
    BadCallCase("bad-date-param", lambda: d.FilterState.from_query_params({"from": "2024/13/01"})),
    BadCallCase("unknown-download-format", lambda: d.download_name(d.FilterState(), "xlsx")),
    BadCallCase("mark-outside-text", lambda: d.highlight_html("abc", [d.Mark(2, 9)])),
    BadCallCase("frame-without-columns", lambda: d.prepare_frame(pd.DataFrame({"value": [1]}))),
    BadCallCase("unknown-chart", lambda: d.page_view(d.empty_frame(), d.FilterState(), "city", "store", 5, ["pie"])),
]


@pytest.mark.parametrize("case", BAD_CALLS, ids=lambda c: c.id)
def test_wrong_arguments_raise_a_value_error(case: BadCallCase):
    with pytest.raises(ValueError):
        case.call()


# ---------------------------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class FilterCase:
    id: str
    state: d.FilterState
    expect_ids: list[int]


FILTER_CASES = [
    FilterCase("nothing-filtered", d.FilterState(), [1, 2, 3, 4, 5, 6, 7, 8]),
    FilterCase("metric", d.FilterState(metric="funds"), [6, 7, 8]),
    FilterCase("metric-and-unit", d.FilterState(metric="throughput", unit="吨"), [1, 5]),
    FilterCase("city", d.FilterState(city="徐州市"), [1, 2, 3, 4, 5, 7, 8]),
    FilterCase("district", d.FilterState(city="徐州市", district="云龙区"), [1, 2, 3, 4]),
    FilterCase("place", d.FilterState(place="彭城街道"), [3, 4]),
    FilterCase("county-level-city", d.FilterState(district="海安市"), [6]),
    FilterCase("qualifiers", d.FilterState(qualifiers=("at_least", "approx")), [3, 4]),
    FilterCase("value-min", d.FilterState(value_min=1e6), [1, 5, 7]),
    FilterCase("value-range", d.FilterState(value_min=35, value_max=30000), [2, 3, 4, 6, 8]),
    FilterCase("date-from-drops-undated", d.FilterState(date_from=date(2024, 1, 1)), [1, 2, 3, 4, 8]),
    FilterCase("date-window", d.FilterState(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31)), [1, 2, 8]),
    FilterCase("source", d.FilterState(sources=("新华日报",)), [5, 6, 7]),
    FilterCase("search-subject", d.FilterState(search="设计年"), [5]),
    FilterCase("search-sentence", d.FilterState(search="同比增长"), [1, 2]),
    FilterCase("search-headline", d.FilterState(search="新港区"), [5, 7]),
    FilterCase("search-latin-ignores-case", d.FilterState(search="CMD"), [8]),
    FilterCase("search-is-not-a-regex", d.FilterState(search="41.3%|党员"), []),
    FilterCase("everything-at-once", d.FilterState(metric="participants", unit="人", city="徐州市",
                                                   district="云龙区", qualifiers=("at_least",), value_min=100,
                                                   sources=("徐州日报",), search="党员"), [3]),
]


@pytest.mark.parametrize("case", FILTER_CASES, ids=lambda c: c.id)
def test_filters_keep_exactly_the_matching_facts(frame, case: FilterCase):
    assert _ids(d.apply_filters(frame, case.state)) == case.expect_ids


@dataclass(frozen=True)
class QueryCase:
    id: str
    params: dict
    state: d.FilterState


QUERY_CASES = [
    QueryCase("empty", {}, d.FilterState()),
    QueryCase("single-values", {"metric": "资金", "unit": "元", "city": "徐州市"},
              d.FilterState(metric="funds", unit="元", city="徐州市")),
    QueryCase("repeated-values", {"qualifier": ["至少（下限）", "约数"], "source": ["徐州日报", "新华日报"]},
              d.FilterState(qualifiers=("at_least", "approx"), sources=("徐州日报", "新华日报"))),
    QueryCase("numbers-and-dates", {"vmin": "10000", "vmax": "2.5", "from": "2024-01-01", "to": "2024-12-31"}
              | {"vmax": "250000.5"},
              d.FilterState(value_min=10000, value_max=250000.5, date_from=date(2024, 1, 1),
                            date_to=date(2024, 12, 31))),
    QueryCase("search", {"q": "党员"}, d.FilterState(search="党员")),
]


@pytest.mark.parametrize("case", QUERY_CASES, ids=lambda c: c.id)
def test_filters_survive_the_url(case: QueryCase):
    assert d.FilterState.from_query_params(case.params) == case.state
    assert d.FilterState.from_query_params(case.state.to_query_params()) == case.state


LENIENT_QUERY_CASES = [
    QueryCase("foreign-parameters-ignored", {"embed": "true", "level": "district"}, d.FilterState()),
    QueryCase("blank-values-are-no-filter", {"metric": "", "q": "  ", "qualifier": []}, d.FilterState()),
    QueryCase("duplicates-dropped", {"qualifier": ["约数", "approx"]}, d.FilterState(qualifiers=("approx",))),
    QueryCase("metric-by-id", {"metric": "funds"}, d.FilterState(metric="funds")),
    QueryCase("grouped-number", {"vmin": "1,400"}, d.FilterState(value_min=1400)),
]


@pytest.mark.parametrize("case", LENIENT_QUERY_CASES, ids=lambda c: c.id)
def test_urls_written_by_hand_still_read(case: QueryCase):
    assert d.FilterState.from_query_params(case.params) == case.state


@dataclass(frozen=True)
class NameCase:
    id: str
    state: d.FilterState
    extension: str
    expect: str


NAME_CASES = [
    NameCase("nothing", d.FilterState(), "csv", "facts_all.csv"),
    NameCase("metric-place", d.FilterState(metric="funds", unit="元", city="徐州市", district="云龙区"), "csv",
             "facts_资金_元_徐州市_云龙区.csv"),
    NameCase("dates-and-search", d.FilterState(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31),
                                               search="党员"), "jsonl", "facts_2024-01-01至2024-12-31_含党员.jsonl"),
    NameCase("unsafe-characters", d.FilterState(search='a/b:c*"d" e'), "csv", "facts_含a-b-c-d-e.csv"),
    NameCase("qualifiers", d.FilterState(qualifiers=("approx", "at_most")), "csv", "facts_约数+至多（上限）.csv"),
    NameCase("unit-with-slash", d.FilterState(unit="元/公斤"), "csv", "facts_元-公斤.csv"),
]


@pytest.mark.parametrize("case", NAME_CASES, ids=lambda c: c.id)
def test_download_names_say_what_was_filtered(case: NameCase):
    assert d.download_name(case.state, case.extension) == case.expect


@dataclass(frozen=True)
class OptionCase:
    id: str
    state: d.FilterState
    expect: dict = field(default_factory=dict)


OPTION_CASES = [
    OptionCase("all", d.FilterState(), {
        "metrics": ["funds", "throughput", "participants", "percent"], "provinces": ["江苏省"],
        "cities": ["南通市", "徐州市"], "districts": ["云龙区", "海安市", "鼓楼区"], "places": ["彭城街道", "白甸镇"],
        "qualifiers": ["exact", "approx", "at_least", "at_most", "range"], "sources": ["徐州日报", "新华日报"]}),
    OptionCase("units-of-metric", d.FilterState(metric="participants"), {"units": ["人"]}),
    OptionCase("city-narrows-districts", d.FilterState(city="南通市"), {"districts": ["海安市"], "places": ["白甸镇"]}),
    OptionCase("district-narrows-places", d.FilterState(city="徐州市", district="鼓楼区"), {"places": []}),
    OptionCase("metric-does-not-narrow-places", d.FilterState(metric="percent"), {"cities": ["南通市", "徐州市"]}),
]


@pytest.mark.parametrize("case", OPTION_CASES, ids=lambda c: c.id)
def test_option_lists_are_narrowed_by_the_choice_above(frame, case: OptionCase):
    options = d.filter_options(frame, case.state)
    for name, expected in case.expect.items():
        got = getattr(options, name)
        if name == "metrics":  # by frequency: funds 3, throughput 2, participants 2, percent 1 (ties any order)
            assert got[0] == expected[0] and sorted(got) == sorted(expected)
        else:
            assert got == expected, name


@dataclass(frozen=True)
class SettleCase:
    id: str
    state: d.FilterState
    expect: d.FilterState


SETTLE_CASES = [
    SettleCase("consistent-state-kept", d.FilterState(city="徐州市", district="云龙区"),
               d.FilterState(city="徐州市", district="云龙区")),
    SettleCase("district-of-another-city-dropped", d.FilterState(city="南通市", district="云龙区"),
               d.FilterState(city="南通市")),
    SettleCase("unit-of-another-metric-dropped", d.FilterState(metric="funds", unit="吨"),
               d.FilterState(metric="funds")),
]


@pytest.mark.parametrize("case", SETTLE_CASES, ids=lambda c: c.id)
def test_stale_choices_are_dropped(frame, case: SettleCase):
    assert d.settle_state(case.state, d.filter_options(frame, case.state)) == case.expect


# ---------------------------------------------------------------------------------------------------------------
# Figures and chart tables


def test_headline_figures(frame):
    summary = d.summarise(frame)
    # places: 徐州市/云龙区, 徐州市/云龙区/彭城街道, 徐州市/鼓楼区, 南通市/海安市/白甸镇, 徐州市 (fact 8)
    assert summary == d.Summary(articles=5, facts=8, places=5, first_day=date(2023, 12, 30),
                                last_day=date(2024, 7, 1))


def test_headline_figures_of_nothing():
    assert d.summarise(d.empty_frame()) == d.Summary(0, 0, 0, None, None)


@dataclass(frozen=True)
class LocalityCase:
    id: str
    state: d.FilterState
    expect_places: int


# Counted from the held locality ids, the same as a group-by over the four level names of the filtered rows.
LOCALITY_CASES = [
    LocalityCase("all", d.FilterState(), 5),
    LocalityCase("one-city", d.FilterState(city="徐州市"), 4),
    LocalityCase("one-district", d.FilterState(city="徐州市", district="云龙区"), 2),
    LocalityCase("none", d.FilterState(search="不存在的词"), 0),
]


@pytest.mark.parametrize("case", LOCALITY_CASES, ids=lambda c: c.id)
def test_places_are_counted_by_locality_id(frame, case: LocalityCase):
    filtered = d.apply_filters(frame, case.state)
    by_names = filtered[list(d.LEVELS)].astype(str).drop_duplicates()
    by_names = by_names[(by_names != "").any(axis=1)]
    assert d.summarise(filtered).places == len(by_names) == case.expect_places
    ids = filtered[d.LOCALITY].to_numpy()
    assert (ids >= 0).all() == (len(by_names) > 0 or len(filtered) == 0)
    # Without the held column the ids are computed from the names: same count.
    assert d.summarise(filtered.drop(columns=d.LOCALITY)).places == case.expect_places


@dataclass(frozen=True)
class TotalsCase:
    id: str
    unit: str
    level: str
    expect: list[tuple[str, str, float, int]]  # locality, qualifier, total, facts


TOTALS_CASES = [
    TotalsCase("tonnes-by-district", "吨", "district",
               [("徐州市鼓楼区", "exact", 14000000.0, 1), ("徐州市云龙区", "exact", 5870700.0, 1)]),
    TotalsCase("people-by-place-keeps-qualifiers-apart", "人", "place",
               [("徐州市云龙区彭城街道", "approx", 35.0, 1), ("徐州市云龙区彭城街道", "at_least", 120.0, 1)]),
    TotalsCase("yuan-by-district-names-the-unknown", "元", "district",
               [("徐州市鼓楼区", "exact", 1850000000.0, 1), ("南通市海安市", "range", 30000.0, 1),
                ("徐州市（未指明区县）", "at_most", 30000.0, 1)]),
    TotalsCase("yuan-by-city-never-adds-other-units", "元", "city",
               [("徐州市", "at_most", 30000.0, 1), ("徐州市", "exact", 1850000000.0, 1),
                ("南通市", "range", 30000.0, 1)]),
    TotalsCase("province", "吨", "province", [("江苏省", "exact", 19870700.0, 2)]),
    TotalsCase("unit-absent", "TEU", "city", []),
]


@pytest.mark.parametrize("case", TOTALS_CASES, ids=lambda c: c.id)
def test_bar_chart_totals_group_by_unit_and_qualifier(frame, case: TotalsCase):
    table = d.totals_by_place(frame, case.unit, case.level)
    got = [(r.locality, r.qualifier, r.total, r.facts) for r in table.itertuples()]
    assert got == case.expect
    assert all(table["qualifier_label"] == table["qualifier"].map(d.QUALIFIER_LABELS))


def test_bar_chart_keeps_the_top_places(frame):
    assert list(d.totals_by_place(frame, "元", "district", top=1)["locality"]) == ["徐州市鼓楼区"]


def test_time_chart_totals_by_month(frame):
    table = d.totals_by_month(frame, "元")
    got = [(r.month.strftime("%Y-%m"), r.qualifier, r.total) for r in table.itertuples()]
    assert got == [("2023-12", "range", 30000.0), ("2024-03", "at_most", 30000.0)]  # undated 18.5亿元 left out


def test_metric_mix_counts_facts_per_metric(frame):
    mix = d.metric_mix(frame)
    assert list(zip(mix["metric"], mix["facts"], mix["units"])) == [
        ("funds", 3, "元"), ("throughput", 2, "吨"), ("participants", 2, "人"), ("percent", 1, "%")]
    assert list(mix["metric_label"]) == [d.METRIC_LABELS[m] for m in mix["metric"]]


@dataclass(frozen=True)
class ChartUnitCase:
    id: str
    state: d.FilterState
    expect: str | None


CHART_UNIT_CASES = [
    ChartUnitCase("chosen-unit", d.FilterState(unit="人"), "人"),
    ChartUnitCase("most-frequent", d.FilterState(), "元"),
    ChartUnitCase("most-frequent-of-metric", d.FilterState(metric="throughput"), "吨"),
    ChartUnitCase("nothing-left", d.FilterState(search="nowhere"), None),
]


@pytest.mark.parametrize("case", CHART_UNIT_CASES, ids=lambda c: c.id)
def test_charts_show_one_unit(frame, case: ChartUnitCase):
    assert d.chart_unit(d.apply_filters(frame, case.state), case.state) == case.expect


# ---------------------------------------------------------------------------------------------------------------
# Highlighting: article text is untrusted


@dataclass(frozen=True)
class HighlightCase:
    id: str
    text: str
    marks: list[d.Mark]
    expect: str


HIGHLIGHT_CASES = [
    HighlightCase("plain", "吞吐量1400万吨。", [d.Mark(3, 9)], '吞吐量<mark class="fact">1400万吨</mark>。'),
    HighlightCase("script-is-text", "<script>alert(1)</script>投资5亿元",
                  [d.Mark(27, 30, current=True)],
                  '&lt;script&gt;alert(1)&lt;/script&gt;投资<mark class="fact current">5亿元</mark>'),
    HighlightCase("offsets-before-escaping", "a&b 35名", [d.Mark(4, 7)], 'a&amp;b <mark class="fact">35名</mark>'),
    HighlightCase("title-escaped", "35名", [d.Mark(0, 3, title='"><img src=x onerror=alert(1)>')],
                  '<mark class="fact" title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">35名</mark>'),
    HighlightCase("overlap-keeps-first", "12345", [d.Mark(0, 3), d.Mark(2, 5)], '<mark class="fact">123</mark>45'),
    HighlightCase("unsorted-marks", "a1b2", [d.Mark(3, 4), d.Mark(1, 2)],
                  'a<mark class="fact">1</mark>b<mark class="fact">2</mark>'),
    HighlightCase("no-marks", "<b>x</b>", [], "&lt;b&gt;x&lt;/b&gt;"),
]


@pytest.mark.parametrize("case", HIGHLIGHT_CASES, ids=lambda c: c.id)
def test_highlighting_escapes_every_piece(case: HighlightCase):
    assert d.highlight_html(case.text, case.marks) == case.expect


@dataclass(frozen=True)
class SentenceCase:
    id: str
    sentence: str
    mention: str
    raw: str
    start: int | None
    expect: int | None


_TWICE = "甲村35名党员、乙村35名党员参加。"
SENTENCE_CASES = [
    SentenceCase("first-occurrence", _TWICE, "35名", "", None, 2),
    SentenceCase("the-fact-itself", _TWICE, "35名", "标题\n" + _TWICE, 3 + 9, 9),
    SentenceCase("absent", "没有数字。", "35名", "", None, None),
    SentenceCase("raw-without-sentence-falls-back", _TWICE, "35名", "别的文字35名", 4, 2),
]


@pytest.mark.parametrize("case", SENTENCE_CASES, ids=lambda c: c.id)
def test_mention_is_found_in_its_sentence(case: SentenceCase):
    assert d.mention_in_sentence(case.sentence, case.mention, case.raw, case.start) == case.expect


def test_sentence_html_marks_the_mention_and_escapes():
    got = d.sentence_html("<i>增长</i>41.3%", "41.3%")
    assert got == '&lt;i&gt;增长&lt;/i&gt;<mark class="fact current">41.3%</mark>'


def test_article_marks_skip_facts_whose_file_changed(frame):
    raw = _SENTENCE_PORT[:9] + "587.07万吨，同比增长41.3%。"  # fact 1 at 9, fact 2 moved (not at 21)
    marks, stale = d.article_marks(raw, frame[frame["article_id"] == 1], current_start=9)
    assert [(m.start, m.end, m.current) for m in marks] == [(9, 17, True)]
    assert marks[0].title == "吞吐量：587.07万吨"
    assert stale == 1


def test_facts_of_article_in_text_order(frame):
    assert list(d.facts_of_article(frame, 2)["text"]) == ["120余名", "约35名"]


# ---------------------------------------------------------------------------------------------------------------
# Reading the source of a fact


@dataclass(frozen=True)
class SourceCase:
    id: str
    files: dict[str, bytes]
    path: str
    expect: str | type[Exception]
    doc: str = ""


_FEED = "\n".join(json.dumps(r, ensure_ascii=False) for r in [
    {"id": "a1", "text": "第一篇：投资5亿元。"}, {"id": "a2", "text": "第二篇：<script>x</script>35名。"}]) + "\n"
SOURCE_CASES = [
    SourceCase("article-file", {"a.txt": "今年港口吞吐量完成587.07万吨。".encode()}, "a.txt", "今年港口吞吐量完成587.07万吨。"),
    SourceCase("gb18030-file", {"g.txt": "白甸镇178条河道".encode("gb18030")}, "g.txt", "白甸镇178条河道"),
    SourceCase("feed-record", {"feed.jsonl": _FEED.encode()}, "feed.jsonl#a2", "第二篇：<script>x</script>35名。"),
    SourceCase("feed-record-by-doc", {"feed.jsonl": _FEED.encode()}, "feed.jsonl", "第一篇：投资5亿元。", doc="a1"),
    SourceCase("file-gone", {}, "gone.txt", d.SourceMissing),
    SourceCase("feed-record-gone", {"feed.jsonl": _FEED.encode()}, "feed.jsonl#zz", d.SourceMissing),
    SourceCase("binary-file", {"b.txt": b"\x00\x01\x02binary"}, "b.txt", UnreadableInput),
]


@pytest.mark.parametrize("case", SOURCE_CASES, ids=lambda c: c.id)
def test_source_text_is_read_from_disk(tmp_path: Path, case: SourceCase):
    for name, content in case.files.items():
        (tmp_path / name).write_bytes(content)
    path = str(tmp_path / case.path)
    if isinstance(case.expect, str):
        assert d.read_source_text(path, case.doc) == case.expect
    else:
        with pytest.raises(case.expect):
            d.read_source_text(path, case.doc)


# ---------------------------------------------------------------------------------------------------------------
# The frame and freshness


def test_a_real_store_loads_into_a_filterable_frame(tmp_path: Path):
    """Rows written to a real SQLite store with the store's schema come back filterable and exportable unchanged."""
    store = tmp_path / "facts.sqlite"
    conn = open_store(store)
    with conn:
        conn.execute("BEGIN")
        for row in ROWS[:3]:
            conn.execute(
                "INSERT OR IGNORE INTO articles (article_id, source_key, doc, path, content_hash, size, mtime_ns, "
                "extractor_version, headline, date, source, url, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, '', 0, 0, 'test', ?, ?, ?, ?, '', '')",
                (row["article_id"], row["path"], row["doc"], row["path"], row["headline"], row["date"],
                 row["source"], row["url"]))
            conn.execute(
                'INSERT INTO facts (fact_id, article_id, doc, text, start, "end", value, value_high, unit, '
                "qualifier, metric, subject, province, city, district, place, sentence, headline) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                tuple(row[c] for c in ("fact_id", "article_id", "doc", "text", "start", "end", "value",
                                       "value_high", "unit", "qualifier", "metric", "subject", "province", "city",
                                       "district", "place", "sentence", "headline")))
        conn.execute("COMMIT")
    conn.close()
    frame = d.prepare_frame(load_facts(store))
    assert _ids(d.apply_filters(frame, d.FilterState(search="党员"))) == [3]
    exported = d.export_frame(d.apply_filters(frame, d.FilterState(metric="throughput")))
    assert list(exported.columns) == list(LOADED_COLUMNS)
    assert list(exported["text"]) == ["587.07万吨"]


def test_empty_frame_filters_to_nothing():
    empty = d.empty_frame()
    assert len(d.apply_filters(empty, d.FilterState(metric="funds", search="x"))) == 0
    assert d.filter_options(empty, d.FilterState()) == d.FilterOptions()
    assert d.metric_mix(empty).empty and d.totals_by_month(empty, "元").empty


@dataclass(frozen=True)
class SkipCase:
    id: str
    run: dict | None
    expect: dict[str, int]


SKIP_CASES = [
    SkipCase("no-run", None, {}),
    SkipCase("nothing-skipped", {"skipped": []}, {}),
    SkipCase("by-reason", {"skipped": [("a.txt", "empty", "no text"), ("b.txt", "binary", "NUL"),
                                       ("c.txt", "empty", "no text")]}, {"empty": 2, "binary": 1}),
]


@pytest.mark.parametrize("case", SKIP_CASES, ids=lambda c: c.id)
def test_skipped_inputs_are_counted_by_reason(case: SkipCase):
    assert d.skipped_by_reason(case.run) == case.expect


@dataclass(frozen=True)
class OrderCase:
    id: str
    order: str
    limit: int
    sort_by: list[str]
    ascending: list[bool]


# Each order's first rows are those a full stable sort gives (undated facts last by date).
ORDER_CASES = [
    OrderCase("store-order", "store", 3, [], []),
    OrderCase("largest-values", "value-desc", 4, ["value"], [False]),
    OrderCase("smallest-values", "value-asc", 4, ["value"], [True]),
    OrderCase("newest-first", "date-desc", 6, [d.DAY], [False]),
]


@pytest.mark.parametrize("case", ORDER_CASES, ids=lambda c: c.id)
def test_table_rows_are_the_first_of_the_order(frame, case: OrderCase):
    expected = (frame.sort_values(case.sort_by, ascending=case.ascending, kind="stable", na_position="last")
                if case.sort_by else frame).head(case.limit)
    assert list(d.table_rows(frame, case.order, case.limit)["fact_id"]) == list(expected["fact_id"])


@dataclass(frozen=True)
class ChartKindCase:
    id: str
    charts: tuple[str, ...]
    expect_filled: tuple[str, ...]


CHART_KIND_CASES = [
    ChartKindCase("place-only", ("place",), ("totals",)),
    ChartKindCase("month-only", ("month",), ("months",)),
    ChartKindCase("mix-only", ("mix",), ("mix",)),
    ChartKindCase("all", d.CHART_KINDS, ("totals", "months", "mix")),
]


@pytest.mark.parametrize("case", CHART_KIND_CASES, ids=lambda c: c.id)
def test_page_view_computes_only_the_charts_asked_for(frame, case: ChartKindCase):
    view = d.page_view(frame, d.FilterState(), "city", "store", 3, charts=case.charts)
    for name in ("totals", "months", "mix"):
        assert getattr(view, name).empty == (name not in case.expect_filled), name
    assert view.summary == d.summarise(frame) and list(view.rows["fact_id"]) == list(frame["fact_id"][:3])
    if "months" in case.expect_filled:
        assert view.months.equals(d.totals_by_month(frame, view.unit))
    if "mix" in case.expect_filled:
        assert view.mix.equals(d.metric_mix(frame))


def test_unit_and_place_options_are_the_parts_of_the_option_lists(frame):
    state = d.FilterState(metric="funds", city="徐州市")
    options = d.filter_options(frame, state)
    assert d.unit_options(frame, "funds") == options.units == ["元"]
    assert d.unit_options(frame, None) == d.filter_options(frame, d.FilterState()).units
    places = d.place_options(frame, state)
    assert [places[level] for level in d.LEVELS] == [options.provinces, options.cities, options.districts,
                                                     options.places]
    assert places["district"] == ["云龙区", "鼓楼区"]


def test_the_first_page_is_the_page_with_nothing_chosen(frame):
    page = d.first_page(frame)
    assert page.options == d.filter_options(frame, d.FilterState())
    expected = d.page_view(frame, d.FilterState(), d.FIRST_LEVEL, d.FIRST_ORDER, d.TABLE_ROWS, (d.FIRST_CHART,))
    view = page.view_for(d.FilterState(), d.FIRST_LEVEL, d.FIRST_ORDER, d.FIRST_CHART, d.TABLE_ROWS)
    assert view.summary == expected.summary and view.totals.equals(expected.totals)
    assert view.rows.equals(expected.rows)
    assert page.view_for(d.FilterState(metric="funds"), d.FIRST_LEVEL, d.FIRST_ORDER, d.FIRST_CHART,
                         d.TABLE_ROWS) is None
    assert page.view_for(d.FilterState(), "city", d.FIRST_ORDER, d.FIRST_CHART, d.TABLE_ROWS) is None
    assert page.view_for(d.FilterState(), d.FIRST_LEVEL, d.FIRST_ORDER, "month", d.TABLE_ROWS) is None


def test_page_view_holds_small_plain_tables_for_one_choice(frame):
    state = d.FilterState(metric="funds")
    view = d.page_view(frame, state, "city", "value-desc", 2)
    filtered = d.apply_filters(frame, state)
    assert view.summary == d.summarise(filtered)
    assert view.unit == d.chart_unit(filtered, state)
    assert list(view.rows["fact_id"]) == list(filtered.nlargest(2, "value")["fact_id"])
    assert not any(isinstance(view.rows[c].dtype, pd.CategoricalDtype) for c in view.rows.columns)
    assert view.totals.equals(d.totals_by_place(filtered, view.unit, "city"))
    assert sum(view.other_units.values()) == len(filtered) - (filtered["unit"] == view.unit).sum()
