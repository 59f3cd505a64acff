"""Metrics: sentence -> the metric of its one fact (FACTS.md "Metrics")."""
from __future__ import annotations

from typing import NamedTuple

import pytest

from extract import extract


class Case(NamedTuple):
    sentence: str
    metric: str


CASES = [
    Case("设计年吞吐量达1400万吨。", "throughput"),
    Case("年产绿色环保建材2000万吨。", "output"),
    Case("水运集装箱完成50079TEU。", "throughput"),
    Case("服务中欧班列发送大柜1395箱。", "throughput"),
    Case("120余名党员提交回执。", "participants"),
    Case("累计培训236人次。", "participants"),
    Case("慰问70户困难群众。", "participants"),
    Case("总投资12亿元。", "funds"),
    Case("香菜收购价每公斤6元。", "funds"),
    Case("鱼苗500多万尾。", "output"),
    Case("全省生猪存栏534万头。", "output"),
    Case("1至6月生猪出岛85万头。", "throughput"),
    Case("15家机关党组织签订协议。", "count"),
    Case("完成改造运输船舶2645艘。", "count"),
    Case("船舶靠港使用岸电39万艘次。", "throughput"),
    Case("全长11.6公里。", "length"),
    Case("池塘养殖面积1340亩。", "area"),
    Case("同比增长41.3%。", "percent"),
    Case("降幅收窄0.5个百分点。", "percent"),
    Case("邮政业投资增长6.1倍。", "percent"),
    Case("岸电用电量3830万度。", "output"),
    Case("接待群众114批次。", "participants"),
    Case("受理举报23批次。", "count"),
    Case("每天走车20多车。", "throughput"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.sentence for c in CASES])
def test_metric(case: Case):
    [fact] = extract(case.sentence)
    assert fact.metric == case.metric
