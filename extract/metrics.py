"""Metrics: what a quantity measures (FACTS.md "Metrics"), from its unit kind and keywords near it.

The data is metrics.toml: a default metric per unit kind, and keyword rules for the kinds where words decide
(吨 is throughput at a port and output at a factory; 头 is output in a pen and throughput on a ferry).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import re

from extract.language import alternation, load
from extract.quantities import Quantity
from extract.segment import text_after, text_before

LOOK_BEHIND = 24   # characters of the clause before the mention that keywords are looked for in
LOOK_AHEAD = 8     # and after it (鱼苗500多万尾 has its noun before, 发送大柜1395箱 too; 2000台设备 after)


@dataclass(frozen=True, slots=True)
class MetricRule:
    metric: str
    kinds: frozenset[str]
    units: frozenset[str]
    keywords: re.Pattern | None
    priority: int


@cache
def _rules():
    data = load("metrics.toml")
    defaults = {d["kind"]: d["metric"] for d in data["default"]}
    rules = []
    for r in data["rule"]:
        # `re`: a word list needs nothing of `regex`, and `re` answers these short searches twice as fast
        kw = re.compile(alternation(r["keywords"])) if r.get("keywords") else None
        rules.append(MetricRule(r["metric"], frozenset(r.get("kinds", ())), frozenset(r.get("units", ())), kw,
                                r.get("priority", 0)))
    return defaults, tuple(rules)


@cache
def _rules_for(kind: str, base_unit: str) -> tuple[tuple[MetricRule, ...], str | None]:
    """The keyword rules that apply to a unit kind and unit, and the metric of a unit rule without keywords."""
    _defaults, rules = _rules()
    keyword_rules: list[MetricRule] = []
    fallback: str | None = None
    for rule in rules:
        if not ((rule.units and base_unit in rule.units) or (rule.kinds and kind in rule.kinds)):
            continue
        if rule.keywords is None:
            fallback = fallback or rule.metric
        else:
            keyword_rules.append(rule)
    return tuple(keyword_rules), fallback


def classify_metric(q: Quantity, text: str) -> str:
    """The metric of quantity `q` in cleaned `text`."""
    defaults, _ = _rules()
    if q.unit == "%":
        return "percent"
    base_unit = q.unit.split("/")[0]
    keyword_rules, fallback = _rules_for(q.kind, base_unit)
    if not keyword_rules:  # most units: the kind decides (元 -> funds, 人 -> participants, 个 -> count)
        if fallback:
            return fallback
        if "/" in q.unit and q.kind == "money":
            return "funds"
        return defaults.get(q.kind, "count")
    _, before = text_before(text, q.start, LOOK_BEHIND)
    after = text_after(text, q.end, LOOK_AHEAD)
    best: tuple[int, int, str] | None = None  # (distance, -priority, metric)
    for rule in keyword_rules:
        keywords = rule.keywords
        if keywords is None:
            continue   # (_rules_for keeps only rules with keywords here)
        for m in keywords.finditer(before):
            d = len(before) - m.end()
            cand = (d, -rule.priority, rule.metric)
            if best is None or cand < best:
                best = cand
        m_after = keywords.search(after)
        if m_after:
            cand = (m_after.start() + 2, -rule.priority, rule.metric)  # a noun after weighs a little less than one before
            if best is None or cand < best:
                best = cand
    if best is not None:
        return best[2]
    if fallback:
        return fallback
    if "/" in q.unit and q.kind == "money":
        return "funds"
    return defaults.get(q.kind, "count")
