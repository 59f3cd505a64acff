"""Subjects: sentence -> the noun phrase its one fact counts or measures."""
from __future__ import annotations

from typing import NamedTuple

import pytest

from extract import extract


class Case(NamedTuple):
    sentence: str
    subject: str


CASES = [
    Case("120余名党员提交回执参加了联盟活动。", "党员"),
    Case("设计年吞吐量达1400万吨。", "设计年吞吐量"),
    Case("今年以来，累计召开7次联盟会议。", "联盟会议"),
    Case("总投资18.5亿元。", "总投资"),
    Case("惠及142万人口。", "人口"),
    Case("港口进货量累计完成587.07万吨。", "港口进货量"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.sentence for c in CASES])
def test_subject(case: Case):
    [fact] = extract(case.sentence)
    assert fact.subject == case.subject
