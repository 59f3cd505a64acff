"""Numerals: Arabic, Chinese and mixed number strings -> values (FACTS.md "Numbers").

`parse_numeral` takes the number part of a mention as the quantity pattern cut it out (`587.07万`, `一百二十`,
`十八点五亿`, `3万余`, `两三百`, `数百万`, `十几`) and returns its value, the upper end of an adjacent-numeral range
(`三五` -> 3..5) and the qualifier that the numeral itself carries (`余`/`多`/`数`/`几`/`上` -> at_least, `来` ->
approx). It also reads the forms a mention rarely has but a number can: financial capitals and traditional
characters (`壹佰伍拾`, `九萬四`, the variants in data/numerals.toml), mixed sections (`3万4000`, `1千零20`), spoken
elisions (`三万五`, `一百二`), a sign (`负六点六`, `-10000`) and fractions (`三分之一`, `3又1/2`).

cn2an reads the place values of every numeral it accepts (in "normal" mode for Chinese, "smart" mode when Arabic
digits are mixed in). It is called only after the guards above have decided that the string is a number at all;
for the few well-formed numerals cn2an refuses (`四万万`, `3千万亿`, `200亿零四千230`) the reading falls back to one
pass over place values, with these rules:
- a digit times the small unit after it (十 百 千) adds to the current section; small units fall within a section;
- 万 / 亿 close a section: a unit larger than or equal to the last big unit scales everything read so far
  (`四万万`, `3千万亿`), a smaller one only its own section (`一亿五千万`);
- a lone Chinese digit right after a unit is one place lower (`三万五` = 35000, `两千六` = 2600), except after 零;
- digits side by side with no unit are a digit string: a year, a holiday or a code (`二〇二一`, `七一`), never a
  count, unless a decimal point follows (`一七二零点一`).
"""
from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib import resources

import cn2an
import regex

from extract.errors import ExtractError


class NotANumeral(ExtractError):
    """The string is not a number this extractor reports (a code, a label, an idiom)."""


class NumeralDataError(ExtractError):
    """data/numerals.toml breaks its schema."""


# The characters of the Chinese numeral system. These define the module, they are not a word list.
CN_SMALL_UNITS = "十百千"
CN_BIG_UNITS = "万亿"
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_DIGIT_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Regex sources for the quantity pattern (quantities.py embeds them).
# Arabic: 1,200 / 587.07 / 10多万 / 3万余 / 3705.1千 / 5亿多
# The digits are one atomic group: nothing that may follow a number starts with a digit, a comma or a point, so
# giving digits back can never make a match, and a number that fails (2023年) is then tried once, not once per digit
# (a tenth of the quantity scan on the shared pages). The place values after them may be given back (一万千瓦).
# After 万 or 亿, a smaller amount with its own place value is part of the number (1万5千 = 15000, 3亿2千万), and
# 个亿 is spoken for 亿 (1.5个亿).
ARABIC_NUMERAL = (r"(?>\d+(?:,\d{3})*(?:\.\d+)?)(?:[余多来几]?[十百千万亿]+)?"
                  r"(?:(?<=[万亿])\d+[十百千万]+)?(?:个亿)?[余多来]?")
# Chinese: 一百二十 / 十八点五亿 / 两三百 / 数百万 / 上百 / 十几 / 三万余. 数/几/上 start a vague count only before
# a place value (数十, 几百, 上万), so 数字化, 几年 and 上一个 are not numerals.
# Financial capitals and traditional forms (壹佰伍拾, 肆佰叁拾萬) count only in runs of two or more, so that 队伍,
# 陆地 and 拾起 stay words; parse_numeral reads them through data/numerals.toml.
_CAPITALS = "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億兩"
CHINESE_NUMERAL = (
    r"(?:[数几上](?=[十百千万亿]))?"
    rf"(?:(?=[零〇一二两三四五六七八九十百千万亿{_CAPITALS}]{{2}})[零〇一二两三四五六七八九十百千万亿几{_CAPITALS}]+"
    r"|[零〇一二两三四五六七八九十百千万亿几]+)"
    r"(?:[余多来](?=[万亿萬億])[万亿萬億]+)?"  # 一百多万, 两千多亿, 三千余万: the mark before the big place value
    r"(?:个亿)?"  # 两个亿: spoken for 两亿
    r"(?:[点點][零〇一二三四五六七八九]+[万亿萬億]*)?"
    r"[余多来]?"
)
# The characters a numeral may start with: quantity patterns look ahead for one before trying the full pattern.
NUMERAL_START = rf"[\d零〇一二两三四五六七八九十百千万亿数几上{_CAPITALS}]"
NUMERAL = rf"(?:{ARABIC_NUMERAL}|{CHINESE_NUMERAL})"

_QUALIFIER_MARKS = {"余": "at_least", "多": "at_least", "来": "approx"}
_VAGUE_PREFIX = {"数", "几", "上"}
_SIGNS = "负-"
_ADJACENT = regex.compile(r"^(十?)([一二两三四五六七八九])([一二两三四五六七八九])([十百千万亿]*)$")   # 一两万: 1-2万
# One token of a numeral: an Arabic number (.5 and 1,200 included), a Chinese digit, a unit.
_TOKEN = regex.compile(r"(\d*\.\d+|\d+(?:,\d{3})+(?:\.\d+)?|\d+)|([零〇一二两三四五六七八九])|([十百千万亿])")
_FRACTION_DIGITS = regex.compile(r"^([零〇一二两三四五六七八九\d]+)([十百千万亿]*)$")
# Arabic fractions keep their spaces until they are read: `1 3/5` is one and three fifths, not 13/5.
_ARABIC_FRACTION = regex.compile(r"^(?:(\d+)\s+)?(\d+)\s*/\s*(\d+)$")
_SPACES = regex.compile(r"[\s\u3000]+")


@dataclass(frozen=True, slots=True)
class Numeral:
    value: Decimal
    high: Decimal | None = None     # upper end when the numeral itself is a range (三五, 两三百)
    qualifier: str | None = None    # what the numeral says by itself: 余/多 -> at_least, 来 -> approx, 数/几 -> at_least
    chinese: bool = False           # written (at least partly) in Chinese numerals
    multiplied: bool = False        # carries 十/百/千/万/亿 after Arabic digits, or 万/亿 in Chinese


def parse_numeral(s: str) -> Numeral:
    """`s` -> Numeral, or NotANumeral. Results are cached: the same strings recur across a corpus."""
    if not isinstance(s, str):
        raise NotANumeral(f"not a string: {s!r}")
    if not s:
        raise NotANumeral("empty numeral")
    return _parse_cached(s)


@cache
def variant_table() -> dict[str, str]:
    """character -> plain reading, from data/numerals.toml (壹 -> 一, 萬 -> 万, 廿 -> 二十)."""
    with resources.files("extract.data").joinpath("numerals.toml").open("rb") as f:
        data = tomllib.load(f)
    table: dict[str, str] = {}
    for i, entry in enumerate(data.get("variant", [])):
        if set(entry) != {"forms", "reads", "why", "examples"}:
            raise NumeralDataError(f"numerals.toml [[variant]] #{i + 1}: keys {sorted(entry)}")
        for form in entry["forms"]:
            if len(form) != 1 or form in table:
                raise NumeralDataError(f"numerals.toml: form {form!r} is not one new character")
            table[form] = entry["reads"]
    return table


@cache
def _translation() -> dict[int, str]:
    return str.maketrans(variant_table())


def normalise(s: str) -> str:
    """Plain characters for every variant form (full-width digits included); spaces dropped."""
    s = unicodedata.normalize("NFKC", s).translate(_translation())
    return _SPACES.sub("", s)


@lru_cache(maxsize=65536)
def _parse_cached(s: str) -> Numeral:
    fraction = _ARABIC_FRACTION.match(unicodedata.normalize("NFKC", s).strip().lstrip("-"))
    body = normalise(s)
    if not body:
        raise NotANumeral(s)
    if body.endswith("个亿"):
        body = body[:-2] + "亿"  # 两个亿, 十几个亿: spoken for 两亿
    sign = 1
    if body[0] in _SIGNS:  # 负六点六, -10000: the sign belongs to the whole numeral
        sign, body = -1, body[1:]
        if not body:
            raise NotANumeral(s)
    if fraction or "分之" in body:
        n = _parse_fraction(fraction, body)
    else:
        n = _parse_unsigned(body)
    if sign < 0:
        n = Numeral(-n.value, None if n.high is None else -n.high, n.qualifier, n.chinese, n.multiplied)
    return n


def _parse_unsigned(body: str) -> Numeral:
    qualifier = None
    # qualifier marks inside the numeral: 120余, 10多万, 3万余, 十来
    for mark, q in _QUALIFIER_MARKS.items():
        if mark in body:
            qualifier = q
            body = body.replace(mark, "")
    if not body:
        raise NotANumeral("a qualifier mark alone")
    if body[0] in _VAGUE_PREFIX and body[1:2] and body[1] in MULTIPLIERS:  # 数百万 -> 百万 at least; 上万 -> 万
        qualifier = "at_least"
        body = body[1:]
        if body[0] in CN_BIG_UNITS:
            body = "一" + body  # 上万 -> 一万
    if "几" in body:  # 十几 -> 十, 几十 -> 十, 二十几万 -> 二十万, 10几万 -> 10万: the lower bound, at least
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
    if body[0] in CN_BIG_UNITS:
        if qualifier is None:
            raise NotANumeral(body)  # a bare 万/亿 is a word (万人空巷, 亿吨大港), not a count
        body = "一" + body  # 万余人, 亿多元: with 余 or 多 it counts (at least one 万)
    adjacent = _ADJACENT.match(body)
    if adjacent:
        return _parse_adjacent_range(adjacent, qualifier)
    chinese = not body[0].isdigit() and body[0] != "."
    if "点" in body:
        value, units = _read_decimal(body)
    else:
        value, units = _read_integer(body, digit_string_ok=False)
    multiplied = any(u in CN_BIG_UNITS for u in units) or (not chinese and bool(units))
    return Numeral(value, None, qualifier, chinese, multiplied)


def _tokens(body: str) -> list[tuple[str, Decimal | int]]:
    """body -> [(kind, value)] with kind num (Arabic number or Chinese digit), zero, small or big; else NotANumeral."""
    out: list[tuple[str, Decimal | int]] = []
    pos = 0
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m:
            raise NotANumeral(body)
        arabic, digit, unit = m.groups()
        if arabic is not None:
            try:
                out.append(("arabic", Decimal(arabic.replace(",", ""))))
            except InvalidOperation as exc:  # the token pattern only lets digits through; keep the guard explicit
                raise NotANumeral(body) from exc
        elif digit is not None:
            out.append(("zero", 0) if digit in "零〇" else ("digit", _DIGIT_VALUE[digit]))
        else:
            out.append(("big" if unit in CN_BIG_UNITS else "small", MULTIPLIERS[unit]))
        pos = m.end()
    return out


def _read_integer(body: str, digit_string_ok: bool) -> tuple[Decimal, str]:
    """Value of a numeral without 点, and the units it carries. See the module docstring for the rules."""
    tokens = _tokens(body)
    units = "".join(ch for ch in body if ch in MULTIPLIERS)
    if not units:
        if len(tokens) == 1:
            return Decimal(tokens[0][1]), ""
        if all(kind in ("digit", "zero") for kind, _ in tokens) and digit_string_ok:
            return Decimal("".join(str(v) for _, v in tokens)), ""  # 一七二零 before 点: read digit by digit
        raise NotANumeral(body)  # 二〇二一, 七一, 八一: digit strings are years, holidays and codes
    read = _cn2an(body)
    if read is not None:
        return read, units
    return _read_place_values(tokens, body), units


@lru_cache(maxsize=65536)
def _cn2an(body: str) -> Decimal | None:
    """cn2an's reading of a numeral with place values, or None when cn2an refuses it."""
    mode = "smart" if any(ch.isdigit() for ch in body) else "normal"
    try:
        value = cn2an.cn2an(body, mode)
    except (ValueError, KeyError, IndexError, TypeError):  # how cn2an says "not a numeral I can read"
        return None
    return Decimal(str(value))


def _read_place_values(tokens: list[tuple[str, Decimal | int]], body: str) -> Decimal:
    """The fallback reader for numerals cn2an refuses (四万万, 3千万亿): one pass over place values."""
    total = Decimal(0)
    section = Decimal(0)
    current: Decimal | None = None
    current_kind = ""
    last_small: int | None = None   # small units must fall within a section: 十一十二 is two numbers
    last_big: int | None = None
    elided = 0                      # the place a lone digit after the last unit stands for (三万五 -> 1000)
    scaled_fraction = False         # 10.1万 ends the numeral: 10.1万零100 is malformed
    previous = ""
    for kind, val in tokens:
        if kind in ("digit", "arabic"):
            if current is not None or scaled_fraction:
                raise NotANumeral(body)  # two numbers side by side in a numeral with units
            current, current_kind = Decimal(val), kind
        elif kind == "zero":
            if current is not None:
                raise NotANumeral(body)
            elided = 0
        elif kind == "small":
            place = int(val)   # small and big units are ints (MULTIPLIERS)
            if last_small is not None and place >= last_small:
                raise NotANumeral(body)
            n = Decimal(1) if current is None else current
            scaled_fraction = scaled_fraction or n != n.to_integral_value()
            section += n * place
            last_small, current = place, None
            elided = place // 10
        else:  # big
            amount = section + (current or 0)
            if amount == 0 and total == 0:
                raise NotANumeral(body)  # a bare 万 / 亿
            scaled_fraction = scaled_fraction or amount != amount.to_integral_value()
            place = int(val)
            if last_big is None or place >= last_big:
                total = (total + amount) * place
            else:
                total += amount * place
            last_big, section, current, last_small = place, Decimal(0), None, None
            elided = place // 10
        previous = kind
    if current is not None:
        if current_kind == "digit" and previous == "digit" and elided and len(tokens) > 1:
            current *= elided  # 三万五 -> 5 * 1000, 一百二 -> 2 * 10; not after 零 (一百零二)
        section += current
    return total + section


def _read_decimal(body: str) -> tuple[Decimal, str]:
    """十八点五亿, 一百点123, 一七二零点一, 四百亿点零五零: whole part, fraction digits, then units that scale both."""
    parts = body.split("点")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise NotANumeral(body)  # 点一, 零点, 零点点
    whole, units = _read_integer(parts[0], digit_string_ok=True)
    m = _FRACTION_DIGITS.match(parts[1])
    if not m:
        raise NotANumeral(body)
    digits = "".join(ch if ch.isdigit() else str(_DIGIT_VALUE[ch]) for ch in m.group(1))
    value = whole + Decimal("0." + digits)
    for ch in m.group(2):
        value *= MULTIPLIERS[ch]
    if m.group(2) and any(u in CN_BIG_UNITS for u in units):
        raise NotANumeral(body)  # 万 on both sides of the point (四万点五万)
    return value.normalize() if value == value.to_integral_value() else value, units + m.group(2)


def _parse_fraction(arabic: regex.Match | None, body: str) -> Numeral:
    """三分之一 = 1/3, 负3分之负一百五十七, 三百五又三分之一, 1 3/5. Zero denominators are not numbers."""
    if arabic:
        whole = Decimal(arabic.group(1) or 0)
        num, den = Decimal(arabic.group(2)), Decimal(arabic.group(3))
        chinese = False
    else:
        whole_part, _, frac = body.rpartition("又")
        whole = parse_numeral(whole_part).value if whole_part else Decimal(0)
        den_s, _, num_s = frac.partition("分之")
        if not den_s or not num_s:
            raise NotANumeral(body)
        den, num = parse_numeral(den_s).value, parse_numeral(num_s).value
        chinese = True
    if den == 0:
        raise NotANumeral(body)
    return Numeral(whole + num / den, None, None, chinese, False)


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


def borrowed_scale(low: str, high: str) -> Decimal:
    """What the first number of a range borrows from the second: 3至5万 -> 10000 (3万), 十八至三十万 -> 10000,
    两到三千 -> 1000, 八到九百亿 -> 亿 only (8亿, as JioNLP reads it). 1 when nothing is borrowed: the first number
    carries units of its own (1万-5万), or would then exceed the second (5000至1万)."""
    lo, hi = parse_numeral(low), parse_numeral(high)
    lo_body, hi_body = normalise(low), normalise(high).rstrip("余多来")
    if any(ch in CN_BIG_UNITS for ch in lo_body):
        return Decimal(1)
    big = ""
    for ch in reversed(hi_body):
        if ch not in CN_BIG_UNITS:
            break
        big = ch + big
    scale = Decimal(1)
    if big:
        for ch in big:
            scale *= MULTIPLIERS[ch]
    elif not any(ch in CN_SMALL_UNITS for ch in lo_body) and len(hi_body) == 2 and hi_body[-1] in CN_SMALL_UNITS:
        scale = Decimal(MULTIPLIERS[hi_body[-1]])  # 两到三千, 2-3百: a digit and one place value
    if scale == 1 or lo.value * scale >= hi.value:
        return Decimal(1)
    return scale

