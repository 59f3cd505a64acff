"""Clean-up keeps offsets: raw text -> cleaned text, and every cleaned span maps back to a readable raw span."""
from __future__ import annotations

import random
from typing import NamedTuple

import pytest

from extract.cleanup import _INNER_SPACE, _inner_spaces, clean_text


class Case(NamedTuple):
    raw: str
    cleaned: str


CASES = [
    Case("开发区现有企业4680家，工会组织416个，产业\n\n工人近１０万人。", "开发区现有企业4680家，工会组织416个，产业工人近10万人。"),
    Case("补贴精准到户 储藏窖建到田头\n镇党委书记介绍", "补贴精准到户储藏窖建到田头\n镇党委书记介绍"),
    Case("增幅达３５％．", "增幅达35%."),
    Case("白甸镇： 178条河道 发包", "白甸镇：178条河道发包"),
    Case("总投资18.5\u3000亿元", "总投资18.5亿元"),
    Case("价值\u00a0近3万元", "价值近3万元"),
    Case("第一段。\n第二段", "第一段。\n第二段"),
    Case("# 标题\n正文10 万吨", "# 标题\n正文10万吨"),
    Case("零\u200b宽12名", "零宽12名"),
    Case("ＴＥＵ集装箱5万ＴＥＵ", "TEU集装箱5万TEU"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.raw for c in CASES])
def test_cleaned_text(case: Case):
    assert clean_text(case.raw).text == case.cleaned


@pytest.mark.parametrize("case", CASES, ids=[c.raw for c in CASES])
def test_every_character_maps_back_to_itself(case: Case):
    c = clean_text(case.raw)
    for i, ch in enumerate(c.text):
        raw_ch = case.raw[c.raw_offset(i)]
        assert raw_ch == ch or raw_ch.translate({0xFF10 + d: 0x30 + d for d in range(10)}) == ch or ord(raw_ch) > 0xFF00 \
            or raw_ch in "\u3000\u00a0"


def test_a_span_across_a_scan_break_maps_to_the_raw_span():
    raw = "开发区现有企业4680家，工会组织416个，产业\n\n工人近10万人。"
    c = clean_text(raw)
    i = c.text.index("近10万人")
    s, e = c.raw_span(i, i + len("近10万人"))
    assert raw[s:e] == "近10万人"
    j = c.text.index("产业工人")
    s, e = c.raw_span(j, j + 4)
    assert raw[s:e] == "产业\n\n工人"


def test_base_offset_shifts_every_span():
    c = clean_text("近3万元", base=100)
    assert c.raw_span(0, 4) == (100, 104)


# The whitespace-run scan must find exactly what the one-pattern scan finds: the same removals, in every layout of
# spaces, tabs, line breaks and the marks around them (random strings over the characters the rules look at).
RUN_CASES = ["产业\n\n工人", "田头\n镇", "白甸镇： 178条", "10 万吨", "第一段。\n第二段", "#标题\n 正文", " \n产业",
             "a\x0c\n中", "中 \t\r\n\u2028 国", "1 %", "“ 中”", "。 中",
             # a run with a line break after a final mark is skipped without trying the pattern
             "。 \n中", "”\n中", "：\n\n 中", "#\n1",
             # after a final mark, a run of spaces alone is tried, up to the text's end too
             "。 \t中", "。 ", "。\u3000中", "； 1"]


@pytest.mark.parametrize("text", RUN_CASES)
def test_whitespace_runs_find_what_the_pattern_finds(text: str):
    assert [m.span() for m in _inner_spaces(text)] == [m.span() for m in _INNER_SPACE.finditer(text)]


def test_whitespace_runs_agree_with_the_pattern_on_random_layouts():
    rng = random.Random(7)
    alphabet = list(" \t\r\n\u3000\x0c\u2028。，：；！？”“（）)#1a年中")
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert [m.span() for m in _inner_spaces(text)] == [m.span() for m in _INNER_SPACE.finditer(text)], text
