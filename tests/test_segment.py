"""Segmentation: a file -> its articles (headline, body, headings above), an article -> its sentences."""
from __future__ import annotations

import pytest

from extract.segment import front_matter_end, sentence_spans, split_articles

PAGE = """

# 徐州云龙区：构建机关“红色联盟”

今年以来，云龙区开展活动21场次。

## 先行先试

累计召开7次联盟会议。

## 顺堤河作业区高质量发展显成效

# 内河水运港口建设驶上“快车道”

设计年吞吐量达1400万吨。
"""


def test_a_page_splits_at_headings_and_merges_a_kicker_with_its_title():
    arts = split_articles(PAGE)
    assert [a.headline for a in arts] == [
        "徐州云龙区：构建机关“红色联盟”",
        "先行先试",
        "顺堤河作业区高质量发展显成效 内河水运港口建设驶上“快车道”",
    ]
    assert arts[1].parents == ("徐州云龙区：构建机关“红色联盟”",)
    body = PAGE[arts[2].body_span[0]:arts[2].body_span[1]]
    assert "1400万吨" in body and "7次" not in body


def test_a_plain_file_has_its_headline_on_the_first_line():
    raw = "海南生猪满足岛内供应 9300万元扶持生猪养殖\n目前全省生猪存栏534万头。\n"
    [art] = split_articles(raw)
    assert art.headline == "海南生猪满足岛内供应 9300万元扶持生猪养殖"
    assert raw[art.headline_span[0]:art.headline_span[1]] == art.headline
    assert raw[art.body_span[0]:].startswith("目前")


def test_a_first_line_that_ends_a_sentence_is_not_a_headline():
    [art] = split_articles("全省生猪存栏534万头。\n能繁母猪76万头。")
    assert art.headline == "" and art.headline_span is None


def test_front_matter_is_not_text():
    raw = '+++\ntitle = "港口"\ndate = 2026-03-14\n+++\n港口吞吐量1400万吨。\n'
    start = front_matter_end(raw)
    assert raw[start:].startswith("港口吞吐量")
    [art] = split_articles(raw)
    assert art.body_span[0] >= start and "title" not in art.headline


def test_sentences_end_at_stops_and_line_breaks():
    text = "今年完成587.07万吨，同比增长41.3%。服务中欧班列；发送大柜1395箱！\n标题行\n“好！”他说。"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "今年完成587.07万吨，同比增长41.3%。", "服务中欧班列；", "发送大柜1395箱！", "标题行", "“好！”", "他说。"]


def test_text_before_and_after_stop_at_clause_marks():
    from extract.segment import PHRASE_MARKS, text_after, text_before

    text = "今年以来，累计召开7次联盟会议，8家单位完成任务"
    i = text.index("7次")
    assert text_before(text, i, 24) == (5, "累计召开")
    assert text_before(text, i, 2) == (i - 2, "召开")
    assert text_after(text, i + 2, 24) == "联盟会议"
    assert text_before("投资：3亿", 3, 12, PHRASE_MARKS) == (3, "")


# text_before -> (start, text): back to the nearest mark, at most `reach` characters; the mark itself is not kept.
BEFORE_CASES = [
    ("其中港口吞吐量达", 8, 24, (0, "其中港口吞吐量达")),       # no mark: the whole reach (here the whole text)
    ("去年，港口吞吐量达", 9, 24, (3, "港口吞吐量达")),
    ("去年，港口吞吐量达", 9, 3, (6, "吐量达")),                 # the reach ends first
    ("去年，港口吞吐量达", 3, 24, (3, "")),                      # right after the mark
    ("去年，\n港口", 6, 24, (4, "港口")),                          # the nearest of two marks
    ("", 0, 24, (0, "")),
]


@pytest.mark.parametrize("text,pos,reach,expected", BEFORE_CASES, ids=[c[0] or "empty" for c in BEFORE_CASES])
def test_text_before_takes_the_nearest_mark_within_reach(text, pos, reach, expected):
    from extract.segment import text_before
    assert text_before(text, pos, reach) == expected


# a plain file's headline: the front matter's title when it has one, else the first short line unless a byline
HEADLINES = [
    ('+++\ntitle = "信丰脐橙开园上市"\n+++\n本报记者 钟小兰\n今年全县脐橙产量38万吨。\n', "信丰脐橙开园上市"),
    ("本报记者 钟小兰 通讯员 刘建\n今年全县脐橙产量38万吨。\n", ""),
    ("本报讯\n今年全县脐橙产量38万吨。\n", ""),
    ("信丰脐橙开园上市\n今年全县脐橙产量38万吨。\n", "信丰脐橙开园上市"),
    ('+++\ndate = 2025-11-06\n+++\n信丰脐橙开园上市\n今年全县脐橙产量38万吨。\n', "信丰脐橙开园上市"),
    ('+++\ntitle = [broken\n+++\n信丰脐橙开园上市\n今年全县脐橙产量38万吨。\n', "信丰脐橙开园上市"),
    ("+++\r\ntitle = '信丰“脐橙”开园'  # a literal string\r\n+++\r\n今年全县脐橙产量38万吨。\r\n", "信丰“脐橙”开园"),
    ('+++\ntitle = "信丰\\"脐橙\\"开园"\n+++\n今年全县脐橙产量38万吨。\n', '信丰"脐橙"开园'),
]


@pytest.mark.parametrize("raw, headline", HEADLINES, ids=range(len(HEADLINES)))
def test_a_plain_files_headline(raw, headline):
    [art] = split_articles(raw)
    assert art.headline == headline
    assert "38万吨" in raw[art.body_span[0]:art.body_span[1]]


def _byline_examples() -> list[str]:
    from extract.language import load
    return [ex for entry in load("layout.toml")["byline"] for ex in entry["examples"]]


@pytest.mark.parametrize("byline", _byline_examples())
def test_a_byline_from_layout_data_is_not_a_headline(byline):
    [art] = split_articles(byline + "\n今年全县脐橙产量38万吨。\n")
    assert art.headline == ""
