"""Numerals: number string -> value, range end and the qualifier the numeral itself carries; or not a number."""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pytest

from extract.numerals import NotANumeral, borrowed_scale, parse_numeral


class Case(NamedTuple):
    numeral: str
    value: str
    high: str | None = None
    qualifier: str | None = None


CASES = [
    Case("587.07万", "5870700"),
    Case("1,200", "1200"),
    Case("3705.1千", "3705100"),
    Case("10多万", "100000", qualifier="at_least"),
    Case("3万余", "30000", qualifier="at_least"),
    Case("万余", "10000", qualifier="at_least"),    # a bare 万 is a word, with 余 or 多 a count
    Case("亿多", "100000000", qualifier="at_least"),
    Case("5亿多", "500000000", qualifier="at_least"),
    Case("一百二十", "120"),
    Case("两千", "2000"),
    Case("〇", "0"),
    Case("一千零五", "1005"),
    Case("三万五千", "35000"),
    Case("三万五", "35000"),
    Case("十八点五亿", "1850000000"),
    Case("1.2万", "12000"),
    Case("一亿二千万", "120000000"),
    Case("四万万", "400000000"),
    Case("十", "10"),
    Case("百", "100"),
    Case("千", "1000"),
    Case("百万", "1000000"),
    Case("上百", "100", qualifier="at_least"),
    Case("上万", "10000", qualifier="at_least"),
    Case("数十", "10", qualifier="at_least"),
    Case("数百万", "1000000", qualifier="at_least"),
    Case("几百", "100", qualifier="at_least"),
    Case("十几", "10", qualifier="at_least"),
    Case("二十几万", "200000", qualifier="at_least"),
    Case("十来", "10", qualifier="approx"),
    Case("三五", "3", "5"),
    Case("两三百", "200", "300"),
    Case("七八十", "70", "80"),
    Case("十五六", "15", "16"),
    Case("两个亿", "200000000"),
]

NOT_NUMERALS = ["七一", "八一", "二〇二一", "万", "亿", "几", "十一十二"]


@pytest.mark.parametrize("case", CASES, ids=[c.numeral for c in CASES])
def test_numeral(case: Case):
    n = parse_numeral(case.numeral)
    assert n.value == Decimal(case.value)
    assert n.high == (None if case.high is None else Decimal(case.high))
    assert n.qualifier == case.qualifier


@pytest.mark.parametrize("s", NOT_NUMERALS)
def test_not_a_numeral(s):
    with pytest.raises(NotANumeral):
        parse_numeral(s)


@pytest.mark.parametrize("low, high, scale", [("3", "5万", 10000), ("5000", "1万", 1), ("6", "8亿", 100000000),
                                              ("78万", "91万", 1)])
def test_the_first_number_of_a_range_borrows_the_scale_of_the_second(low, high, scale):
    assert borrowed_scale(low, high) == scale
