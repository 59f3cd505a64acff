"""Quantities: number + unit (+ qualifier words) found in cleaned text, with their normalised value and unit.

One compiled `regex` pattern, built from units.toml and qualifiers.toml, finds every candidate in a single scan;
`parse_quantity` and `find_quantities` turn matches into `Quantity` records. Whether a quantity is a fact (not a
date, an ordinal, a slogan...) is decided by exclusions.py; its metric by metrics.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import re

import regex

from extract.language import alternation, load
from extract.numerals import NUMERAL, NotANumeral, parse_numeral

RANGE_SEPARATORS = ["至", "到", "-", "~", "－", "—", "～", "〜", "–"]
PERCENT_SIGNS = "%％"
# Characters after 成 that make it a word (成为, 成立, 成效...) rather than "tenths" (七成以上).
_NOT_TENTHS = "为立功果效绩本员交熟长型都份品年就人龙家才全器败群片套批规色分"
TIME_UNITS = ["月", "年", "天", "日", "周", "小时", "次", "班"]
HAN = "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs, for `re` (which has no \p{Han})


@dataclass(frozen=True, slots=True)
class UnitInfo:
    unit: str           # normalised unit; "as-written" entries keep their own word
    kind: str
    needs_multiplier: bool = False
    arabic_only: bool = False


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int                  # span in the cleaned text, qualifier words included
    end: int
    value: float
    value_high: float | None
    unit: str
    kind: str
    qualifier: str
    numeral: str                # the number as written (for exclusion rules)
    num_start: int              # where the number itself starts
    unit_end: int               # where the unit (or noun) ends, before any trailing qualifier
    chinese: bool
    noun_unit: bool             # unit taken from a noun (142万人口), not a measure word


@cache
def _tables():
    units = load("units.toml")
    quals = load("qualifiers.toml")
    measure: dict[str, UnitInfo] = {}
    for entry in units["unit"]:
        for w in entry["words"]:
            unit = w if entry["unit"] == "as-written" else entry["unit"]
            measure[w] = UnitInfo(unit, entry["kind"], entry.get("needs_multiplier", False))
    nouns: dict[str, UnitInfo] = {}
    people_nouns: list[str] = []
    for entry in units["noun"]:
        for w in entry["words"]:
            unit = w if entry["unit"] == "as-written" else entry["unit"]
            nouns[w] = UnitInfo(unit, entry["kind"], False, entry.get("arabic_only", False))
            if entry["kind"] == "people":
                people_nouns.append(w)
    rate_prefix: dict[str, str] = {}
    rate_clause: dict[str, str] = {}
    for entry in units.get("rate", []):
        target = rate_prefix if entry["position"] == "prefix" else rate_clause
        for w in entry["words"]:
            target[w] = entry["per"]
    before: dict[str, str] = {}
    inside: dict[str, str] = {}
    after: dict[str, str] = {}
    not_after: dict[str, str] = {}
    for entry in quals["qualifier"]:
        target = {"before": before, "inside": inside, "after": after}[entry["position"]]
        for w in entry["words"]:
            target[w] = entry["name"]
            if entry.get("not_after"):
                not_after[w] = "".join(entry["not_after"])
    return measure, nouns, people_nouns, rate_prefix, rate_clause, before, inside, after, not_after


@cache
def quantity_pattern() -> re.Pattern:
    measure, nouns, _people, _rp, _rc, _before, _inside, after, _na = _tables()
    units = alternation(measure)
    per_units = alternation(list(measure) + TIME_UNITS)
    noun_units = alternation(nouns)
    seps = alternation(RANGE_SEPARATORS)
    post = alternation(after)
    num = NUMERAL
    # Read top to bottom: a quantity starts with a digit or a Chinese numeral (qualifier words and rate words
    # before it are looked up by quantity_from_match, which keeps this scan fast); then one of the shapes of a
    # quantity; then an optional qualifier after (which may follow a short parenthesis: 10亿斤(原粮)左右).
    source = rf"""
    (?=[\d零〇一二两三四五六七八九十百千万亿数几上])
    (?<![\dA-Za-z.])
    (?:
        百分之(?P<pct_cn>{num})                                   # 百分之三十
      | (?P<fden>[一二两三四五六七八九十百]+)分之(?P<fnum>[一二两三四五六七八九十]+)   # 四分之一
      | (?P<tenth>[一二两三四五六七八九])成(?![{_NOT_TENTHS}])       # 七成
      | (?P<half>一半)                                            # 近一半
      | (?P<num>{num})
        (?:
            [ ]?(?P<pct>[{PERCENT_SIGNS}])(?:{seps}(?P<pnum2>{num})[ ]?[{PERCENT_SIGNS}])?   # 41.3%, 5%-8%
          | (?!{noun_units})大?(?P<unit>{units})                   # (人口 is a noun, not 人 + 口)
            (?:{seps}(?P<num2a>{num})(?P<unit2a>{units}))?           # 1000元至3万元
            (?:/(?P<per>{per_units}))?                                # 1.4元/斤
          | {seps}(?P<num2>{num})大?(?P<unit2>{units})                # 3至5万元, 6-8亿元
          | (?P<mod>(?![年月日号时分秒周天届期次岁组队级])[{HAN}]{{0,2}}?)(?P<noun>{noun_units})  # 142万人口
          | (?P<nounit>(?<=[万亿]))                                   # 公路投资145.4亿 (money implied by the clause)
        )
    )
    (?:(?P<paren>[（(][^（）()\n]{{1,8}}[）)])(?={post}))?
    (?P<post>{post})?
    """
    # The standard library's engine runs this pattern about three times faster than `regex` (measured: 23M vs 8M
    # characters per second over the shared pages); nothing in it needs `regex`.
    return re.compile(source, re.VERBOSE)


@cache
def _lookback_patterns():
    _m, _n, _p, rate_prefix, _rc, before, _i, _a, _na = _tables()
    return (regex.compile(alternation(before) + r"\Z"), regex.compile(alternation(rate_prefix) + r"\Z"))


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in cleaned `text`, before exclusions, in order."""
    out = []
    for m in quantity_pattern().finditer(text):
        q = quantity_from_match(m, text)
        if q is not None:
            out.append(q)
    return out


_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def quantity_from_match(m: re.Match, text: str) -> Quantity | None:
    measure, nouns, people_nouns, rate_prefix, rate_clause, before, _inside, after, not_after = _tables()
    (pct_cn, fden, fnum, tenth, half, num, pct, pnum2, unit_w, num2a, unit2a, per, num2, unit2, _mod, noun,
     nounit, paren, post) = m.groups()
    start = m.start()
    end = m.end()
    value_high = None
    noun_unit = False
    rate_per = None
    unit_end = m.start("paren") if paren is not None else (m.start("post") if post else end)
    try:
        if num is not None:
            n = parse_numeral(num)
            numeral, chinese, value, qualifier = num, n.chinese, n.value, n.qualifier
            if n.high is not None:
                value_high = n.high
            if pct is not None:
                unit, kind = "%", "percent"
                if pnum2 is not None:
                    value_high = parse_numeral(pnum2).value
            elif unit_w is not None:
                info = measure[unit_w]
                if info.needs_multiplier and not n.multiplied:
                    return None
                unit, kind = info.unit, info.kind
                if num2a is not None:
                    if measure[unit2a].unit != info.unit:
                        return None
                    value_high = parse_numeral(num2a).value
                if per is not None and per not in TIME_UNITS:
                    unit = f"{unit}/{measure[per].unit if per in measure else per}"
                elif per is not None and kind == "length":
                    return None  # 120公里/小时 is a speed (spec 7), not a length
                counted = _counted_nouns().get(unit_w)
                if counted:
                    for pattern, c_unit, c_kind in counted:  # 30个党员 -> 人, 1,100多个集装箱 -> 箱
                        if pattern.match(text, unit_end, min(len(text), unit_end + 8)):
                            unit, kind = c_unit, c_kind
                            break
            elif unit2 is not None:
                info = measure[unit2]
                n2 = parse_numeral(num2)
                unit, kind = info.unit, info.kind
                value_high = n2.value
                if not n.multiplied and n2.multiplied:
                    # 3至5万元: the second number's 万 scales the first, unless the first is larger on its own
                    # (5000至1万).
                    scale = _scale_of(num2)
                    if scale and n.value < n2.value / scale:
                        value = n.value * scale
            elif noun is not None:
                info = nouns[noun]
                if info.arabic_only and chinese:
                    return None
                if chinese and not (n.multiplied or n.qualifier):
                    return None  # 两代表 / 三农民: small Chinese numbers before a noun are names and slogans
                unit, kind, noun_unit = info.unit, info.kind, True
            else:  # nounit: a bare 万/亿 amount
                implied = _implied_unit(text, start, num)
                if implied is None:
                    return None
                unit, kind = implied
        elif pct_cn is not None:
            n = parse_numeral(pct_cn)
            value, unit, kind, numeral, chinese, qualifier = n.value, "%", "percent", pct_cn, True, n.qualifier
        elif fden is not None:
            den = parse_numeral(fden).value
            numr = parse_numeral(fnum).value
            if den == 0 or numr > den:
                return None
            value = (numr / den * 100).quantize(Decimal("0.0001")).normalize()  # 三分之二 -> 66.6667
            unit, kind, numeral, chinese, qualifier = "%", "percent", fden, True, None
        elif tenth is not None:
            value = parse_numeral(tenth).value * 10
            unit, kind, numeral, chinese, qualifier = "%", "percent", tenth, True, None
        else:  # 一半
            value, unit, kind, numeral, chinese, qualifier = Decimal(50), "%", "percent", "一半", True, None
    except NotANumeral:
        return None

    num_start = start
    # Words before the number: a rate (每公斤6元) and a qualifier (约, 近, 超过), each at most 4 characters.
    pre_qual_re, rate_re = _lookback_patterns()
    if kind == "money":
        rm = rate_re.search(text, max(0, start - 4), start)
        if rm:
            rate_per = rate_prefix[rm.group()]
            start = rm.start()
    qm = pre_qual_re.search(text, max(0, start - 4), start)
    pre = None
    if qm:
        word = qm.group()
        blockers = not_after.get(word)
        if not (blockers and qm.start() > 0 and text[qm.start() - 1] in blockers):
            pre = word  # not 节约 / 通过 / 附近: there the word belongs to the one before it
            start = qm.start()
    if half is not None and pre is None:
        return None  # a bare 一半 is an idiom (秧好一半谷); 近一半 / 超过一半 is a share

    if value_high is not None:
        qualifier = "range"
    else:
        if post and (qualifier is None or post in ("左右", "上下", "以上", "以下", "以内", "及以上", "之多")):
            qualifier = after[post]
        if pre:
            qualifier = before[pre]
    if rate_per:
        unit = f"{unit}/{rate_per}"
    elif kind not in ("people", "percent", "points", "visits", "households") and "/" not in unit:
        clause_rate = _clause_rate(text, start, rate_clause, rate_prefix)
        if clause_rate:
            unit = f"{unit}/{clause_rate}"
    return Quantity(
        start=start,
        end=end,
        value=float(value),
        value_high=None if value_high is None else float(value_high),
        unit=unit,
        kind=kind,
        qualifier=qualifier or "exact",
        numeral=numeral,
        num_start=num_start,
        unit_end=unit_end,
        chinese=chinese,
        noun_unit=noun_unit,
    )


@cache
def _implied_pattern():
    entries = load("units.toml").get("implied", [])
    return [(regex.compile(alternation(e["words"])), e["unit"], e["kind"]) for e in entries]


def _implied_unit(text: str, start: int, numeral: str) -> tuple[str, str] | None:
    """The unit a clause implies for a bare 万/亿 amount (公路投资145.4亿 -> 元), or None."""
    lo = max(0, start - 12)
    window = text[lo:start]
    cut = None
    for b in _CLAUSE_BREAK.finditer(window):
        cut = b.end()
    if cut is not None:
        window = window[cut:]
    for pattern, unit, kind in _implied_pattern():
        if pattern.search(window):
            return unit, kind
    return None


def _scale_of(numeral: str) -> Decimal | None:
    scale = Decimal(1)
    for ch in reversed(numeral.rstrip("余多来")):
        if ch in "十百千万亿":
            scale *= {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}[ch]
        else:
            break
    return scale if scale != 1 else None


_CLAUSE_BREAK = regex.compile(r"[，,。！？!?；;：:、\n（）()]")


def _clause_rate(text: str, start: int, rate_clause: dict[str, str], rate_prefix: dict[str, str]) -> str | None:
    """人均 / 户均 / 亩产 / 每亩 earlier in the same clause (within 12 characters) make the unit a rate."""
    lo = max(0, start - 12)
    window = text[lo:start]
    cut = None
    for b in _CLAUSE_BREAK.finditer(window):
        cut = b.end()
    if cut is not None:
        window = window[cut:]
    for word, per in rate_clause.items():
        if word in window:
            return per
    for word, per in rate_prefix.items():
        if word in window:
            return per
    return None


@cache
def _counted_nouns() -> dict[str, list[tuple[regex.Pattern, str, str]]]:
    """measure word -> [(pattern of the nouns it may count, unit, kind)], from units.toml [[counted]]."""
    people = _tables()[2]
    out: dict[str, list] = {}
    for entry in load("units.toml").get("counted", []):
        nouns = [w for n in entry["nouns"] for w in (people if n == "people" else [n])]
        out.setdefault(entry["measure"], []).append(
            (regex.compile(rf"\p{{Han}}{{0,2}}?{alternation(nouns)}"), entry["unit"], entry["kind"]))
    return out


def parse_quantity(s: str) -> Quantity | None:
    """The first quantity in a short string such as `约1.5万元`, `120余名`, `3至5万元`; None when there is none."""
    for m in quantity_pattern().finditer(s):
        q = quantity_from_match(m, s)
        if q is not None:
            return q
    return None
