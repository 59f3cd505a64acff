"""Quantities: number + unit (+ qualifier words) found in cleaned text, with their normalised value and unit.

One compiled `regex` pattern, built from units.toml and qualifiers.toml, finds every candidate in a single scan;
`parse_quantity` and `find_quantities` turn matches into `Quantity` records. Whether a quantity is a fact (not a
date, an ordinal, a slogan...) is decided by exclusions.py; its metric by metrics.py.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Iterator

import re

import regex

from extract.cleanup import HAN, clean_text
from extract.language import alternation, load
from extract.numerals import (MULTIPLIERS, NUMERAL, NUMERAL_START, NotANumeral, borrowed_scale, parse_numeral,
                              variant_table)
from extract.segment import PHRASE_MARKS, SENTENCE_MARKS, holds_char, text_before

PERCENT_SIGNS = "%％"
# One digit, as a 角/分 count is written (in capitals on cheques: 壹角捌分). The characters of the numeral system.
_ONE_DIGIT = r"[\d零〇一二两三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖兩]"


@dataclass(frozen=True, slots=True)
class Forms:
    """The small word lists of units.toml ([[sign]], [[minor]], [[time]], [[guard]]) and qualifiers.toml (range
    words), read once."""

    range_separators: tuple[str, ...]
    currency_signs: dict[str, str]
    minor_units: dict[str, Decimal]
    time_units: tuple[str, ...]
    not_tenths: str          # characters after 成 that make it a word (成为), not tenths (七成)
    tenths_before: tuple[str, ...]   # words after 成 that begin with one of those and still follow tenths (九成群众)
    not_a_sign_after: str    # characters before 负 that make it a word (胜负), not a minus sign
    word_start_units: dict[str, str]  # unit -> lone numerals that end a word before it (逐一克服, 一两天)
    not_noun_modifier: str   # characters that cannot begin the modifier before a noun unit (2022年度工人)


@cache
def forms() -> Forms:
    units = load("units.toml")
    quals = load("qualifiers.toml")
    guards = units.get("guard", [])
    return Forms(
        range_separators=tuple(w for q in quals["qualifier"] if q["position"] == "between" for w in q["words"]),
        currency_signs={e["sign"]: e["unit"] for e in units.get("sign", [])},
        minor_units={e["word"]: Decimal(e["fraction"]) for e in units.get("minor", [])},
        time_units=tuple(w for e in units.get("time", []) for w in e["words"]),
        not_tenths="".join(g["chars"] for g in guards if g.get("after") == "成"),
        tenths_before=tuple(w for g in guards if g.get("after") == "成" for w in g.get("except_words", ())),
        not_a_sign_after="".join(g["chars"] for g in guards if g.get("before") == "负"),
        word_start_units={g["unit"]: g["numerals"] for g in guards if "unit" in g},
        not_noun_modifier="".join(g["chars"] for g in guards if g.get("before") == "noun"),
    )




@dataclass(frozen=True, slots=True)
class UnitInfo:
    unit: str           # normalised unit; "as-written" entries keep their own word
    kind: str
    needs_multiplier: bool = False
    arabic_only: bool = False
    needs_words: tuple[str, ...] = ()   # a word of which must stand earlier in the clause (往返7班, 航班120余班)


@dataclass(slots=True)  # not frozen: one is built per candidate, and a frozen init costs twice as much
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
            measure[w] = UnitInfo(unit, entry["kind"], entry.get("needs_multiplier", False),
                                  needs_words=tuple(entry.get("needs_words", ())))
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
        if entry["position"] == "each_one":
            continue  # 每招用一人: _each_one_pattern
        target = rate_prefix if entry["position"] == "prefix" else rate_clause
        for w in entry["words"]:
            target[w] = entry["per"]
    before: dict[str, str] = {}
    inside: dict[str, str] = {}
    after: dict[str, str] = {}
    not_after: dict[str, str] = {}
    for entry in quals["qualifier"]:
        if entry["position"] == "between":
            continue  # range words: forms().range_separators
        target = {"before": before, "inside": inside, "after": after}[entry["position"]]
        for w in entry["words"]:
            target[w] = entry["name"]
            if entry.get("not_after"):
                not_after[w] = "".join(entry["not_after"])
    return measure, nouns, people_nouns, rate_prefix, rate_clause, before, inside, after, not_after


def unit_words() -> tuple[str, ...]:
    """Every measure word and unit of units.toml [[unit]] as written after a number (名, 万吨, TEU, 平方公里...)."""
    return tuple(_tables()[0])


@cache
def quantity_pattern() -> re.Pattern:
    measure, nouns, _people, _rp, _rc, _before, _inside, after, _na = _tables()
    units = alternation(measure)
    per_units = alternation(list(measure) + list(forms().time_units))
    noun_units = alternation(nouns)
    seps = alternation(forms().range_separators)
    signs = re.escape("".join(forms().currency_signs))
    post = alternation(after)
    num = NUMERAL
    digit = _ONE_DIGIT
    # An Arabic number may carry the k shorthand (15k个百分点, 百分之3.2k) when a unit or a percent sign follows;
    # 4K and 5K alone (video, races) are not quantities, and need no rule: nothing follows them.
    numk = rf"{num}(?:[kK](?![A-Za-z]))?"
    # after 成, a character that makes a word of it (成为, 三五成群) unless a word that follows tenths starts there
    # (九成群众)
    not_tenths = (rf"(?!{_except(forms().tenths_before)}[{forms().not_tenths}])")
    # Read top to bottom: a quantity starts with a digit or a Chinese numeral, or a sign before one (qualifier words
    # and rate words before it are looked up by quantity_from_match, which keeps this scan fast); then one of the
    # shapes of a quantity; then an optional qualifier after (which may follow a short parenthesis: 10亿斤(原粮)左右).
    # One character class as the first test (a sign, a currency sign, 半 of 半成, or what a numeral starts with):
    # the engine rejects most positions on it at once (an alternation here made the scan a third slower).
    if not (NUMERAL_START.startswith("[") and NUMERAL_START.endswith("]")):
        raise ValueError(f"numerals.NUMERAL_START is not one character class: {NUMERAL_START!r}")
    source = rf"""
    (?=[负\-{signs}半{NUMERAL_START[1:-1]}])
    (?<![\dA-Za-z.])
    (?P<sign>[负-])?
    (?:
        (?P<pden>[百千万佰仟萬]+)分之(?P<pct_cn>{numk}|{digit})           # 百分之三十, 千分之2.4, 萬分之肆
      | (?P<fden>[一二两三四五六七八九十百]+)分之(?P<fnum>[一二两三四五六七八九十]+)   # 四分之一
      | (?P<halftenth>[半兩])成{not_tenths}                  # 半成 (5%), 兩成
      | (?P<half>一半)                                            # 近一半
      | (?P<cur>[{signs}])(?P<cnum>{num})                           # $20, ￥300
      | (?P<num>{numk})
        (?:
            [ ]?(?P<pct>[{PERCENT_SIGNS}])(?:{seps}(?P<pnum2>{numk})[ ]?[{PERCENT_SIGNS}])?   # 41.3%, 5%-8%
          | (?P<tenth>成){not_tenths}                          # 七成, 2.5成, 三成半, 七成六
            (?P<tenth_more>半|[一二三四五六七八九](?![{HAN}]))?
          | (?!{noun_units})大?(?P<unit>{units})                   # (人口 is a noun, not 人 + 口)
            (?:(?<=[元圆块])又?                                       # 123元1角1分, 十块三毛, 两美元又三美分
               (?:(?P<jiao>{digit})[角毛])?(?:(?P<fen>{digit})(?P<fen_w>美分|分(?![钟之])))?
               (?<=[角毛分])钱?)?
            (?:(?<=[元圆])[整正](?![{HAN}]))?                          # 壹拾壹元整 (as on a cheque)
            (?P<unit_half>半(?![{HAN}]))?                              # 三斤半, 两米半
            (?:(?P<sep2a>{seps})(?P<num2a>{num})(?P<unit2a>{units}))?  # 1000元至3万元
            (?:/(?P<per>{per_units}))?                                # 1.4元/斤
          | (?:[（(]含[）)])?{seps}(?P<num2>{numk})大?(?P<unit2>{units})   # 3至5万元, 6-8亿元, 1万(含)-5万元
          | (?P<mod>(?![{forms().not_noun_modifier}])[{HAN}]{{0,2}}?)(?P<noun>{noun_units})  # 142万人口
          | (?P<nounit>(?<=[万亿萬億]))                               # 公路投资145.4亿 (money implied by the clause)
        )
    )
    (?:(?P<paren>[（(][^（）()\n]{{1,8}}[）)])(?={post}))?
    (?P<post>{post})?
    """
    # The standard library's engine runs this pattern about three times faster than `regex` (measured: 23M vs 8M
    # characters per second over the shared pages); nothing in it needs `regex`.
    return re.compile(source, re.VERBOSE)


def _except(words: tuple[str, ...]) -> str:
    """A negative look-ahead for `words`, to put before a character class: "" when there are none."""
    return rf"(?!{alternation(words)})" if words else ""


@cache
def _change_words() -> tuple[str, ...]:
    """Words of change before `A至B` that make it "by A to B" (qualifiers.toml, range, not_after_words)."""
    return tuple(w for q in load("qualifiers.toml")["qualifier"] if q["position"] == "between"
                 for w in q.get("not_after_words", ()))


@cache
def _lookback_patterns() -> tuple[re.Pattern, re.Pattern, frozenset[str], frozenset[str]]:
    """The qualifier words and the rate words that end right before a number, each as a pattern and as the set of
    the words' last characters: a number whose previous character is none of them (most) needs no search."""
    _m, _n, _p, rate_prefix, _rc, before, _i, _a, _na = _tables()
    # `re`, not `regex`: word lists need nothing of `regex`, and `re` answers these short searches twice as fast
    return (re.compile(alternation(before) + r"\Z"), re.compile(alternation(rate_prefix) + r"\Z"),
            frozenset(w[-1] for w in before if w), frozenset(w[-1] for w in rate_prefix if w))


def find_quantities(text: str, start: int = 0) -> Iterator[Quantity]:
    """Every quantity in cleaned `text` from `start` on, before exclusions, in order."""
    pattern = quantity_pattern()
    m = pattern.search(text, start)
    while m is not None:
        q = quantity_from_match(m, text)
        if q is not None:
            yield q
        # a quantity may end before its match (增加15公斤至520公斤): the scan goes on from where it ends
        m = pattern.search(text, q.end if q is not None and q.end < m.end() else m.end())




def quantity_from_match(m: re.Match, text: str) -> Quantity | None:
    measure, nouns, people_nouns, rate_prefix, rate_clause, before, _inside, after, not_after = _tables()
    form = forms()
    (sign, pden, pct_cn, fden, fnum, halftenth, half, cur, cnum, num, pct, pnum2, tenth, tenth_more, unit_w, jiao,
     fen, fen_w, unit_half, _sep2a, num2a, unit2a, per, num2, unit2, _mod, noun, nounit, paren, post) = m.groups()
    start = m.start()
    end = m.end()
    if sign == "负" and start > 0 and text[start - 1] in form.not_a_sign_after:
        sign, start = None, start + 1  # 胜负3场 counts 3 场
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
            elif tenth is not None:
                if value > 10 or value_high is not None:
                    return None  # 1万成 is not a share; tenths go up to 十成
                value *= 10
                if tenth_more == "半":
                    value += 5  # 三成半 = 35%
                elif tenth_more:
                    value += parse_numeral(tenth_more).value  # 七成六 = 76%
                unit, kind = "%", "percent"
            elif unit_w is not None:
                if unit_w in form.word_start_units and _ends_a_word(unit_w, num, text, m.end("unit")):
                    return None
                if unit_w[-1].isascii() and text[unit_end:unit_end + 1] and _latin_goes_on(text[unit_end]):
                    return None  # 5mg, 3m², 5min: the Latin unit is part of a longer word
                info = measure[unit_w]
                whole = _unit_prefix(num, unit_w, measure) if num[-1] in "千仟" else None
                if whole is not None:  # 12千米 is 12 公里, not 12千 米; 3千克 is 3 公斤
                    numeral, n, info = whole
                    value = n.value
                if info.needs_multiplier and not n.multiplied:
                    return None
                if info.needs_words and not _holds_word(text_before(text, start, 16)[1], info.needs_words):
                    return None
                unit, kind = info.unit, info.kind
                if jiao is not None:
                    value += parse_numeral(jiao).value * form.minor_units["角"]
                if fen is not None:
                    value += parse_numeral(fen).value * form.minor_units[fen_w]
                if unit_half is not None:
                    value += Decimal("0.5")  # 三斤半, 两米半
                if num2a is not None:
                    if measure[unit2a].unit != info.unit:
                        return None
                    if text.endswith(_change_words(), max(0, start - 4), start):
                        # 每亩增加15公斤至520公斤: by 15 to 520, two quantities; this one ends before 至
                        end = unit_end = m.start("sep2a")
                        paren = post = None
                    else:
                        value_high = parse_numeral(num2a).value
                if per is not None and per not in form.time_units:
                    unit = f"{unit}/{measure[per].unit if per in measure else per}"
                elif per is not None and kind == "length":
                    return None  # 120公里/小时 is a speed (spec 7), not a length
                counted = _counted_nouns().get(unit_w)
                if counted:
                    for pattern, c_unit, c_kind, words, firsts in counted:  # 30个党员 -> 人, 1,100多个集装箱 -> 箱
                        if (text.endswith(words, max(0, start - 8), start) if pattern is None  # 发送标箱12.4万个
                                # (a noun starts within the two characters of modifier: else no regex call)
                                else (holds_char(text, unit_end, unit_end + 3, firsts)
                                      and pattern.match(text, unit_end, min(len(text), unit_end + 8)))):
                            unit, kind = c_unit, c_kind
                            break
            elif unit2 is not None:
                info = measure[unit2]
                n2 = parse_numeral(num2)
                unit, kind = info.unit, info.kind
                value_high = n2.value
                # 3至5万元 and 十八至三十万: the first number borrows the second's scale, unless it carries its own
                # or would then exceed the second (5000至1万).
                value = n.value * borrowed_scale(num, num2)
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
            den = _place_value_product(pden)
            value = n.value * 100 / den  # 百分之三十 = 30%, 千分之2.4 = 0.24%
            if value != value.to_integral_value():
                value = value.normalize()
            unit, kind, numeral, chinese, qualifier = "%", "percent", pct_cn, True, n.qualifier
        elif fden is not None:
            den = parse_numeral(fden).value
            numr = parse_numeral(fnum).value
            if den == 0 or numr > den:
                return None
            value = (numr / den * 100).quantize(Decimal("0.0001")).normalize()  # 三分之二 -> 66.6667
            unit, kind, numeral, chinese, qualifier = "%", "percent", fden, True, None
        elif halftenth is not None:
            value = Decimal(5) if halftenth == "半" else parse_numeral(halftenth).value * 10
            unit, kind, numeral, chinese, qualifier = "%", "percent", halftenth, True, None
        elif cur is not None:
            n = parse_numeral(cnum)
            value, unit, kind, numeral, chinese, qualifier = n.value, form.currency_signs[cur], "money", cnum, False, n.qualifier
        else:  # 一半
            value, unit, kind, numeral, chinese, qualifier = Decimal(50), "%", "percent", "一半", True, None
    except NotANumeral:
        return None
    if sign is not None:  # 负3.9%, -22.2%: the sign belongs to the whole quantity
        value = -value
        value_high = None if value_high is None else -value_high

    num_start = start  # a sign (负, -) is part of the number
    # Words before the number: a rate (每公斤6元) and a qualifier (约, 近, 超过), each at most 4 characters.
    pre_qual_re, rate_re, pre_qual_ends, rate_ends = _lookback_patterns()
    if kind == "money" and start > 0 and text[start - 1] in rate_ends:
        rm = rate_re.search(text, max(0, start - 4), start)
        if rm:
            rate_per = rate_prefix[rm.group()]
            start = rm.start()
    qm = pre_qual_re.search(text, max(0, start - 4), start) if start > 0 and text[start - 1] in pre_qual_ends else None
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
    return [(re.compile(alternation(e["words"])), e["unit"], e["kind"]) for e in entries]


def _implied_unit(text: str, start: int, numeral: str) -> tuple[str, str] | None:
    """The unit a clause implies for a bare 万/亿 amount (公路投资145.4亿 -> 元), or None."""
    _, window = text_before(text, start, 12, PHRASE_MARKS)
    for pattern, unit, kind in _implied_pattern():
        if pattern.search(window):
            return unit, kind
    return None


def _place_value_product(word: str) -> Decimal:
    """百 -> 100, 千 -> 1000, 百万 -> 10^6, 万万 -> 10^8: the denominator of 百分之 / 千分之 / 百万分之."""
    value = Decimal(1)
    for ch in word:
        value *= MULTIPLIERS[variant_table().get(ch, ch)]
    return value




def _unit_prefix(num: str, unit_w: str, measure: dict[str, UnitInfo]):
    """(numeral, Numeral, UnitInfo) when the numeral's last 千 belongs to the unit (12千米 = 12 公里), else None."""
    if len(num) > 1 and num[-1] in "千仟" and "千" + unit_w in measure:
        try:
            return num[:-1], parse_numeral(num[:-1]), measure["千" + unit_w]
        except NotANumeral:
            return None
    return None


def _ends_a_word(unit_w: str, num: str, text: str, unit_end: int) -> bool:
    """Whether a unit that also begins common words (克, 两, 圆) is there the start of a word: after a lone
    numeral that ends a word (逐一克服, 一两天), or, for 两, before more of a numeral (两千两百 cut short)."""
    if num in forms().word_start_units[unit_w]:
        return True
    return unit_w == "两" and unit_end < len(text) and re.match(NUMERAL_START, text[unit_end]) is not None


def _holds_word(clause: str, words: tuple[str, ...]) -> bool:
    return any(w in clause for w in words)


def _latin_goes_on(ch: str) -> bool:
    return ch.isascii() and ch.isalnum() or ch in "²³"




@cache
def _any_rate_word() -> re.Pattern:
    _m, _n, _p, rate_prefix, rate_clause, *_ = _tables()
    return re.compile(alternation(list(rate_clause) + list(rate_prefix) + (["每"] if _each_one() else [])))


@cache
def _each_one() -> dict[str, str]:
    """measure word after 每…一 -> the unit it makes a rate per (units.toml [[rate]] position = "each_one")."""
    return {w: e["per"] for e in load("units.toml").get("rate", []) if e["position"] == "each_one" for w in e["words"]}


@cache
def _each_one_pattern() -> re.Pattern:
    # 每 + a verb of one to four characters + 一 + the measure word: 每招用一人, 每新建一座, 每流转一亩
    return re.compile(rf"每[{HAN}]{{1,4}}?一({alternation(_each_one())})")


def _clause_rate(text: str, start: int, rate_clause: dict[str, str], rate_prefix: dict[str, str]) -> str | None:
    """人均 / 户均 / 亩产 / 每亩 earlier in the same clause (within 12 characters) make the unit a rate."""
    if _any_rate_word().search(text, start - 12 if start > 12 else 0, start) is None:
        return None  # most quantities have none of the words near them: one search, no clause cut
    _, window = text_before(text, start, 12, PHRASE_MARKS)
    for word, per in rate_clause.items():
        if word in window:
            return per
    for word, per in rate_prefix.items():
        if word in window:
            return per
    if _each_one():
        m = _each_one_pattern().search(window)
        if m:
            return _each_one()[m.group(1)]
    return None


@cache
def _carried_rate_words() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(words that open a comparison clause, words that end the text between a rate and a new level, time words
    that may stand between such a word and the new level: 增加到现在的4.5万元)."""
    entries = load("units.toml").get("carried_rate", [])
    return (tuple(w for e in entries if e["position"] == "clause_start" for w in e["words"]),
            tuple(w for e in entries if e["position"] == "between" for w in e["words"]),
            tuple(sorted((w for e in entries if e["position"] == "after_between" for w in e["words"]),
                         key=len, reverse=True)))


_SENTENCE_ENDS = re.compile("[" + re.escape(SENTENCE_MARKS) + "\n]")
_MAX_LEVEL_CHANGE = 10


def carry_rates(quantities: list[Quantity], text: str) -> list[Quantity]:
    """The quantities (facts of one text, in order), each that goes on from the rate right before it taking that
    rate's unit: 每公斤200元，比去年同期高15元 -> 15 元/公斤; 人均日装配量从40台提高到65台 -> 65 台/人."""
    openers, joiners, times = _carried_rate_words()
    out = list(quantities)
    for i in range(1, len(out)):
        rate, q = out[i - 1], out[i]
        if "/" not in rate.unit or "/" in q.unit or q.value_high is not None:
            continue  # (most quantities: no rate before them)
        if rate.unit.partition("/")[0] != q.unit:
            continue
        between = text[rate.end:q.start]
        if _SENTENCE_ENDS.search(between):
            continue
        clause_start, clause = text_before(text, q.start, len(between))
        if clause_start == rate.end:   # one clause: 从40台提高到65台
            for w in times:   # 从不到1万元增加到现在的4.5万元: the time of the new level is no part of the joining word
                if between.endswith(w):
                    between = between[:-len(w)]
                    break
            carried = between.endswith(joiners) and 0 < q.value <= rate.value * _MAX_LEVEL_CHANGE
        else:                          # a comparison clause after it: ，比去年同期高15元
            carried = clause.startswith(openers) and 0 < q.value < rate.value
        if carried:
            out[i] = replace(q, unit=rate.unit)
    return out


@cache
def _counted_nouns() -> dict[str, list[tuple[regex.Pattern | None, str, str, tuple[str, ...], frozenset[str]]]]:
    """measure word -> [(pattern of the nouns it may count after the number, None for nouns that stand before it;
    unit; kind; the nouns; their first characters)], from units.toml [[counted]]."""
    people = _tables()[2]
    out: dict[str, list] = {}
    for entry in load("units.toml").get("counted", []):
        words = tuple(w for n in entry["nouns"] for w in (people if n == "people" else [n]))
        before = entry.get("position") == "before"
        # after: up to two characters of modifier before the noun (4个被困孩子); before: right before the number
        # (发送标箱12.4万个; in 集装箱泊位7个 the noun is a modifier of another), which str.endswith answers
        pattern = None if before else regex.compile(rf"\p{{Han}}{{0,2}}?{alternation(words)}")
        out.setdefault(entry["measure"], []).append((pattern, entry["unit"], entry["kind"], words,
                                                     frozenset(w[0] for w in words)))
    return out


def parse_quantity(s: str) -> Quantity | None:
    """The first quantity in a short string such as `约1.5万元`, `120余名`, `3至5万元`; None when there is none.

    The string is read as the extractor reads a page: cleaned first (full-width forms, spaces inside a mention:
    `新台币 177.1 亿元`), with the span given back in `s`."""
    cleaned = clean_text(s, join_lines=False)
    text = cleaned.text
    for m in quantity_pattern().finditer(text):
        q = quantity_from_match(m, text)
        if q is not None:
            if text == s:
                return q
            start, end = cleaned.raw_span(q.start, q.end)
            return replace(q, start=start, end=end, num_start=cleaned.raw_offset(q.num_start),
                           unit_end=cleaned.raw_span(q.num_start, q.unit_end)[1])
    return None
