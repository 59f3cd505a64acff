"""Quantities: sentence -> the one fact it holds (text, value, value_high, unit, qualifier).

Cases are written from the forms of the language (FACTS.md "Numbers", "Qualifiers", "Units"), not from the
evaluation pages. Each case runs through the whole extractor and must give exactly one fact.
"""
from __future__ import annotations

from typing import NamedTuple

import pytest

from extract import extract


class Case(NamedTuple):
    sentence: str
    text: str
    value: float
    unit: str
    qualifier: str = "exact"
    high: float | None = None


ARABIC = [
    Case("全年港口吞吐量完成587.07万吨。", "587.07万吨", 5870700, "吨"),
    Case("集装箱吞吐量达到50079TEU。", "50079TEU", 50079, "TEU"),
    Case("每户补贴1,200元。", "1,200元", 1200, "元/户"),
    Case("签约金额175.65亿元。", "175.65亿元", 17565000000, "元"),
    Case("受灾面积3705.1千公顷。", "3705.1千公顷", 3705100, "公顷"),
    Case("累计接待游客１２０万人次。", "１２０万人次", 1200000, "人次"),
    Case("新建农村公路1629米。", "1629米", 1629, "米"),
    Case("绿化面积5万平方米。", "5万平方米", 50000, "平方米"),
    Case("全市GDP达到1.2万亿元。", "1.2万亿元", 1.2e12, "元"),
    # a smaller amount with its own place value after 万 or 亿 is part of the number; 个亿 is spoken for 亿
    Case("全镇共有1万5千人。", "1万5千人", 15000, "人"),
    Case("项目投资3亿2千万元。", "3亿2千万元", 320000000, "元"),
    Case("项目总投资1.5个亿。", "1.5个亿", 150000000, "元"),
]

CHINESE = [
    Case("全镇一百二十名党员参加。", "一百二十名", 120, "人"),
    Case("现场来了两千人。", "两千人", 2000, "人"),
    Case("募集善款三万余元。", "三万余元", 30000, "元", "at_least"),
    # the mark before the big place value: 一百多万, 两千多亿, 三千余万, 二十来万
    Case("全县共有一百多万人。", "一百多万人", 1000000, "人", "at_least"),
    Case("高新区企业营收两千多亿元。", "两千多亿元", 200000000000, "元", "at_least"),
    Case("村里筹集资金三千余万元。", "三千余万元", 30000000, "元", "at_least"),
    Case("一年能挣二十来万元。", "二十来万元", 200000, "元", "approx"),
    Case("每户年收入一两万元。", "一两万元", 10000, "元/户", "range", 20000),
    Case("总投资十八点五亿元。", "十八点五亿元", 1850000000, "元"),
    Case("村里新修了五条水泥路。", "五条", 5, "条"),
    Case("全县共有二十三个乡镇。", "二十三个", 23, "个"),
    Case("组织了十余场培训。", "十余场", 10, "场", "at_least"),
    Case("家里有两口井。", "两口", 2, "口"),
]

VAGUE_AND_RANGES = [
    Case("展出上百幅书画作品。", "上百幅", 100, "幅", "at_least"),
    Case("吸引了数十家企业。", "数十家", 10, "家", "at_least"),
    Case("来了几百人。", "几百人", 100, "人", "at_least"),
    Case("聘请了十几名专家。", "十几名", 10, "人", "at_least"),
    Case("数百万民工支援前线。", "数百万民工", 1000000, "人", "at_least"),
    Case("单笔补助3至5万元。", "3至5万元", 30000, "元", "range", 50000),
    Case("年上交税收6-8亿元。", "6-8亿元", 600000000, "元", "range", 800000000),
    Case("奖励标准为1000元至3万元。", "1000元至3万元", 1000, "元", "range", 30000),
    Case("每天有三五个客户上门。", "三五个", 3, "个", "range", 5),
    Case("每场有两三百人观看。", "两三百人", 200, "人", "range", 300),
    Case("设计吞吐量78万－91万标箱。", "78万－91万标箱", 780000, "TEU", "range", 910000),
    Case("每天5000至1万台次。", "5000至1万台次", 5000, "台次", "range", 10000),
]

QUALIFIERS = [
    Case("价值近3万元。", "近3万元", 30000, "元", "at_most"),
    Case("参与人数不足300人。", "不足300人", 300, "人", "at_most"),
    Case("志愿者超过1000人。", "超过1000人", 1000, "人", "at_least"),
    Case("出口额逾5亿美元。", "逾5亿美元", 500000000, "美元", "at_least"),
    Case("建筑面积约12万平方米。", "约12万平方米", 120000, "平方米", "approx"),
    Case("亩产提高到800斤左右。", "800斤左右", 800, "斤/亩", "approx"),
    Case("参与群众达5000人以上。", "5000人以上", 5000, "人", "at_least"),
    Case("到场观众有300人之多。", "300人之多", 300, "人", "at_least"),
    Case("销量突破100万台。", "突破100万台", 1000000, "台", "at_least"),
    Case("节约资金3万元。", "3万元", 30000, "元"),
    Case("通过5个项目验收。", "5个", 5, "个"),
]

PERCENTS = [
    Case("同比增长41.3%。", "41.3%", 41.3, "%"),
    Case("增幅达到３５％。", "３５％", 35, "%"),
    Case("占比为百分之三十。", "百分之三十", 30, "%"),
    Case("七成以上群众表示满意。", "七成以上", 70, "%", "at_least"),
    Case("近一半农户种植柑橘。", "近一半", 50, "%", "at_most"),
    Case("占全市总量的近四分之一。", "近四分之一", 25, "%", "at_most"),
    Case("比重提高3.5个百分点。", "3.5个百分点", 3.5, "百分点"),
    Case("投资增长2.7倍。", "2.7倍", 2.7, "倍"),
    Case("利润增长一倍多。", "一倍多", 1, "倍", "at_least"),
    Case("占比在5%-8%之间。", "5%-8%", 5, "%", "range", 8),
]

RATES_AND_NOUNS = [
    Case("香菜收购价每公斤6元。", "每公斤6元", 6, "元/公斤"),
    Case("收购价1.4元/斤。", "1.4元/斤", 1.4, "元/斤"),
    Case("农民人均可支配收入3600元。", "3600元", 3600, "元/人"),
    Case("户均增收约2万元。", "约2万元", 20000, "元/户", "approx"),
    Case("每亩补贴120元。", "120元", 120, "元/亩"),
    Case("月薪3000元/月。", "3000元/月", 3000, "元"),
    Case("惠及142万人口。", "142万人口", 1420000, "人"),
    Case("近5000万老年人受益。", "近5000万老年人", 50000000, "人", "at_most"),
    Case("救出4个被困孩子。", "4个", 4, "人"),
    Case("注册资本12.6亿。", "12.6亿", 1260000000, "元"),
    Case("共有11省市参与。", "11省市", 11, "省市"),
    Case("出口家具1,100多个集装箱。", "1,100多个", 1100, "箱", "at_least"),
    Case("岸电用电量3830万度。", "3830万度", 38300000, "度"),
]

ALL = ARABIC + CHINESE + VAGUE_AND_RANGES + QUALIFIERS + PERCENTS + RATES_AND_NOUNS


@pytest.mark.parametrize("case", ALL, ids=[c.sentence for c in ALL])
def test_sentence_gives_its_fact(case: Case):
    facts = extract(case.sentence)
    assert [f.text for f in facts] == [case.text]
    f = facts[0]
    assert case.sentence[f.start:f.end] == case.text
    assert f.value == pytest.approx(case.value)
    assert f.unit == case.unit
    assert f.qualifier == case.qualifier
    if case.high is None:
        assert f.value_high is None
    else:
        assert f.value_high == pytest.approx(case.high)


# A rate carried over: sentence -> the unit of each fact, in order (units.toml [[carried_rate]]).
CARRIED = [
    ("收购价每公斤2.9元，比市场价高出0.2元。", ["元/公斤", "元/公斤"]),
    ("人均收入8,200元，比上年增加近1000元。", ["元/人", "元/人"]),
    ("人均日装配量从40台提高到65台。", ["台/人", "台/人"]),
    # the time of the new level may stand between (现在的, 目前的)
    ("渔民人均年收入从不到1万元增加到现在的4.5万元。", ["元/人", "元/人"]),
    # a larger amount in the comparison is a total, not a difference of the rate
    ("每亩补贴200元，比去年多发放300万元。", ["元/亩", "元"]),
    # a plain amount between them breaks the chain
    ("人均收入3600元，集体收入50万元，比上年增加5万元。", ["元/人", "元", "元"]),
    # the comparison must open its clause; a new subject before it keeps the plain unit
    ("人均收入3600元，村集体收入比上年增加5万元。", ["元/人", "元"]),
    # not across a sentence
    ("每公斤200元。比去年同期高15元。", ["元/公斤", "元"]),
    # a different unit is not continued
    ("每公斤6元，比去年多收购300吨。", ["元/公斤", "吨"]),
]


@pytest.mark.parametrize("sentence,units", CARRIED, ids=[c[0] for c in CARRIED])
def test_a_comparison_or_new_level_carries_the_rate_before_it(sentence, units):
    assert [f.unit for f in extract(sentence)] == units
