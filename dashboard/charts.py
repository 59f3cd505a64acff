"""Altair charts of the tables that dashboard/data.py computes. Axis labels and legends are Chinese; every chart
colours bars by qualifier, so lower bounds, upper bounds and estimates are never passed off as exact sums."""
from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.data import NUMBER_STYLES, QUALIFIER_LABELS, BadArgument, format_number

# Qualifiers in legend order, each with a colour: exact values solid, bounds and estimates lighter.
_QUALIFIER_ORDER = ("exact", "approx", "at_least", "at_most", "range")
_QUALIFIER_COLOURS = ("#1f77b4", "#9ecae1", "#ff7f0e", "#fdd0a2", "#7f7f7f")
# The Chinese number style as a Vega expression, for axis labels (tooltips carry text made by format_number).
_CHINESE_AXIS = ("abs(datum.value) >= 1e8 ? format(datum.value / 1e8, ',.4~f') + '亿' : "
                 "abs(datum.value) >= 1e4 ? format(datum.value / 1e4, ',.4~f') + '万' : format(datum.value, ',.4~f')")
_GROUPED_AXIS = "format(datum.value, ',.4~f')"


def _axis(title: str, style: str) -> alt.Axis:
    if style not in NUMBER_STYLES:
        raise BadArgument(f"unknown number style {style!r}; known: {NUMBER_STYLES}")
    return alt.Axis(title=title, labelExpr=_CHINESE_AXIS if style == "chinese" else _GROUPED_AXIS)


def _qualifier_colour() -> alt.Color:
    labels = [QUALIFIER_LABELS[q] for q in _QUALIFIER_ORDER]
    return alt.Color("qualifier_label:N", title="限定", scale=alt.Scale(domain=labels, range=list(_QUALIFIER_COLOURS)),
                     sort=labels)


def _with_reading(table: pd.DataFrame, unit: str, style: str) -> pd.DataFrame:
    return table.assign(reading=[format_number(v, style) + unit for v in table["total"]])


def place_bar_chart(totals: pd.DataFrame, unit: str, level_label: str, style: str) -> alt.Chart:
    """Horizontal bars: total per locality (largest first), stacked by qualifier."""
    order = list(dict.fromkeys(totals["locality"]))
    return (alt.Chart(_with_reading(totals, unit, style), title=f"按{level_label}合计（{unit}）")
            .mark_bar()
            .encode(y=alt.Y("locality:N", sort=order, title=level_label, axis=alt.Axis(labelLimit=260)),
                    x=alt.X("total:Q", axis=_axis(f"合计（{unit}）", style), stack="zero"),
                    color=_qualifier_colour(),
                    order=alt.Order("qualifier_label:N"),
                    tooltip=[alt.Tooltip("locality:N", title="地点"), alt.Tooltip("qualifier_label:N", title="限定"),
                             alt.Tooltip("reading:N", title="合计"), alt.Tooltip("facts:Q", title="事实数")]))


def month_chart(totals: pd.DataFrame, unit: str, style: str) -> alt.Chart:
    """Bars per month of the article date, stacked by qualifier."""
    return (alt.Chart(_with_reading(totals, unit, style), title=f"按月份合计（{unit}）")
            .mark_bar()
            .encode(x=alt.X("yearmonth(month):O", title="月份", axis=alt.Axis(format="%Y年%m月", labelAngle=-45)),
                    y=alt.Y("total:Q", axis=_axis(f"合计（{unit}）", style), stack="zero"),
                    color=_qualifier_colour(),
                    tooltip=[alt.Tooltip("yearmonth(month):T", title="月份", format="%Y年%m月"),
                             alt.Tooltip("qualifier_label:N", title="限定"), alt.Tooltip("reading:N", title="合计"),
                             alt.Tooltip("facts:Q", title="事实数")]))


def metric_mix_chart(mix: pd.DataFrame) -> alt.Chart:
    """How many facts each metric has (counts of facts, never sums of values)."""
    return (alt.Chart(mix, title="指标构成（事实条数）")
            .mark_bar()
            .encode(y=alt.Y("metric_label:N", sort="-x", title="指标"),
                    x=alt.X("facts:Q", title="事实条数", axis=alt.Axis(format=",d", tickMinStep=1)),
                    tooltip=[alt.Tooltip("metric_label:N", title="指标"), alt.Tooltip("facts:Q", title="事实条数",
                                                                                     format=",d"),
                             alt.Tooltip("units:N", title="单位")]))
