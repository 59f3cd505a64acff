"""Saying no (FACTS.md "What is not a fact"): sentence -> the facts that remain (usually none).

A negative corpus in the manner of Duckling: each sentence holds something that looks like a number and is not a
fact; where the sentence also holds a real fact, it is listed and must be the only one.
"""
from __future__ import annotations

from typing import NamedTuple

import pytest

from extract import extract


class Case(NamedTuple):
    sentence: str
    remaining: tuple[str, ...] = ()


DATES_AND_DURATIONS = [
    Case("9月17日，全区召开推进会。"),
    Case("2022年以来，该镇持续推进整治。"),
    Case("75年前，这里发生了著名战役。"),
    Case("活动为期一周。"),
    Case("他连续10年坚持义务巡河。"),
    Case("干旱已持续了两个多月。"),
    Case("企业开办在半个工作日内办结。"),
    Case("78岁的老党员王大爷。"),
    Case("他有50多年党龄。"),
    Case("车程将由1个半小时缩短。"),
]

ORDINALS_AND_LABELS = [
    Case("第一责任人要切实负起责任。"),
    Case("顺堤河二期工程加快推进。"),
    Case("一期码头已经建成。"),
    Case("1#厂房已封顶。"),
    Case("这是今年全省第一批试点。"),
    Case("学习党的二十大精神。"),
    Case("“七一”“八一”期间开展慰问。"),
    Case("推进开发区二次创业。"),
    Case("投资增速后三名：西吉县下降13%。", ("13%",)),
    Case("基金会第301个营养厨房落成。"),
]

SLOGANS_AND_NAMES = [
    Case("开展“三少一快”志愿服务竞赛。"),
    Case("搭建了“1+3+15”执行体系。"),
    Case("深化“五聚焦五落实”工作。"),
    Case("“两代表一委员”进行现场评分。"),
    Case("坚持“1234”发展思路。"),
    Case("按照“9个城市是1个城市”的要求推进。"),
    Case("南起欣欣路、北止南三环路。"),
    Case("三门县青蟹产业快速发展。"),
    Case("考察了2×34万千瓦热电项目。"),
]

CLASSES_AND_SPECS = [
    Case("建成2个2000吨级集装箱泊位。", ("2个",)),
    Case("列车每小时运行350公里。"),
    Case("项目位于市区西南10公里处。"),
    Case("浦北县距离钦州市区约70公里。"),
    Case("京港澳高速17.5公里处发生积水。"),
]

ARTICLES_AND_IDIOMS = [
    Case("明确由一名班子成员包挂一个联盟。"),
    Case("开展一场廉政书法活动。"),
    Case("推进一批重大项目建设。"),
    Case("他细细品尝了一口。"),
    Case("千方百计稳就业。"),
    Case("坚决破除“两张皮”问题。"),
    Case("奋战在抗疫一线。"),
    Case("探索党建一体化新模式。"),
    Case("要以百倍的警惕对待风险。"),
    Case("吃了几次闭门羹。"),
    Case("西方几个国家先后解体。"),
    Case("全镇含教学点一处。", ("一处",)),
]

THRESHOLDS_AND_SCOPE = [
    Case("对300万元以上的项目实行挂牌督办。"),
    Case("超过8万元的村占41.5%。", ("41.5%",)),
    Case("新开工10亿元及以上基础设施项目12个。", ("12个",)),
    Case("日交通流量1万到2万台次的国省道15条。", ("15条",)),
    Case("顺堤河作业区是国家28个主要内河港口之一。"),
    Case("提出三点意见。"),
    Case("会上提出了四条应对措施。"),
    Case("围绕8个方面作述职报告。"),
    Case("以每头每年产仔20头、成活率96%计算，全年生产仔猪将达1460万头。", ("1460万头",)),
    Case("转发《黄集：千亩包菜急待出售》一文。"),
]

ALL = DATES_AND_DURATIONS + ORDINALS_AND_LABELS + SLOGANS_AND_NAMES + CLASSES_AND_SPECS + ARTICLES_AND_IDIOMS \
    + THRESHOLDS_AND_SCOPE


@pytest.mark.parametrize("case", ALL, ids=[c.sentence for c in ALL])
def test_only_the_real_facts_remain(case: Case):
    assert tuple(f.text for f in extract(case.sentence)) == case.remaining


def test_seed_excluded_strings_give_no_fact():
    """Every string of the seed EXCLUDED.md: no fact may lie inside one of its occurrences, other than gold facts."""
    import json

    from conftest import shared_path

    from extract.evaluate import evaluate

    seed = shared_path("eval", "seed")
    score = evaluate(seed / "gold.jsonl", seed / "articles")
    assert score.excluded_hits == []
    assert json.dumps(score.as_dict())  # the score serialises for CI logs


# What an article holds decides which rules are tried at all; the answer for each quantity is the same as when every
# rule is tried (exclusion_reason without tests works them out for its one text).
ARTICLE_TEST_CASES = [
    # text -> (clause_after rules that stay, windowed rules that stay besides the ones without hints, titles)
    ("全市共有企业300家。", ((), (), False)),
    ("该港是全国十大港口之一，年吞吐量3亿吨。", (("national-ranking",), (), False)),
    ("按每人每天2公斤计算，共需粮食40万公斤。", ((), ("assumption",), False)),
    ("《黄集：千亩包菜急待出售》一文刊发后，收购了3万公斤。", ((), (), True)),
]


@pytest.mark.parametrize("text,expected", ARTICLE_TEST_CASES, ids=[t for t, _ in ARTICLE_TEST_CASES])
def test_article_tests_keep_only_the_rules_the_text_can_meet(text: str, expected):
    from extract.exclusions import article_tests, exclusion_reason
    from extract.quantities import find_quantities

    clause_after, windowed, titles = expected
    tests = article_tests(text)
    assert tuple(rule.id for rule, _ in tests.clause_after) == clause_after
    assert tuple(r[0] for r in tests.windowed if r[2]) == windowed   # (r[2]: the rule's hint characters)
    assert tests.titles is titles
    for q in find_quantities(text):
        assert exclusion_reason(q, text, tests) == exclusion_reason(q, text)
