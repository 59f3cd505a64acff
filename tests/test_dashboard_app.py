"""dashboard/app.py driven by streamlit.testing.v1.AppTest on real SQLite stores built by the real refresh().

The store holds real article files (dashboard.synthetic.KNOWN_ARTICLES) whose facts are set to known values, so
these tests do not depend on what the extractor finds today. The URL, downloads and rendering are tested in a
real browser (tests/test_dashboard_browser.py); AppTest cannot sync the URL or click downloads.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from dashboard.app import store_from_argv, table_key
from dashboard.data import FilterState
from dashboard.synthetic import KNOWN_ARTICLES, fact_at, set_article_facts, write_known_corpus
from extract.dashboard_cmd import dashboard_command
from extract.store import count_rows

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
ALL_TEXTS = ["587.07万吨", "41.3%", "1400万吨", "18.5亿元", "120余名", "约35名", "70户", "3至5万元", "200万元"]


def _app(store: Path, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("FACTS_STORE", str(store))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _table_texts(at: AppTest) -> list[str]:
    return list(at.dataframe[-1].value["原文"])


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlCase:
    id: str
    query: dict
    expect_texts: list[str]
    expect_metrics: dict[str, str] = field(default_factory=dict)


URL_CASES = [
    UrlCase("no-filter", {}, ALL_TEXTS, {"文章": "4", "事实": "9", "日期范围": "2023-12-30 至 2024-07-01"}),
    UrlCase("metric", {"metric": "资金"}, ["18.5亿元", "3至5万元", "200万元"], {"事实": "3"}),
    UrlCase("district", {"city": "徐州市", "district": "云龙区"}, ["587.07万吨", "41.3%", "120余名", "约35名"]),
    UrlCase("qualifiers", {"qualifier": ["至少（下限）", "约数"]}, ["120余名", "约35名"]),
    UrlCase("value-range", {"vmin": "100", "vmax": "20000000"}, ["587.07万吨", "1400万吨", "120余名", "3至5万元",
                                                                 "200万元"]),
    UrlCase("dates", {"from": "2024-01-01", "to": "2024-03-31"},
            ["587.07万吨", "41.3%", "1400万吨", "18.5亿元", "200万元"], {"文章": "2"}),
    UrlCase("source", {"source": "南通日报"}, ["70户", "3至5万元", "200万元"]),
    UrlCase("search", {"q": "人大代表"}, ["120余名", "约35名"]),
    UrlCase("nothing-matches", {"q": "不存在的词"}, [], {"事实": "0"}),
]


@pytest.mark.parametrize("case", URL_CASES, ids=lambda c: c.id)
def test_query_parameters_seed_the_filters(known_store, monkeypatch, case: UrlCase):
    at = _app(known_store, monkeypatch, case.query)
    assert not at.exception
    assert _table_texts(at) == case.expect_texts
    metrics = {m.label: m.value for m in at.metric}
    for label, value in case.expect_metrics.items():
        assert metrics[label] == value


@dataclass(frozen=True)
class CascadeCase:
    id: str
    choices: list[tuple[str, str]]  # (widget key, value) chosen in order
    expect_options: dict[str, list[str]]
    expect_texts: list[str]


CASCADE_CASES = [
    CascadeCase("metric-narrows-units", [("metric", "participants")], {"unit": ["人", "户"]},
                ["120余名", "约35名", "70户"]),
    CascadeCase("city-narrows-districts", [("city", "南通市")], {"district": ["海安市"], "place": ["白甸镇"]},
                ["70户", "3至5万元", "200万元"]),
    CascadeCase("district-narrows-places", [("city", "徐州市"), ("district", "鼓楼区")], {"place": []},
                ["1400万吨", "18.5亿元"]),
    CascadeCase("unit-after-metric", [("metric", "funds"), ("unit", "元")], {"unit": ["元", "元/户"]},
                ["18.5亿元", "200万元"]),
]


@pytest.mark.parametrize("case", CASCADE_CASES, ids=lambda c: c.id)
def test_each_list_is_narrowed_by_the_one_above(known_store, monkeypatch, case: CascadeCase):
    at = _app(known_store, monkeypatch)
    for key, value in case.choices:
        at.sidebar.selectbox(key=key).select(value).run()
        assert not at.exception
    for key, options in case.expect_options.items():
        got = list(at.sidebar.selectbox(key=key).options)
        assert sorted(got) == sorted(options), key
    assert _table_texts(at) == case.expect_texts


def test_chart_shows_one_unit_by_place_and_marks_qualifiers(known_store, monkeypatch):
    at = _app(known_store, monkeypatch, {"metric": "参与人数", "unit": "人", "level": "乡镇街道"})
    chart = next(c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec)["title"].startswith("按乡镇街道"))
    place = json.loads(chart.proto.spec)
    assert place["title"] == "按乡镇街道合计（人）"
    assert place["encoding"]["x"]["axis"]["title"] == "合计（人）"
    assert place["encoding"]["color"]["field"] == "qualifier_label"
    rows = convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)
    assert sorted(zip(rows["locality"], rows["qualifier_label"], rows["total"])) == [
        ("徐州市云龙区彭城街道", "约数", 35.0), ("徐州市云龙区彭城街道", "至少（下限）", 120.0)]
    assert "未计入的其他单位" not in _captions(at)  # only 人 is left after the unit filter


@dataclass(frozen=True)
class ChartTabCase:
    id: str
    query: dict
    expect_title: str


# One chart is drawn: the open tab's (the URL names it); the others are not computed nor sent.
CHART_TAB_CASES = [
    ChartTabCase("place-by-default", {"metric": "吞吐量"}, "按区县合计（吨）"),
    ChartTabCase("month-from-url", {"metric": "吞吐量", "chart": "按月份"}, "按月份合计（吨）"),
    ChartTabCase("mix-from-url", {"chart": "指标构成"}, "指标构成（事实条数）"),
]


@pytest.mark.parametrize("case", CHART_TAB_CASES, ids=lambda c: c.id)
def test_only_the_open_tabs_chart_is_drawn(known_store, monkeypatch, case: ChartTabCase):
    at = _app(known_store, monkeypatch, case.query)
    assert not at.exception
    titles = [json.loads(c.proto.spec)["title"] for c in at.get("vega_lite_chart")]
    assert titles == [case.expect_title]


def test_other_units_are_named_not_added(known_store, monkeypatch):
    at = _app(known_store, monkeypatch, {"metric": "资金"})
    captions = _captions(at)
    assert "未计入的其他单位：元/户（1条）" in captions


def test_number_style_changes_the_reading(known_store, monkeypatch):
    at = _app(known_store, monkeypatch, {"metric": "吞吐量"})
    assert list(at.dataframe[-1].value["读作"]) == ["587.07万吨", "1,400万吨"]
    at.sidebar.radio(key="num").set_value("grouped").run()
    assert list(at.dataframe[-1].value["读作"]) == ["5,870,700吨", "14,000,000吨"]


def test_sort_by_value(known_store, monkeypatch):
    at = _app(known_store, monkeypatch, {"metric": "资金", "sort": "数值从大到小"})
    assert _table_texts(at) == ["18.5亿元", "200万元", "3至5万元"]


def test_freshness_names_the_skipped_inputs(known_store, monkeypatch):
    at = _app(known_store, monkeypatch)
    assert "跳过 1 个（empty 1 个）" in _captions(at)
    skipped = at.dataframe[0].value
    assert list(skipped["原因"]) == ["empty"] and skipped["输入"][0].endswith("2024-02-03_empty.txt")


def test_choosing_a_row_shows_its_source_escaped(known_store, monkeypatch):
    at = _app(known_store, monkeypatch, {"source": "南通日报"})
    at.session_state[table_key(FilterState(sources=("南通日报",)), "store")] = {
        "selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    sentence, article = [h.value for h in at.get("html")]
    assert '<mark class="fact current">200万元</mark>' in sentence
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in sentence
    assert "<script>" not in sentence.split("</style>")[1] and "<script>" not in article.split("</style>")[1]
    assert "&lt;b&gt;资金&lt;/b&gt;" not in article  # the subject is not part of the article text
    assert '<mark class="fact current" title="资金：200万元">200万元</mark>' in article


def test_the_whole_article_marks_all_its_facts(known_store, monkeypatch):
    at = _app(known_store, monkeypatch)
    at.session_state[table_key(FilterState(), "store")] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    article = at.get("html")[-1].value
    assert article.count("<mark") == 4
    assert '<mark class="fact current" title="比率：41.3%">41.3%</mark>' in article
    assert any("全文（标出 4 个事实）" in e.label for e in at.expander)


def test_a_missing_article_file_is_reported(tmp_path, monkeypatch):
    store = tmp_path / "facts.sqlite"
    write_known_corpus(tmp_path / "articles", store)
    (tmp_path / "articles" / "nantong" / "2023-12-30_baidian.txt").unlink()
    at = _app(store, monkeypatch, {"q": "困难群众"})
    at.session_state[table_key(FilterState(search="困难群众"), "store")] = {
        "selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert any("原文已找不到" in w.value for w in at.warning)


def test_a_refresh_that_changes_the_store_is_picked_up(tmp_path, monkeypatch):
    store = tmp_path / "facts.sqlite"
    write_known_corpus(tmp_path / "articles", store)
    at = _app(store, monkeypatch, {"q": "困难群众"})
    assert _table_texts(at) == ["70户", "3至5万元"]
    name = "nantong/2023-12-30_baidian.txt"
    raw = KNOWN_ARTICLES[name]
    set_article_facts(store, {tmp_path / "articles" / name: [
        fact_at(raw, "70户", doc="x", value=70, unit="户", metric="participants", subject="困难群众",
                sentence=raw.split("\n")[1], city="南通市")]})
    at.run()
    assert _table_texts(at) == ["70户"]


@pytest.mark.slow
def test_first_run_builds_the_store_from_the_sample_corpus(tmp_path, monkeypatch):
    store = tmp_path / "new" / "facts.sqlite"
    at = _app(store, monkeypatch)
    assert not at.exception
    counts = count_rows(store)
    assert counts["runs"] >= 1 and counts["articles"] >= 1


def test_an_empty_store_with_runs_says_so(tmp_path, monkeypatch):
    store = tmp_path / "facts.sqlite"
    folder = tmp_path / "articles"
    folder.mkdir()
    from extract.refresh import refresh

    refresh([folder], store, workers=1, progress=False)
    at = _app(store, monkeypatch)
    assert not at.exception
    assert any("还没有事实" in i.value for i in at.info)


@dataclass(frozen=True)
class ArgvCase:
    id: str
    argv: list[str]
    env: str | None
    expect: str


ARGV_CASES = [
    ArgvCase("store-argument", ["--store", "/x/f.sqlite"], None, "/x/f.sqlite"),
    ArgvCase("environment", [], "/env/f.sqlite", "/env/f.sqlite"),
    ArgvCase("default", ["-k", "unrelated"], None, "data/facts.sqlite"),
]


@pytest.mark.parametrize("case", ARGV_CASES, ids=lambda c: c.id)
def test_the_store_comes_from_argv_or_environment(monkeypatch, case: ArgvCase):
    if case.env:
        monkeypatch.setenv("FACTS_STORE", case.env)
    else:
        monkeypatch.delenv("FACTS_STORE", raising=False)
    assert str(store_from_argv(case.argv)) == case.expect


def test_facts_dashboard_runs_streamlit_on_the_store(tmp_path):
    command = dashboard_command(tmp_path / "f.sqlite", 8599, ["--server.address", "127.0.0.1"])
    assert command[1:4] == ["-m", "dashboard.launch", "run"] and command[4].endswith("dashboard/app.py")
    assert command[command.index("--server.port") + 1] == "8599"
    assert command[-3:] == ["--", "--store", str(tmp_path / "f.sqlite")]
    assert "--server.address" in command[: command.index("--")]
    assert shutil.which(command[0]) or Path(command[0]).is_file()
