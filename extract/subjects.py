"""Subjects: the noun phrase being counted or measured, as written (FACTS.md `subject`).

The phrase right after the mention when there is one (120余名 党员), else the end of the clause before it with
verbs and clause openers stripped (设计年吞吐量 达 1400万吨). Words are in data/subjects.toml.
"""
from __future__ import annotations

from functools import cache

import re

import regex

from extract.language import alternation, load
from extract.quantities import Quantity
from extract.segment import text_after, text_before

_ALL_HAN = regex.compile(r"\p{Han}+")
_BREAKS = "，,。！？!?；;：:、\n“”\"（）()《》【】 \t"
_BREAK_SET = frozenset(_BREAKS) | {""}  # "" : the end of the text


@cache
def _tables():
    d = load("subjects.toml")["subject"]
    # word lists as `re` patterns: `re` answers these short searches twice as fast as `regex`
    stop_after = re.compile(alternation(d["stop_after"]))
    verbs = re.compile(alternation(d["verbs_before"]) + r"\Z")
    lead = re.compile(r"\A" + alternation(d["lead_words"]))
    return stop_after, verbs, lead, d["max_after"], d["max_before"]


def find_subject(q: Quantity, text: str) -> str:
    stop_after, verbs, lead, max_after, max_before = _tables()
    if q.noun_unit:
        return text[q.num_start + len(q.numeral):q.unit_end]  # 142万人口 -> 人口, 20万农村学童 -> 农村学童
    end = q.end
    if text[end:end + 1] in _BREAK_SET:  # (most mentions end their clause: no phrase after them)
        after = ""
    else:
        after = text_after(text, end, max_after, _BREAKS)
        m = stop_after.search(after)
        if m:
            after = after[:m.start()]
        if len(after) >= 2 and _ALL_HAN.fullmatch(after):
            return after
    _, before = text_before(text, q.start, max_before, _BREAKS)
    for _ in range(3):  # 累计完成 / 已达: strip verbs from the end, a few times
        m = verbs.search(before)
        if not m:
            break
        before = before[:m.start()]   # (a clause that is only a verb, ，达到3.6万吨, names no subject)
        if not before:
            break
    m = lead.match(before)
    if m and m.end() < len(before):
        before = before[m.end():]
    # else the phrase after, when it is one (2000本书 -> 书), not a run of text up to the next mark
    return before.strip() or (after if after and _ALL_HAN.fullmatch(after) else "")
