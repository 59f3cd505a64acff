"""extract/places.py: sentence / headline / page -> Locality, on hand-written pages in the style of local news."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from extract.places import ArticleView, Locality, UnknownPlace, parse_place, read_homes, resolve_localities
from extract.segment import sentence_spans


def view(headline: str, body: str, mention: str = "", parents: tuple[str, ...] = ()) -> ArticleView:
    """An article with one mention: the first occurrence of `mention` in the body ("" = no mention)."""
    text = headline + "\n" + body
    sentences = tuple(sentence_spans(text))
    mentions: tuple[tuple[int, int, int], ...] = ()
    if mention:
        start = text.index(mention, len(headline) + 1)
        end = start + len(mention)
        si = max(i for i, (s, _) in enumerate(sentences) if s <= start)
        mentions = ((start, end, si),)
    return ArticleView(text, len(headline), parents, sentences, mentions)


def loc(path: str) -> Locality:
    """"江苏省/徐州市/云龙区/" -> Locality."""
    p, c, d, pl = path.split("/")
    return Locality(p, c, d, pl)


@dataclass(frozen=True)
class Case:
    id: str
    body: str
    mention: str
    expected: str                        # province/city/district/place
    headline: str = ""
    before: tuple[tuple[str, str], ...] = ()   # earlier articles on the same page: (headline, body)
    home: str = ""
    parents: tuple[str, ...] = field(default=())


SENTENCE = [
    Case("chain-in-sentence", "近日，在徐州市鼓楼区丰财街道，35名区人大代表走访困难家庭。", "35名", "江苏省/徐州市/鼓楼区/丰财街道"),
    Case("short-city-and-county", "徐州云龙区新建道路8条。", "8条", "江苏省/徐州市/云龙区/"),
    Case("town-implies-parents", "白甸镇发包河道178条。", "178条", "江苏省/南通市/海安市/白甸镇"),
    Case("village-after-town", "海安市李堡镇光明村每公斤6元收购。", "6元", "江苏省/南通市/海安市/李堡镇光明村"),
    Case("clause-nearest", "北京生猪收购价每公斤21元，广东生猪收购价每公斤20.2元。", "20.2元", "广东省///"),
    Case("clause-first", "北京生猪收购价每公斤21元，广东生猪收购价每公斤20.2元。", "21元", "北京市/北京市//"),
    Case("deeper-place-later-in-clause", "黄石市重大项目年产2000万吨生产线开工仪式在阳新县富池镇举行。", "2000万吨",
         "湖北省/黄石市/阳新县/富池镇"),
    Case("destination-is-not-the-place", "监利县每年有10亿余斤粮食流通到广州等南方地区。", "10亿余斤", "湖北省/荆州市/监利县/"),
    Case("list-gives-what-they-share", "从平凉、白银、定西和兰州共征集到19所学校。", "19所", "甘肃省///"),
    Case("list-of-provinces-gives-nothing", "湖北、湖南、江西、江苏、安徽5省受灾。", "5省", "///"),
    Case("route-is-not-a-place", "滨州市规划建设济南—滨州—东营高速公路等五条高等级公路。", "五条", "山东省/滨州市//"),
    Case("municipality", "北京市丰台区共有农民工150多名。", "150多名", "北京市/北京市/丰台区/"),
    Case("autonomous-prefecture-short", "临夏州康乐县共有学校15所。", "15所", "甘肃省/临夏回族自治州/康乐县/"),
    Case("county-under-province", "仙桃市新建学校15所。", "15所", "湖北省/仙桃市/仙桃市/"),
    Case("league", "兴安盟开工项目45个。", "45个", "内蒙古自治区/兴安盟//"),
    Case("zone-alias", "淮安经开区新增企业85家。", "85家", "江苏省/淮安市/淮安经济技术开发区/"),
    Case("zone-from-zones-toml", "徐州淮海国际港务区完成投资12亿元。", "12亿元", "江苏省/徐州市/徐州淮海国际港务区/"),
    Case("suffix-parent-after-earlier-places", "徐州、郑州的货物经连云港港区转运6850标箱。", "6850标箱",
         "江苏省/连云港市//连云港港区"),
    Case("landmark", "三峡水库累计向下游放水约190亿立方米。", "190亿立方米", "湖北省/宜昌市//三峡水利枢纽"),
    Case("short-form-names-the-city-not-its-namesake-county", "农博会在长沙开幕，1800余家企业参展。", "1800余家",
         "湖南省/长沙市//"),
    Case("scope-word-takes-the-county-named-before", "寻甸县今年发放补助资金3260万元。全县新建农田8.6万亩。",
         "8.6万亩", "云南省/昆明市/寻甸回族彝族自治县/"),
    Case("destination-list", "全县每天发往北京、天津的冷链车两百多辆。", "两百多辆", "///"),
    Case("three-sibling-cities-in-the-lead-give-their-province",
         "全省港口完成货物吞吐量：青岛港4.8亿吨、日照港4.1亿吨和烟台港3.2亿吨。\n钢铁行业增长5.2%。", "5.2%", "山东省///"),
    Case("suffix-place-gets-zone-parent", "徐州淮海国际港务区顺堤河作业区设计年吞吐量达1400万吨。", "1400万吨",
         "江苏省/徐州市/徐州淮海国际港务区/顺堤河作业区"),
    Case("old-name-written-as-found", "监利县投入抗旱资金3200万元。", "3200万元", "湖北省/荆州市/监利县/"),
    Case("old-name-haian", "海安县新建道路8条。", "8条", "江苏省/南通市/海安县/"),
    Case("old-name-haimen", "海门市新建道路8条。", "8条", "江苏省/南通市/海门市/"),
    Case("short-form-gets-current-name", "南通海安新建道路8条。", "8条", "江苏省/南通市/海安市/"),
    Case("province-scope", "湖南省长沙市新建道路12条。全省新建干线公路7条。", "7条", "湖南省///"),
    Case("share-of-whole-is-no-scope", "阳新县列入省级重点项目11个，项目个数占全市的45.8%。", "45.8%", "湖北省/黄石市/阳新县/"),
    Case("clause-only-qizhong", "阳新县列入省级重点项目11个，其中新港园区5个。", "11个", "湖北省/黄石市/阳新县/"),
    Case("qizhong-in-its-clause", "阳新县列入省级重点项目11个，其中新港园区5个。", "5个", "湖北省/黄石市/阳新县/新港园区"),
    Case("previous-sentence-together", "阳新会场由县长主持，黄石市领导出席。据介绍，此次集中开工项目有23个。", "23个",
         "湖北省/黄石市/阳新县/"),
    Case("previous-sentence-same-paragraph-only", "南京市新建学校3所。\n据介绍，此次集中开工项目有23个。", "23个",
         "江苏省/徐州市//", headline="徐州市重大项目集中开工"),
]

GUARDS = [
    Case("person-name-with-city", "市人大常委会主任、党组书记王安顺讲话，120余名代表参加。", "120余名", "///"),
    Case("company-with-province", "其中，台湾精密制造产业园签约项目8亿元。", "8亿元", "///台湾精密制造产业园"),
    Case("school-on-road", "天津路小学新建教室8间。", "8间", "///"),
    Case("estate", "走进威海小区，新建车位300个。", "300个", "///"),
    Case("common-word-chengqu", "老城区改造完成投资2亿元。", "2亿元", "///"),
    Case("weak-full-name-with-its-city", "洛阳市老城区改造完成投资2亿元。", "2亿元", "河南省/洛阳市/老城区/"),
    Case("common-word-hezuo", "在开放合作中新签约项目8个。", "8个", "///"),
    Case("speaker-origin", "河北保定的尹艳芳说，当时，她和4个孩子被困在车里。", "4个", "///"),
    Case("from", "参与救援的工人多来自四川、江苏和山东，共有300多名。", "300多名", "///"),
    Case("donor", "由鄂尔多斯市对口援建的20多个项目集中开工。", "20多个", "///"),
    Case("metropolitan-circle", "阳新主动融入武汉城市圈，列入重点项目11个。", "11个", "///"),
    Case("chaoyang-alone", "朝阳产业新增企业8家。", "8家", "///"),
    Case("short-county-needs-its-city", "在云龙新建道路8条。", "8条", "///"),
    Case("short-county-starts-a-word", "黄石市共签约33个项目，其中阳新签约18个项目。", "18个", "湖北省/黄石市/阳新县/"),
    Case("short-county-inside-a-word", "黄石市推介会现场热火朝天，共签约18个项目。", "18个", "湖北省/黄石市//"),
]

AMBIGUOUS = [
    Case("tongzhou-by-nantong", "通州区新建道路8条。", "8条", "江苏省/南通市/通州区/",
         before=(("南通海安", "海安市白甸镇发包河道178条。"),)),
    Case("tongzhou-by-beijing", "通州区新建道路8条。", "8条", "北京市/北京市/通州区/",
         before=(("北京", "北京市朝阳区新建道路8条。"),)),
    Case("tongzhou-undecided", "通州区新建道路8条。", "8条", "///"),
    Case("gulou-by-fuzhou-home", "鼓楼区新建道路8条。", "8条", "福建省/福州市/鼓楼区/", home="福建省福州市"),
    Case("gulou-by-city-in-sentence", "徐州市鼓楼区新建道路8条。", "8条", "江苏省/徐州市/鼓楼区/"),
    Case("gulou-undecided", "鼓楼区新建道路8条。", "8条", "///"),
    Case("chaoyang-district-by-beijing", "北京市朝阳区新建道路8条。", "8条", "北京市/北京市/朝阳区/"),
    Case("town-by-county-context", "凤凰镇郭岗小学有学生136名。", "136名", "湖北省/武汉市/新洲区/凤凰镇",
         headline="武汉新洲区"),
    Case("short-tongzhou-by-towns-on-page", "通州新建道路8条。", "8条", "江苏省/南通市/通州区/",
         before=(("川姜镇：开展整治", "川姜镇共查处案件11起。"),)),
    # 长沙 is 长沙市 and the short form of 长沙县 inside it: the city, also after its province, unless the city is
    # named right before (then the short form is the county)
    Case("short-city-after-its-province", "湖南长沙新建学校12所。", "12所", "湖南省/长沙市//"),
    Case("short-city-in-a-headline", "全市新增就业岗位1200个。", "1200个", "四川省/广安市//", headline="四川广安：就业稳"),
    Case("county-after-its-city", "长沙市长沙县新建学校12所。", "12所", "湖南省/长沙市/长沙县/"),
]

FALLBACKS = [
    Case("headline-place", "全镇共有河道178条。", "178条", "江苏省/南通市/海安市/白甸镇", headline="白甸镇： 178条河道 发包养鱼虾"),
    Case("lead-place", "近日，徐州市铜山区柳泉镇召开安全生产述职会。参会的4家企业负责人作述职报告。", "4家",
         "江苏省/徐州市/铜山区/柳泉镇", headline="企业说安全"),
    Case("parent-heading", "区总工会累计排查2万余名。", "2万余名", "江苏省/徐州市/云龙区/",
         headline="融合发展", parents=("徐州云龙区： 构建机关红色联盟",)),
    Case("configured-home", "共签约项目8个。", "8个", "江苏省/徐州市//", home="江苏省徐州市"),
    Case("home-by-short-name", "共签约项目8个。", "8个", "江苏省/徐州市//", home="徐州市"),
    Case("inferred-home", "共签约项目8个。", "8个", "江苏省/徐州市//",
         before=(("徐州新闻", "徐州市新建道路8条。徐州市铜山区新建学校3所。"),)),
    Case("zone-word-on-zone-page", "开发区新增企业4680家。", "4680家", "江苏省/徐州市/徐州经济技术开发区/",
         before=(("新徐州", "徐州综合保税区新增企业8家。"),)),
    Case("port-zone-word", "港务区完成投资12亿元。", "12亿元", "江苏省/徐州市/徐州淮海国际港务区/",
         headline="徐州港口建设"),
    Case("nothing-known", "共签约项目8个。", "8个", "///"),
    # a scope deeper than the article's place: the county is not said, the city is
    Case("scope-deeper-than-the-article", "截至10月底，全县共发放创业担保贷款2.3亿元。", "2.3亿元", "浙江省/宁波市//",
         headline="浙江宁波：就业稳中有进"),
    Case("scope-deeper-than-the-home", "全区固定资产投资同比增长12.5%。", "12.5%", "江苏省/徐州市//", home="江苏省徐州市"),
]


# An institution named right after a place is in that place; named again by its full name, it says where.
INSTITUTIONS = [
    Case("school-named-again", "活动在新洲区凤凰镇郭岗小学举行。新洲区是革命老区。郭岗小学现有学生136名。", "136名",
         "湖北省/武汉市/新洲区/凤凰镇"),
    Case("company-after-de", "位于监利县新沟镇的福娃集团是该县最大的企业。监利县是产粮大县。福娃集团每月多支付近300万元。",
         "近300万元", "湖北省/荆州市/监利县/新沟镇"),
    Case("hospital-of-a-city", "徐州市中心医院新建病房楼。南京市新建学校12所。中心医院今年接诊患者120万人次。", "120万人次",
         "江苏省/徐州市//"),
    # no name of its own: a measure word or a demonstrative before the ending
    Case("a-company-is-no-name", "襄州区的一家公司收购白菜。武汉市是省会。一家公司收购了3万多公斤白菜。", "3万多公斤",
         "湖北省/武汉市//"),
    Case("this-school-is-no-name", "凤凰镇的这所小学建于1958年。新洲区是革命老区。这所小学现有学生136名。", "136名",
         "湖北省/武汉市/新洲区/"),
    # a place named again before it decides, not the first one
    Case("a-place-before-it-decides", "凤凰镇郭岗小学举办活动。双柳街道郭岗小学分校新建教室12间。", "12间",
         "湖北省/武汉市/新洲区/双柳街道"),
    # its own name alone is not it (an everyday word: 茶叶 of 茶叶合作社)
    Case("own-name-alone-is-not-it", "龙华镇的茶叶合作社收购鲜叶。屏山县今年茶叶收入8,200元。", "8,200元",
         "四川省/宜宾市/屏山县/"),
]


@pytest.mark.parametrize("case", SENTENCE + GUARDS + AMBIGUOUS + FALLBACKS + INSTITUTIONS, ids=lambda c: c.id)
def test_resolve(case: Case):
    page = [view(h, b) for h, b in case.before]
    page.append(view(case.headline, case.body, case.mention, case.parents))
    got = resolve_localities(page, home=case.home)
    assert got[-1] == [loc(case.expected)]
    assert all(x == [] for x in got[:-1])


def test_one_locality_per_mention_in_order():
    text = "标题\n徐州市新建道路8条。南京市新建学校3所。"
    sentences = tuple(sentence_spans(text))
    m1 = text.index("8条")
    m2 = text.index("3所")
    a = ArticleView(text, 2, (), sentences, ((m1, m1 + 2, 1), (m2, m2 + 2, 2)))
    assert resolve_localities([a]) == [[loc("江苏省/徐州市//"), loc("江苏省/南京市//")]]


def test_no_articles():
    assert resolve_localities([]) == []


@dataclass(frozen=True)
class ParseCase:
    id: str
    name: str
    expected: str


PARSE = [
    ParseCase("province-city", "江苏省徐州市", "江苏省/徐州市//"),
    ParseCase("city-alone", "徐州市", "江苏省/徐州市//"),
    ParseCase("county", "海安市", "江苏省/南通市/海安市/"),
    ParseCase("municipality", "北京市", "北京市/北京市//"),
    ParseCase("municipality-district", "北京市丰台区", "北京市/北京市/丰台区/"),
    ParseCase("ambiguous-made-clear", "江苏省南通市通州区", "江苏省/南通市/通州区/"),
    ParseCase("zone", "江苏省徐州市徐州经济技术开发区", "江苏省/徐州市/徐州经济技术开发区/"),
    ParseCase("county-under-province", "湖北省仙桃市", "湖北省/仙桃市/仙桃市/"),
]


@pytest.mark.parametrize("case", PARSE, ids=lambda c: c.id)
def test_parse_place(case: ParseCase):
    assert parse_place(case.name) == loc(case.expected)


@pytest.mark.parametrize("name", ["", "通州区", "鼓楼区", "火星市", "江苏省海淀区"], ids=repr)
def test_parse_place_rejects(name: str):
    with pytest.raises(UnknownPlace):
        parse_place(name)
    assert issubclass(UnknownPlace, ValueError)


def test_read_homes(tmp_path):
    p = tmp_path / "homes.toml"
    p.write_text('[homes]\n"徐州日报" = "江苏省徐州市"\n"通州日报" = "江苏省南通市通州区"\n', encoding="utf-8")
    assert read_homes(p) == {"徐州日报": "江苏省徐州市", "通州日报": "江苏省南通市通州区"}
    p.write_text('[homes]\n"x" = "通州区"\n', encoding="utf-8")
    with pytest.raises(UnknownPlace):
        read_homes(p)


# A text without clause marks (a table flattened into one line) names many places before each number: the
# nearest still decides, however many came before it.
FLATTENED = [
    ("徐州市鼓楼区投资5亿元" * 40 + "徐州市云龙区投资18亿元", "云龙区"),
    ("徐州市云龙区投资5亿元" * 40 + "徐州市鼓楼区投资18亿元", "鼓楼区"),
]


@pytest.mark.parametrize("text,district", FLATTENED, ids=["云龙区 last", "鼓楼区 last"])
def test_the_nearest_place_decides_in_a_long_run_of_places(text, district):
    from extract import extract
    last = extract(text)[-1]
    assert last.text == "18亿元"
    assert (last.city, last.district) == ("徐州市", district)


def views_of(headline: str, body: str, mentions: list[str]) -> ArticleView:
    """An article with several mentions, each the first occurrence of its text after the one before."""
    text = headline + "\n" + body
    sentences = tuple(sentence_spans(text))
    out, pos = [], len(headline) + 1
    for m in mentions:
        start = text.index(m, pos)
        pos = start + len(m)
        out.append((start, pos, max(i for i, (s, _) in enumerate(sentences) if s <= start)))
    return ArticleView(text, len(headline), (), sentences, tuple(out))


# 分别: the quantities after it in a clause go with the places of the list before it, one for one; otherwise the
# clause's one answer (what the places share)
RESPECTIVELY = [
    ("沈丘县、项城市分别收购15.2万吨和13.8万吨。", ["15.2万吨", "13.8万吨"], ["沈丘县", "项城市"]),
    ("郸城、沈丘、项城三地分别增长5%、6%和7%。", ["5%", "6%", "7%"], ["郸城县", "沈丘县", "项城市"]),
    # as many quantities as places is required: else the list's common place
    ("沈丘县、项城市分别收购15.2万吨。", ["15.2万吨"], [""]),
    # no 分别: the list's common place
    ("沈丘县、项城市共收购15.2万吨和13.8万吨。", ["15.2万吨", "13.8万吨"], ["", ""]),
]


@pytest.mark.parametrize("body, mentions, districts", RESPECTIVELY, ids=[b[:12] for b, _, _ in RESPECTIVELY])
def test_respectively_pairs_quantities_with_the_listed_places(body, mentions, districts):
    got = resolve_localities([views_of("周口秋粮收购", body, mentions)])[0]
    assert [x.district for x in got] == districts
    assert all(x.city == "周口市" for x in got)
