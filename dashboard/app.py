"""The facts dashboard: chart, filter, trace and download the facts of a store.

Run it with `facts dashboard [--store PATH]`, or `streamlit run dashboard/app.py -- --store PATH`; without
--store it reads $FACTS_STORE or data/facts.sqlite. Layers (STYLE.md point 10): dashboard/data.py computes,
dashboard/charts.py draws charts, the `*_ui` functions here draw widgets and return plain values, `main` wires them.
"""
from __future__ import annotations

import hashlib
from html import escape
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard import data as d
from dashboard.holder import first_page_for, frame_for, store_from_argv
from dashboard.sample import build_store, sample_sources, store_needs_building
from extract.errors import UnreadableInput
from extract.export import facts_to_csv_bytes, facts_to_jsonl_bytes
from extract.refresh import RefreshError
from extract.store import StoreError, last_run, store_signature

# How often an open page checks whether a refresh has changed the store.
WATCH_SECONDS = 10
# Labels of the view widgets, which Streamlit also writes into the URL (`?sort=数值从大到小`).
SORTS = {"store": "原顺序", "value-desc": "数值从大到小", "value-asc": "数值从小到大", "date-desc": "日期从新到旧"}
NUMBER_STYLE_LABELS = {"chinese": "万亿", "grouped": "千分位"}
# Keys of the view widgets, which live in the URL next to the filters (data.QUERY_KEYS).
LEVEL_KEY, STYLE_KEY, SORT_KEY, CHART_KEY = "level", "num", "sort", "chart"
# The charts, one tab each (data.CHART_KINDS); only the open tab's chart is computed and sent, so a filter change
# redraws one Vega chart, not three.
CHART_TABS = {"place": "按地点", "month": "按月份", "mix": "指标构成"}

_PAGE_CSS = """<style>
mark.fact { background: #fff3b0; padding: 0 1px; }
mark.fact.current { background: #ffb84d; font-weight: 600; }
p.source-meta { color: #666; font-size: 0.85em; }
div.source-text { white-space: pre-wrap; line-height: 1.8; border: 1px solid #ddd; padding: 0.8em;
                  max-height: 32em; overflow-y: auto; }
</style>"""


@st.cache_resource(max_entries=1, show_spinner="正在读取事实库……")
def load_frame(store: str, signature: tuple) -> pd.DataFrame:
    """The whole store as one read-only frame shared by every session (a cache_resource hit costs nothing; a
    cache_data hit would copy a million rows per rerun), reloaded only when `signature` (store_signature) changes.
    The server may have read it already at start (dashboard.launch)."""
    return frame_for(store, signature)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_view(store: str, signature: tuple, state: d.FilterState, level: str, sort: str,
                chart: str) -> d.PageView:
    """The figures, the open chart's table and the table rows for one choice (small): a rerun that changes no
    filter (a chosen row, the number style) redraws without touching the million rows. The first page is usually
    ready (computed while the server started)."""
    ready = first_page_for(store, signature)
    view = ready.view_for(state, level, sort, chart, d.TABLE_ROWS) if ready is not None else None
    if view is not None:
        return view
    return d.page_view(load_frame(store, signature), state, level, sort, d.TABLE_ROWS, charts=(chart,))


# The option lists, cached per store version in three parts, so that each choice recomputes only the lists it
# narrows: a metric its units, a place level the levels below it.
@st.cache_data(max_entries=4, show_spinner=False)
def cached_options(store: str, signature: tuple) -> d.FilterOptions:
    """The option lists with nothing chosen (usually ready: computed while the server started)."""
    ready = first_page_for(store, signature)
    return ready.options if ready is not None else d.filter_options(load_frame(store, signature), d.FilterState())


@st.cache_data(max_entries=64, show_spinner=False)
def cached_units(store: str, signature: tuple, metric: str | None) -> list[str]:
    return d.unit_options(load_frame(store, signature), metric)


@st.cache_data(max_entries=256, show_spinner=False)
def cached_places(store: str, signature: tuple, above: d.FilterState) -> dict[str, list[str]]:
    return d.place_options(load_frame(store, signature), above)


# ---------------------------------------------------------------------------------------------------------------
# Widgets


def first_run_ui(store: Path) -> None:
    """Build a missing or never-refreshed store from the sample corpus, showing progress, then reload."""
    st.info(f"事实库 {store} 还是空的：正在用示例语料建库。")
    bar = st.progress(0.0, text="准备中……")

    def report(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"已处理 {done}/{total}：{name}")

    try:
        summary = build_store(sample_sources(), store, report)
    except (RefreshError, StoreError, OSError) as exc:
        st.error(f"建库失败：{exc}")
        st.stop()
    bar.progress(1.0, text=f"建库完成：{summary.seen} 个输入，{summary.facts} 条事实")
    load_frame.clear()
    st.rerun()


def freshness_ui(run: dict | None) -> None:
    """When the data was last refreshed and what the last run skipped, with the reasons."""
    if run is None:
        st.caption("事实库还没有刷新记录。")
        return
    finished = run.get("finished_at") or run.get("started_at") or ""
    try:
        when = datetime.fromisoformat(finished).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        when = finished
    reasons = d.skipped_by_reason(run)
    skipped = sum(reasons.values())
    line = f"数据更新于 {when}；上次刷新处理 {run.get('seen', 0)} 个输入，跳过 {skipped} 个"
    if reasons:
        line += "（" + "、".join(f"{reason} {n} 个" for reason, n in reasons.items()) + "）"
    st.caption(line + "。")
    if skipped:
        with st.expander(f"上次刷新跳过的 {skipped} 个输入"):
            st.dataframe(d.skipped_inputs(run).rename(columns={"source": "输入", "reason": "原因", "detail": "说明"}),
                         hide_index=True)


def _select(container, label: str, options: list[str], key: str, format_func=str) -> str | None:
    return container.selectbox(label, options, index=None, key=key, bind="query-params", placeholder="全部",
                               format_func=format_func)


def filters_ui(store: str, signature: tuple) -> d.FilterState:
    """The sidebar filters, each list narrowed by the choices above it; every filter is bound to the URL."""
    bar = st.sidebar
    bar.header("筛选")
    keys = d.QUERY_KEYS
    options = cached_options(store, signature)
    chosen: dict[str, object] = {}
    chosen["metric"] = _select(bar, "指标", options.metrics, keys["metric"], lambda m: d.METRIC_LABELS.get(m, m))
    units = cached_units(store, signature, chosen["metric"]) if chosen["metric"] else options.units
    chosen["unit"] = _select(bar, "单位", units, keys["unit"])
    unnarrowed = dict(zip(d.LEVELS, (options.provinces, options.cities, options.districts, options.places)))
    for level in d.LEVELS:
        above = d.FilterState(**{k: v for k, v in chosen.items() if k in d.LEVELS})
        offered = cached_places(store, signature, above)[level] if above != d.FilterState() else unnarrowed[level]
        chosen[level] = _select(bar, d.LEVEL_LABELS[level], offered, keys[level])
    chosen["qualifiers"] = tuple(bar.multiselect("限定", options.qualifiers, key=keys["qualifiers"],
                                                 bind="query-params", placeholder="全部",
                                                 format_func=lambda q: d.QUALIFIER_LABELS.get(q, q)))
    low, high = bar.columns(2)
    chosen["value_min"] = low.number_input("数值不小于", value=None, key=keys["value_min"], bind="query-params",
                                           placeholder="不限")
    chosen["value_max"] = high.number_input("数值不大于", value=None, key=keys["value_max"], bind="query-params",
                                            placeholder="不限")
    first, last = bar.columns(2)
    chosen["date_from"] = first.date_input("起始日期", value=None, key=keys["date_from"], bind="query-params")
    chosen["date_to"] = last.date_input("截止日期", value=None, key=keys["date_to"], bind="query-params")
    chosen["sources"] = tuple(bar.multiselect("来源", options.sources, key=keys["sources"], bind="query-params",
                                              placeholder="全部"))
    chosen["search"] = bar.text_input("搜索统计对象、句子、标题", key=keys["search"], bind="query-params") or ""
    try:
        return d.FilterState(**chosen)
    except d.BadArgument as exc:
        bar.warning(f"已忽略数值或日期范围：{exc}")
        return d.FilterState(**(chosen | {"value_min": None, "value_max": None, "date_from": None, "date_to": None}))


def view_ui() -> tuple[str, str, str]:
    """How to show the facts: place level of the bar chart, number style, table order. Bound to the URL."""
    bar = st.sidebar
    bar.header("显示")
    level = bar.radio("图表按哪一级地点汇总", d.LEVELS, index=d.LEVELS.index(d.FIRST_LEVEL), key=LEVEL_KEY,
                      bind="query-params", horizontal=True,
                      format_func=d.LEVEL_LABELS.get)
    style = bar.radio("数字写法", d.NUMBER_STYLES, key=STYLE_KEY, bind="query-params",
                      format_func=NUMBER_STYLE_LABELS.get, help="万亿：1,400万吨；千分位：14,000,000吨")
    sort = bar.selectbox("表格排序", list(SORTS), index=list(SORTS).index(d.FIRST_ORDER), key=SORT_KEY,
                         bind="query-params", format_func=SORTS.get)
    return level, style, sort


def summary_ui(summary: d.Summary, total: int) -> None:
    cols = st.columns([1, 1, 1, 3])
    cols[0].metric("文章", f"{summary.articles:,}")
    cols[1].metric("事实", f"{summary.facts:,}", help=f"全部 {total:,} 条中符合筛选的")
    cols[2].metric("地点", f"{summary.places:,}")
    span = (f"{summary.first_day:%Y-%m-%d} 至 {summary.last_day:%Y-%m-%d}" if summary.first_day else "无日期")
    cols[3].metric("日期范围", span)


def chart_tabs_ui() -> tuple[str, object]:
    """The chart tabs (bound to the URL); returns the open chart's kind and its tab."""
    tabs = st.tabs(list(CHART_TABS.values()), default=CHART_TABS[d.FIRST_CHART], key=CHART_KEY, on_change="rerun",
                   bind="query-params")
    for kind, tab in zip(CHART_TABS, tabs):
        if tab.open:
            return kind, tab
    return "place", tabs[0]


def chart_heading_ui(view: d.PageView, state: d.FilterState) -> None:
    """What the charts show: the metric and unit, how qualifiers are marked, which units are left out."""
    if view.unit is None:
        return
    metric = d.METRIC_LABELS.get(state.metric, "全部指标") if state.metric else "全部指标"
    st.subheader(f"{metric}，单位：{view.unit}")
    note = "柱子按限定着色：约数、下限、上限、范围与确数分开标出。不同单位从不相加"
    if view.other_units:
        note += "；未计入的其他单位：" + "、".join(f"{u}（{n:,}条）" for u, n in list(view.other_units.items())[:8])
    st.caption(note + "。")


def chart_ui(tab, kind: str, view: d.PageView, level: str, style: str) -> None:
    """The open tab's chart: totals by place or by month in one unit, or the metric mix (aggregated tables)."""
    if view.unit is None:
        tab.info("没有符合筛选的事实。")
    elif kind == "place":
        tab.altair_chart(charts.place_bar_chart(view.totals, view.unit, d.LEVEL_LABELS[level], style),
                         width="stretch", key="place_chart")
    elif kind == "month" and len(view.months):
        tab.altair_chart(charts.month_chart(view.months, view.unit, style), width="stretch", key="month_chart")
    elif kind == "month":
        tab.caption("这些事实所在的文章都没有日期，无法按时间作图。")
    else:
        tab.altair_chart(charts.metric_mix_chart(view.mix), width="stretch", key="mix_chart")


def table_view(rows: pd.DataFrame, style: str) -> pd.DataFrame:
    """The table's columns, headed in Chinese, indexed by fact_id."""
    c = d.COLUMN_LABELS
    view = pd.DataFrame({
        c["text"]: rows["text"].astype(str),
        c["value"]: rows["value"],
        c["reading"]: [d.format_value(v, str(u), str(q), style, None if pd.isna(h) else h)
                       for v, u, q, h in zip(rows["value"], rows["unit"], rows["qualifier"], rows["value_high"])],
        c["unit"]: rows["unit"].astype(str),
        c["qualifier"]: rows["qualifier"].astype(str).map(d.QUALIFIER_LABELS),
        c["metric"]: rows["metric"].astype(str).map(lambda m: d.METRIC_LABELS.get(m, m)),
        c["subject"]: rows["subject"].astype(str),
        c["locality"]: [d.full_locality(dict(zip(d.LEVELS, parts)))
                        for parts in rows[list(d.LEVELS)].astype(str).itertuples(index=False)],
        c["headline"]: rows["headline"].astype(str),
        c["date"]: rows["date"].astype(object).where(rows["date"].notna(), ""),
        c["source"]: rows["source"].astype(object).where(rows["source"].notna(), ""),
    })
    view.index = rows["fact_id"].to_numpy()
    view.index.name = "编号"
    return view


def table_key(state: d.FilterState, sort: str) -> str:
    """The table's widget key: a new one for each filter and order, so that a chosen row never silently points
    at another fact after the rows change."""
    digest = hashlib.blake2b(repr((state, sort)).encode(), digest_size=6).hexdigest()
    return f"facts_table_{digest}"


def table_ui(rows: pd.DataFrame, total: int, state: d.FilterState, sort: str, style: str) -> int | None:
    """The facts table (the first rows of `total` filtered facts); returns the fact_id of the chosen row, if any."""
    st.subheader("事实")
    shown = f"共 {total:,} 条"
    if total > len(rows):
        shown += f"，表中列出按“{SORTS[sort]}”的前 {len(rows):,} 条；下载包含全部"
    st.caption(shown + "。点选一行可查看它的出处。")
    view = table_view(rows, style)
    event = st.dataframe(view, key=table_key(state, sort), on_select="rerun", selection_mode="single-row",
                         column_config={d.COLUMN_LABELS["value"]: st.column_config.NumberColumn(format="localized")},
                         height="auto" if len(view) <= 12 else 460)
    chosen = list(event.selection.rows) if event is not None else []
    if not chosen or chosen[0] >= len(view):
        return None
    return int(view.index[chosen[0]])


def source_ui(frame: pd.DataFrame, fact_id: int, style: str) -> None:
    """Where the chosen number comes from: its sentence with the mention marked, then the whole article with
    every fact of it marked. All article text is escaped (dashboard.data.highlight_html)."""
    fact = frame[(frame["fact_id"] == fact_id).to_numpy()].iloc[0]
    st.subheader("出处")
    reading = d.format_value(fact["value"], str(fact["unit"]), str(fact["qualifier"]), style,
                             None if pd.isna(fact["value_high"]) else fact["value_high"])
    raw = ""
    problem = ""
    try:
        raw = d.read_source_text(str(fact["path"]), str(fact["doc"]))
    except d.SourceMissing as exc:
        problem = f"原文已找不到：{exc}"
    except (UnreadableInput, OSError) as exc:
        problem = f"原文无法读取：{exc}"
    meta = [("标题", fact["headline"]), ("文件", fact["path"]), ("日期", fact["date"]), ("来源", fact["source"])]
    # Everything from the article or the store goes through html.escape (inside data.py or here), never markdown.
    st.html(_PAGE_CSS
            + f'<p class="fact-reading"><b>{escape(d.METRIC_LABELS.get(str(fact["metric"]), str(fact["metric"])))}'
            + f"</b>：{escape(reading)}（{escape(d.QUALIFIER_LABELS.get(str(fact['qualifier']), ''))}）</p>"
            + '<div class="source-sentence">'
            + d.sentence_html(str(fact["sentence"]), str(fact["text"]), raw, int(fact["start"])) + "</div>"
            + '<p class="source-meta">' + "　".join(f"{label}：{escape(str(value))}" for label, value in meta
                                                   if not pd.isna(value) and str(value)) + "</p>")
    if problem:
        st.warning(problem)
        return
    marks, stale = d.article_marks(raw, d.facts_of_article(frame, fact["article_id"]), int(fact["start"]), style)
    with st.expander(f"全文（标出 {len(marks)} 个事实）", expanded=True):
        if stale:
            st.warning(f"{stale} 个事实的位置与现在的文件不符（文件在提取后改过），未标出；请刷新事实库。")
        st.html(_PAGE_CSS + '<div class="source-text">' + d.highlight_html(raw, marks) + "</div>")


def downloads_ui(frame: pd.DataFrame, state: d.FilterState, count: int) -> None:
    """CSV (UTF-8 with BOM, formula-safe: extract.export) and JSON Lines of every filtered fact, built on click
    (the filter is applied then, so a rerun costs nothing)."""
    left, right = st.columns(2)
    left.download_button(f"下载 CSV（{count:,} 条）",
                         data=lambda: facts_to_csv_bytes(d.export_frame(d.apply_filters(frame, state))),
                         file_name=d.download_name(state, "csv"), mime="text/csv", on_click="ignore",
                         key="download_csv")
    right.download_button(f"下载 JSON Lines（{count:,} 条）",
                          data=lambda: facts_to_jsonl_bytes(d.export_frame(d.apply_filters(frame, state))),
                          file_name=d.download_name(state, "jsonl"), mime="application/x-ndjson",
                          on_click="ignore", key="download_jsonl")


@st.fragment(run_every=WATCH_SECONDS)
def watch_store_ui(store: str, signature: tuple) -> None:
    """Reload the whole page when a refresh has committed since the data was read."""
    if store_signature(store) != signature:
        st.rerun()


# ---------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    st.set_page_config(page_title="本地新闻数字", page_icon="📊", layout="wide")
    store = store_from_argv(sys.argv[1:] if argv is None else argv)
    st.title("本地新闻中的数字")
    try:
        run = last_run(store)
        if run is None and store_needs_building(store):
            first_run_ui(store)
        signature = store_signature(store)
        frame = load_frame(str(store), signature)
    except StoreError as exc:
        st.error(f"无法读取事实库：{exc}")
        st.stop()
    freshness_ui(run)
    watch_store_ui(str(store), signature)
    state = filters_ui(str(store), signature)
    level, style, sort = view_ui()
    if frame.empty:
        st.info("事实库里还没有事实：刷新（facts refresh）之后这里会显示图表和表格。")
        return
    # The summary and chart heading go above the tabs, but are drawn after them: the open tab decides which chart
    # table the view computes.
    top = st.container()
    kind, tab = chart_tabs_ui()
    view = cached_view(str(store), signature, state, level, sort, kind)
    with top:
        summary_ui(view.summary, len(frame))
        chart_heading_ui(view, state)
    chart_ui(tab, kind, view, level, style)
    downloads_ui(frame, state, view.summary.facts)
    fact_id = table_ui(view.rows, view.summary.facts, state, sort, style)
    if fact_id is not None:
        source_ui(frame, fact_id, style)


if __name__ == "__main__":
    main()
