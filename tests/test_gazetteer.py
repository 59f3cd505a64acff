"""extract/gazetteer.py: the division data, names and their readings, chains of parents."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from extract import gazetteer as gz


@dataclass(frozen=True)
class LookupCase:
    id: str
    surface: str
    readings: tuple[tuple[str, str], ...]   # (level, name written) of every reading, in any order
    weak: bool = False                      # all readings are weak (count only with their city in context)


LOOKUP = [
    LookupCase("province-full", "江苏省", (("province", "江苏省"),)),
    LookupCase("province-short", "江苏", (("province", "江苏省"),)),
    LookupCase("region-short", "宁夏", (("province", "宁夏回族自治区"),)),
    LookupCase("municipality-is-city", "北京市", (("city", "北京市"),)),
    LookupCase("city-short", "徐州", (("city", "徐州市"),)),
    LookupCase("prefecture-alias", "临夏州", (("city", "临夏回族自治州"),)),
    LookupCase("league", "兴安盟", (("city", "兴安盟"),)),
    LookupCase("autonomous-county-alias", "长阳县", (("county", "长阳土家族自治县"),)),
    LookupCase("county-short-is-weak", "云龙", (("county", "云龙区"), ("county", "云龙县")), weak=True),
    LookupCase("ambiguous-tongzhou", "通州区", (("county", "通州区"), ("county", "通州区"))),
    LookupCase("ambiguous-gulou", "鼓楼区", (("county", "鼓楼区"),) * 4),
    LookupCase("former-county", "海安县", (("county", "海安县"),)),
    LookupCase("former-county-city", "海门市", (("county", "海门市"),)),
    LookupCase("former-jianli", "监利县", (("county", "监利县"),)),
    LookupCase("former-prefecture", "襄樊市", (("city", "襄樊市"),)),
    LookupCase("current-haimen", "海门区", (("county", "海门区"),)),
    LookupCase("zone-full", "淮安经济技术开发区", (("zone", "淮安经济技术开发区"),)),
    LookupCase("zone-alias", "淮安经开区", (("zone", "淮安经济技术开发区"),)),
    LookupCase("zone-from-zones-toml", "淮海国际港务区", (("zone", "徐州淮海国际港务区"),)),
    LookupCase("town", "白甸镇", (("town", "白甸镇"),)),
    LookupCase("landmark", "三峡水库", (("place", "三峡水利枢纽"),)),
    LookupCase("common-word-never", "城区", ()),
    LookupCase("chaoyang-alone-never", "朝阳", ()),
    LookupCase("chaoyang-district", "朝阳区", (("county", "朝阳区"), ("county", "朝阳区"))),
    LookupCase("weak-full-name", "老城区", (("county", "老城区"),), weak=True),
    LookupCase("not-a-place", "开放合作", ()),
]


@pytest.mark.parametrize("case", LOOKUP, ids=lambda c: c.id)
def test_lookup(case: LookupCase):
    got = gz.lookup(case.surface)
    assert sorted((t.level, t.name) for t in got) == sorted(case.readings)
    if got:
        assert all(t.weak for t in got) == case.weak


@dataclass(frozen=True)
class ChainCase:
    id: str
    path: str                 # what code_of reads
    code: str
    chain: tuple[str, str, str]


CHAINS = [
    ChainCase("city", "江苏省徐州市", "320300", ("江苏省", "徐州市", "")),
    ChainCase("county-implies-parents", "海安市", "320685", ("江苏省", "南通市", "海安市")),
    ChainCase("haimen-is-a-district-now", "海门区", "320684", ("江苏省", "南通市", "海门区")),
    ChainCase("jianli-city-now", "监利市", "421023", ("湖北省", "荆州市", "监利市")),
    ChainCase("municipality", "北京市丰台区", "110106", ("北京市", "北京市", "丰台区")),
    ChainCase("tongzhou-nantong", "南通市通州区", "320612", ("江苏省", "南通市", "通州区")),
    ChainCase("tongzhou-beijing", "北京市通州区", "110112", ("北京市", "北京市", "通州区")),
    ChainCase("county-under-province", "仙桃市", "429004", ("湖北省", "仙桃市", "仙桃市")),
    ChainCase("zone", "徐州经济技术开发区", "320371", ("江苏省", "徐州市", "徐州经济技术开发区")),
    ChainCase("autonomous", "甘肃省临夏回族自治州康乐县", "622922", ("甘肃省", "临夏回族自治州", "康乐县")),
]


@pytest.mark.parametrize("case", CHAINS, ids=lambda c: c.id)
def test_code_and_chain(case: ChainCase):
    code = gz.code_of(case.path)
    assert code == case.code
    c = gz.chain(code)
    assert (c.province, c.city, c.district) == case.chain
    assert c.codes[-1] == code


@pytest.mark.parametrize("path", ["通州区", "鼓楼区", "火星市", "江苏省丰台区", ""], ids=repr)
def test_code_of_unknown_or_ambiguous(path: str):
    with pytest.raises(gz.UnknownPlace):
        gz.code_of(path)


def test_counts_of_the_data():
    table = gz.divisions()
    levels = [d.level for d in table.values()]
    assert levels.count("province") == 34
    assert 330 <= levels.count("city") <= 345
    assert 2800 <= levels.count("county") <= 2900
    assert len(gz.towns()) > 25000
    # every parent exists and every chain ends at a province
    for d in table.values():
        assert d.parent == "" or d.parent in table
        assert table[gz.chain(d.code).codes[0]].level == "province"


def test_find_division():
    assert sorted(d.code for d in gz.find_division("通州区")) == ["110112", "320612"]
    assert gz.is_ancestor("320600", "320685") and not gz.is_ancestor("320300", "320685")
