"""Numerals: Arabic, Chinese and mixed number strings -> values (FACTS.md "Numbers").

`parse_numeral` takes the number part of a mention as the quantity pattern cut it out (`587.07万`, `一百二十`,
`十八点五亿`, `3万余`, `两三百`, `数百万`, `十几`) and returns its value, the upper end of an adjacent-numeral range
(`三五` -> 3..5) and the qualifier that the numeral itself carries (`余`/`多`/`数`/`几`/`上` -> at_least, `来` ->
approx). Chinese numerals are read by cn2an; everything cn2an would misread (`七一`, `统一`, `二〇二一` as a
quantity, `十八点五亿`, bare `百万`) is decided here before it is called.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an
import regex

from extract.errors import ExtractError


class NotANumeral(ExtractError):
    """The string is not a number this extractor reports (a code, a label, an idiom)."""


# The characters of the Chinese numeral system. These define the module, they are not a word list.
CN_DIGITS = "零〇一二两三四五六七八九"
CN_SMALL_UNITS = "十百千"
CN_BIG_UNITS = "万亿"
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_DIGIT_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Regex sources for the quantity pattern (quantities.py embeds them).
# Arabic: 1,200 / 587.07 / 10多万 / 3万余 / 3705.1千 / 5亿多
ARABIC_NUMERAL = r"\d+(?:,\d{3})*(?:\.\d+)?(?:[余多来几]?[十百千万亿]+)?[余多来]?"
# Chinese: 一百二十 / 十八点五亿 / 两三百 / 数百万 / 上百 / 十几 / 三万余. 数/几/上 start a vague count only before
# a place value (数十, 几百, 上万), so 数字化, 几年 and 上一个 are not numerals.
CHINESE_NUMERAL = (
    r"(?:[数几上](?=[十百千万亿]))?"
    r"[零〇一二两三四五六七八九十百千万亿几]+"
    r"(?:点[零〇一二三四五六七八九]+[万亿]*)?"
    r"[余多来]?"
)
NUMERAL = rf"(?:{ARABIC_NUMERAL}|{CHINESE_NUMERAL})"

_QUALIFIER_MARKS = {"余": "at_least", "多": "at_least", "来": "approx"}
_VAGUE_PREFIX = {"数", "几", "上"}
_ADJACENT = regex.compile(r"^(十?)([一二两三四五六七八九])([一二三四五六七八九])([十百千万亿]*)$")
_ARABIC_HEAD = regex.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)(.*)$")


@dataclass(frozen=True, slots=True)
class Numeral:
    value: Decimal
    high: Decimal | None = None     # upper end when the numeral itself is a range (三五, 两三百)
    qualifier: str | None = None    # what the numeral says by itself: 余/多 -> at_least, 来 -> approx, 数/几 -> at_least
    chinese: bool = False           # written (at least partly) in Chinese numerals
    multiplied: bool = False        # carries 十/百/千/万/亿 after Arabic digits, or 万/亿 in Chinese


def parse_numeral(s: str) -> Numeral:
    """`s` -> Numeral, or NotANumeral. Results are cached: the same strings recur across a corpus."""
    if not s:
        raise NotANumeral("empty numeral")
    return _parse_cached(s)


@lru_cache(maxsize=65536)
def _parse_cached(s: str) -> Numeral:
    qualifier = None
    body = s
    # qualifier marks inside the numeral: 120余, 10多万, 3万余, 十来
    for mark, q in _QUALIFIER_MARKS.items():
        if mark in body:
            qualifier = q
            body = body.replace(mark, "")
    head = _ARABIC_HEAD.match(body)
    if head:
        return _parse_arabic(head.group(1), head.group(2), qualifier)
    return _parse_chinese(body, qualifier)


def _parse_arabic(digits: str, tail: str, qualifier: str | None) -> Numeral:
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation as exc:  # the pattern only lets digits through; keep the guard explicit
        raise NotANumeral(digits) from exc
    if "几" in tail:  # 10几万: a vague count
        qualifier = "at_least"
        tail = tail.replace("几", "")
    for ch in tail:
        if ch not in MULTIPLIERS:
            raise NotANumeral(digits + tail)
        value *= MULTIPLIERS[ch]
    return Numeral(value, None, qualifier, False, bool(tail))


def _parse_chinese(body: str, qualifier: str | None) -> Numeral:
    if body[0] in _VAGUE_PREFIX and body[1:2] and body[1] in MULTIPLIERS:  # 数百万 -> 百万 at least; 上万 -> 万
        qualifier = "at_least"
        body = body[1:]
        if body[0] in CN_BIG_UNITS:
            body = "一" + body  # 上万 -> 一万
    if "几" in body:  # 十几 -> 十, 几十 -> 十, 二十几万 -> 二十万: the lower bound, at least
        qualifier = "at_least"
        out = []
        for i, ch in enumerate(body):
            if ch == "几":
                if i == 0 and len(body) > 1 and body[1] in MULTIPLIERS:  # 几十, 几百: one of the place value
                    out.append("一")
                elif i == 0:
                    raise NotANumeral(body)  # 几个, 几次: "a few", not a count
                continue
            out.append(ch)
        body = "".join(out)
    if not body:
        raise NotANumeral("几")
    if body[0] in CN_SMALL_UNITS and len(body) > 1 and body[1] in CN_BIG_UNITS:
        body = "一" + body  # 百万 -> 一百万
    elif body[0] in CN_SMALL_UNITS and body[0] != "十":
        body = "一" + body  # 百 -> 一百, 千亩
    elif body[0] in CN_BIG_UNITS:
        raise NotANumeral(body)  # a bare 万/亿 is a word (万人空巷, 亿吨大港), not a count
    adjacent = _ADJACENT.match(body)
    if adjacent:
        return _parse_adjacent_range(adjacent, qualifier)
    if "点" in body:
        return _parse_chinese_decimal(body, qualifier)
    if not any(ch in MULTIPLIERS for ch in body) and len(body) > 1:
        raise NotANumeral(body)  # 二〇二一, 七一, 八一: digit strings are years, holidays and codes
    value = _cn2an(body)
    big = any(ch in CN_BIG_UNITS for ch in body)
    return Numeral(value, None, qualifier, True, big)


def _parse_adjacent_range(m: regex.Match, qualifier: str | None) -> Numeral:
    tens, d1, d2, mult = m.groups()
    a, b = _DIGIT_VALUE[d1], _DIGIT_VALUE[d2]
    if not (b == a + 1 or (a, b) == (3, 5)):
        raise NotANumeral(m.group(0))  # 八一, 二五: not a "three or five" style estimate
    base = Decimal(10 if tens else 0)
    scale = Decimal(1)
    for ch in mult:
        scale *= MULTIPLIERS[ch]
    if tens:  # 十五六 -> 15..16
        low, high = (base + a) * scale, (base + b) * scale
    else:  # 三五 -> 3..5, 两三百 -> 200..300
        low, high = Decimal(a) * scale, Decimal(b) * scale
    return Numeral(low, high, qualifier, True, any(ch in CN_BIG_UNITS for ch in mult))


def _parse_chinese_decimal(body: str, qualifier: str | None) -> Numeral:
    whole, _, rest = body.partition("点")
    frac = rest.rstrip("万亿")
    mult = rest[len(frac):]
    if not whole or not frac or any(ch not in _DIGIT_VALUE for ch in frac):
        raise NotANumeral(body)
    value = _cn2an(whole) + Decimal("0." + "".join(str(_DIGIT_VALUE[ch]) for ch in frac))
    for ch in mult:
        value *= MULTIPLIERS[ch]
    return Numeral(value, None, qualifier, True, bool(mult))


@lru_cache(maxsize=65536)
def _cn2an(s: str) -> Decimal:
    try:
        return Decimal(str(cn2an.cn2an(s, "normal")))
    except (ValueError, KeyError, IndexError) as exc:  # cn2an signals a malformed numeral with these
        raise NotANumeral(s) from exc


def to_number(d: Decimal) -> float:
    """Decimal -> float for the fact; exact for every value a news page prints."""
    return float(d)
