"""Quantities: number + unit (+ qualifier words) found in cleaned text, with their normalised value and unit.

One compiled `regex` pattern, built from units.toml and qualifiers.toml, finds every candidate in a single scan;
`parse_quantity` and `find_quantities` turn matches into `Quantity` records. Whether a quantity is a fact (not a
date, an ordinal, a slogan...) is decided by exclusions.py; its metric by metrics.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import regex

from extract.language import alternation, load
from extract.numerals import NUMERAL, NotANumeral, parse_numeral

RANGE_SEPARATORS = ["至", "到", "-", "~", "－", "—", "～", "〜", "–"]
PERCENT_SIGNS = "%％"
# Characters after 成 that make it a word (成为, 成立, 成效...) rather than "tenths" (七成以上).
_NOT_TENTHS = "为立功果效绩本员交熟长型都份品年就人龙家才全器败群片套批规色分"
TIME_UNITS = ["月", "年", "天", "日", "周", "小时", "次", "班"]


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
def quantity_pattern() -> regex.Pattern:
    measure, nouns, _people, rate_prefix, _rc, before, _inside, after, _na = _tables()
    units = alternation(measure)
    per_units = alternation(list(measure) + TIME_UNITS)
    noun_units = alternation(nouns)
    seps = alternation(RANGE_SEPARATORS)
    pre = alternation(before)
    post = alternation(after)
    rate = alternation(rate_prefix)
    money = alternation([w for w, u in measure.items() if u.kind == "money"])
    num = NUMERAL
    # Read top to bottom: optional qualifier before; then one of the shapes of a quantity; then an optional
    # qualifier after (which may follow a short parenthesis: 10亿斤(原粮)左右).
    source = rf"""
    (?P<pre>{pre})?
    (?<![\dA-Za-z.])
    (?:
        百分之(?P<pct_cn>{num})                                   # 百分之三十
      | (?P<fden>[一二两三四五六七八九十百]+)分之(?P<fnum>[一二两三四五六七八九十]+)   # 四分之一
      | (?P<tenth>[一二两三四五六七八九])成(?![{_NOT_TENTHS}])       # 七成
      | (?P<half>一半)                                            # 近一半
      | (?P<rate>{rate})(?P<rnum>{num})(?P<runit>{money})         # 每公斤6元
      | (?P<num>{num})
        (?:
            [ ]?(?P<pct>[{PERCENT_SIGNS}])(?:(?P<psep>{seps})(?P<pnum2>{num})[ ]?[{PERCENT_SIGNS}])?   # 41.3%, 5%-8%
          | (?!{noun_units})(?P<adj>大)?(?P<unit>{units})            # (人口 is a noun, not 人 + 口)
            (?:(?P<sep1>{seps})(?P<num2a>{num})(?P<unit2a>{units}))?   # 1000元至3万元
            (?:/(?P<per>{per_units}))?                                  # 1.4元/斤
          | (?P<sep>{seps})(?P<num2>{num})(?P<adj2>大)?(?P<unit2>{units})   # 3至5万元, 6-8亿元
          | (?P<mod>(?![年月日号时分秒周天届期次岁组队级])\p{{Han}}{{0,2}}?)(?P<noun>{noun_units})  # 142万人口, 20万农村学童
          | (?P<nounit>)                                               # 公路投资145.4亿 (money implied by the clause)
        )
    )
    (?:(?P<paren>[（(][^（）()\n]{{1,8}}[）)])(?={post}))?
    (?P<post>{post})?
    """
    return regex.compile(source, regex.VERBOSE)


def _dec(d: Decimal) -> float:
    return float(d)


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in cleaned `text`, before exclusions, in order."""
    out = []
    pattern = quantity_pattern()
    for m in pattern.finditer(text):
        q = quantity_from_match(m, text)
        if q is not None:
            out.append(q)
    return out


def quantity_from_match(m: regex.Match, text: str) -> Quantity | None:
    measure, nouns, people_nouns, _rp, rate_clause, before, inside, after, not_after = _tables()
    g = m.groupdict()
    start = m.start()
    pre = g["pre"]
    if pre:
        blockers = not_after.get(pre)
        if blockers and start > 0 and text[start - 1] in blockers:
            # 节约 / 通过 / 附近: the word belongs to the one before it; the quantity starts after it
            pre = None
            start = m.start("pre") + len(g["pre"])
    qualifier = before.get(pre) if pre else None
    post = g["post"]
    value_high = None
    chinese = False
    noun_unit = False
    unit_end = m.end("post") if post else m.end()
    if g["paren"] is None and post:
        unit_end = m.start("post")
    elif g["paren"] is not None:
        unit_end = m.start("paren")

    try:
        if g["pct_cn"] is not None:
            n = parse_numeral(g["pct_cn"])
            value, unit, kind, numeral, num_start = n.value, "%", "percent", g["pct_cn"], m.start("pct_cn") - 3
            chinese = True
            qualifier = qualifier or n.qualifier
        elif g["fden"] is not None:
            den = parse_numeral(g["fden"]).value
            numr = parse_numeral(g["fnum"]).value
            if den == 0 or numr > den:
                return None
            value = (numr / den * 100).quantize(Decimal("0.01")).normalize()
            unit, kind, numeral, num_start, chinese = "%", "percent", g["fden"], m.start("fden"), True
        elif g["tenth"] is not None:
            value = parse_numeral(g["tenth"]).value * 10
            unit, kind, numeral, num_start, chinese = "%", "percent", g["tenth"], m.start("tenth"), True
        elif g["half"] is not None:
            if not pre:
                return None  # a bare 一半 is an idiom (秧好一半谷); 近一半 / 超过一半 is a share
            value, unit, kind, numeral, num_start, chinese = Decimal(50), "%", "percent", "一半", m.start("half"), True
        elif g["rate"] is not None:
            n = parse_numeral(g["rnum"])
            info = measure[g["runit"]]
            value, unit, kind = n.value, f"{info.unit}/{rate_prefix_per(g['rate'])}", info.kind
            numeral, num_start, chinese = g["rnum"], m.start("rnum"), n.chinese
            qualifier = qualifier or n.qualifier
        else:
            n = parse_numeral(g["num"])
            numeral, num_start, chinese = g["num"], m.start("num"), n.chinese
            value = n.value
            if n.high is not None:
                value_high = n.high
            qualifier = qualifier or n.qualifier
            if g["pct"] is not None:
                unit, kind = "%", "percent"
                if g["pnum2"] is not None:
                    value_high = parse_numeral(g["pnum2"]).value
            elif g["unit"] is not None:
                info = measure[g["unit"]]
                if info.needs_multiplier and not n.multiplied:
                    return None
                unit, kind = info.unit, info.kind
                if g["num2a"] is not None:
                    info2 = measure[g["unit2a"]]
                    if info2.unit != info.unit:
                        return None
                    value_high = parse_numeral(g["num2a"]).value
                if g["per"] is not None and g["per"] not in TIME_UNITS:
                    per = measure[g["per"]].unit if g["per"] in measure else g["per"]
                    unit = f"{unit}/{per}"
                if unit == "个":
                    people = _people_after(text, m.end("unit"), people_nouns)
                    if people:
                        unit, kind = "人", "people"
            elif g["unit2"] is not None:
                info = measure[g["unit2"]]
                n2 = parse_numeral(g["num2"])
                unit, kind = info.unit, info.kind
                value_high = n2.value
                if not n.multiplied and n2.multiplied:
                    # 3至5万元: the second number's 万 scales the first, unless the first is already larger
                    # in its own right (5000至1万).
                    scale = _scale_of(g["num2"])
                    if scale and n.value < n2.value / scale:
                        value = n.value * scale
            elif g["nounit"] is not None:
                implied = _implied_unit(text, start, numeral)
                if implied is None:
                    return None
                unit, kind = implied
            else:  # a noun as the unit
                info = nouns[g["noun"]]
                has_arabic = not n.chinese
                if info.arabic_only and not has_arabic:
                    return None
                if not (has_arabic or n.multiplied or n.qualifier or qualifier):
                    return None  # 两代表 / 三农民: small Chinese numbers before a noun are names and slogans
                unit, kind, noun_unit = info.unit, info.kind, True
    except NotANumeral:
        return None

    if value_high is not None:
        qualifier = "range"
    elif post and after.get(post) and not (g["pct"] is None and g["unit"] is None and g["unit2"] is None
                                           and g["noun"] is None and g["pct_cn"] is None and g["fden"] is None
                                           and g["tenth"] is None and g["half"] is None and g["rate"] is None):
        if qualifier is None or post in ("左右", "上下", "以上", "以下", "以内", "及以上", "之多"):
            qualifier = after[post]
    if qualifier is None and pre:
        qualifier = before.get(pre)
    if unit in measure and measure[unit].kind == "money" and unit != "美元":
        unit = "元"
    clause_rate = _clause_rate(text, start, rate_clause) if kind in ("money", "weight") and "/" not in unit else None
    if clause_rate:
        unit = f"{unit}/{clause_rate}"
    return Quantity(
        start=start,
        end=m.end(),
        value=_dec(value),
        value_high=None if value_high is None else _dec(value_high),
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
    if "万" not in numeral and "亿" not in numeral:
        return None
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


def rate_prefix_per(word: str) -> str:
    return _tables()[3][word]


def _scale_of(numeral: str) -> Decimal | None:
    scale = Decimal(1)
    for ch in reversed(numeral.rstrip("余多来")):
        if ch in "十百千万亿":
            scale *= {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}[ch]
        else:
            break
    return scale if scale != 1 else None


_CLAUSE_BREAK = regex.compile(r"[，,。！？!?；;：:、\n（）()]")


def _clause_rate(text: str, start: int, rate_clause: dict[str, str]) -> str | None:
    """人均 / 户均 / 亩产 earlier in the same clause (within 12 characters) make the unit a rate."""
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
    return None


@cache
def _people_noun_pattern() -> regex.Pattern:
    people = _tables()[2]
    return regex.compile(rf"\p{{Han}}{{0,2}}?{alternation(people)}")


def _people_after(text: str, pos: int, people_nouns) -> bool:
    """`个` counts people when a people noun follows (30个党员, 4个被困孩子)."""
    return _people_noun_pattern().match(text, pos, min(len(text), pos + 8)) is not None


def parse_quantity(s: str) -> Quantity | None:
    """The first quantity in a short string such as `约1.5万元`, `120余名`, `3至5万元`; None when there is none."""
    for m in quantity_pattern().finditer(s):
        q = quantity_from_match(m, s)
        if q is not None:
            return q
    return None
