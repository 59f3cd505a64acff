"""Saying no: which quantities are not facts (FACTS.md "What is not a fact").

The word lists and patterns are in data/exclusions.toml; this module applies them, plus three rules that are about
grammar rather than words:
- an article-like Chinese `一` (一名代表, 一个联盟) is not a count, unless it is postposed (含教学点一处，);
- a threshold that defines a group (300万元以上的项目, 超过8万元的村, 1万到2万台次的国省道) is not a quantity;
- a number inside a title in book-title marks (《黄集：千亩包菜急待出售》) is a title's, not the article's.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import re

import regex

from extract.language import alternation, load
from extract.quantities import Quantity
from extract.segment import holds_char, text_after, text_before

_TITLE = re.compile(r"《[^《》\n]{0,60}》")


@cache
def _grammar() -> tuple[dict, dict]:
    g = load("exclusions.toml")["grammar"]
    article, threshold = dict(g["article_one"]), dict(g["threshold"])
    article["kinds"] = frozenset(article["kinds"])
    threshold["words_before"] = frozenset(threshold["words_before"])
    threshold["words_after"] = frozenset(threshold["words_after"])
    threshold["group_nouns"] = tuple(threshold.get("group_nouns", ()))
    threshold["attribute_kinds"] = frozenset(threshold.get("attribute_kinds", ()))
    return article, threshold


_HAN = regex.compile(r"\p{Han}")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    reason: str
    words: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    not_after: str = ""
    pattern: regex.Pattern | None = None
    modifiers: int = 0
    compounds: tuple[tuple[str, str], ...] = ()
    at_number: bool = False  # a `before` rule looked for right before the number, not before its qualifier
    hint: tuple[str, ...] = ()  # characters one of which any match of `pattern` holds (a cheap test first)


@cache
def rules() -> tuple[Rule, ...]:
    out = []
    for entry in load("exclusions.toml")["rule"]:
        pattern = regex.compile(entry["pattern"], regex.VERBOSE) if "pattern" in entry else None
        out.append(Rule(entry["id"], entry["kind"], entry["reason"], tuple(entry.get("words", ())),
                        tuple(entry.get("units", ())), "".join(entry.get("not_after", ())), pattern,
                        entry.get("modifiers", 0), tuple(entry.get("compounds", {}).items()),
                        entry.get("at") == "number", tuple(entry.get("hint", ()))))
    return tuple(out)


# The slogan pattern (三个代表, 四好农村路) is looked for around a mention, not only at its start: a slogan's
# numeral may come after the mention's own.
_SLOGAN = "numbered-slogan"


@dataclass(frozen=True, slots=True)
class _Compiled:
    """The rules of exclusions.toml by kind, with their patterns compiled once."""

    before: list            # [(rule, pattern of its words at the end of the text before the mention)]
    any_before: re.Pattern    # every `before` word at once: most mentions have none, so test this first
    before_ends: frozenset    # the last characters of the `before` words: a text ending in none of them has none
    after: list             # [(rule, pattern matched right after the mention or its unit)]
    any_after: re.Pattern     # a pre-test that every `after` match passes (it may pass more)
    after_firsts: frozenset   # the first characters of the `after` words: one of them is in the 3 characters at
                              # the start of every any_after match
    clause_after: list      # [(rule, words)] looked for later in the mention's clause
    clause_before_by_unit: dict  # unit -> [(rule, words)] looked for earlier in the clause of a mention in that
    clause_before_any: list      # unit (rules for any unit included); and the rules for any unit
    inside: re.Pattern | None    # fixed expressions
    compounds: dict         # measure word -> characters that make it the start of a longer word
    bare: list              # rules on bare place values (百倍, 千亩)
    # The same rules sorted once for the per-quantity tests, so that each test loops only over what applies:
    unit_rules: dict        # unit -> id of the first `unit` rule that names it
    at_number: list         # [(id, pattern)] `pattern` rules matched at a Chinese number's start
    windowed: list          # [(id, pattern, hint characters or "", Chinese numbers only)] span rules


@cache
def _compiled() -> _Compiled:
    by_kind: dict[str, list[Rule]] = {}
    for r in rules():
        by_kind.setdefault(r.kind, []).append(r)
    after = [(r, regex.compile(rf"\p{{Han}}{{0,{r.modifiers}}}?" + alternation(r.words) if r.modifiers
                               else alternation(r.words))) for r in by_kind.get("after", [])]
    inside_words = [w for r in by_kind.get("inside", []) for w in r.words]
    return _Compiled(
        # word lists as `re` patterns: `re` answers these short searches twice as fast as `regex`
        before=[(r, re.compile(alternation(r.words) + r"\Z")) for r in by_kind.get("before", [])],
        any_before=re.compile(alternation([w for r in by_kind.get("before", []) for w in r.words]) + r"\Z"),
        before_ends=frozenset(w[-1] for r in by_kind.get("before", []) for w in r.words if w),
        after=after + [(r, r.pattern) for r in by_kind.get("after_pattern", [])],
        # `re` has no \p{Han}: any two characters but a line break are a superset of two Han ones, and `re`
        # answers this test, asked of every quantity, about twice as fast as `regex`
        any_after=re.compile(r".{0,2}?" + alternation([w for r in by_kind.get("after", []) for w in r.words])),
        after_firsts=frozenset(w[0] for r in by_kind.get("after", []) for w in r.words if w),
        clause_after=[(r, r.words) for r in by_kind.get("clause_after", [])],
        clause_before_by_unit={u: [(r, r.words) for r in by_kind.get("clause_before", []) if not r.units or u in r.units]
                               for r0 in by_kind.get("clause_before", []) for u in r0.units},
        clause_before_any=[(r, r.words) for r in by_kind.get("clause_before", []) if not r.units],
        inside=re.compile(alternation(inside_words)) if inside_words else None,
        compounds={unit: chars for r in by_kind.get("compound", []) for unit, chars in r.compounds},
        bare=by_kind.get("bare", []),
        unit_rules={u: r.id for r in reversed(by_kind.get("unit", [])) for u in r.units},
        at_number=[(r.id, r.pattern) for r in by_kind.get("pattern", []) if r.id != _SLOGAN],
        windowed=[(r.id, r.pattern, "".join(r.hint), r.id == _SLOGAN)
                  for r in by_kind.get("pattern", []) + by_kind.get("frame", []) + by_kind.get("span", [])
                  if r.id == _SLOGAN or r.kind != "pattern"],
    )


# How far after a quantity its clause is looked at (a clause runs to the next ，。；, far shorter in news prose).
_CLAUSE_REACH = 200
# How far around a quantity the span rules (fixed expressions, slogans, titles, calculation frames) can reach.
_SPAN_REACH = 48


@dataclass(frozen=True, slots=True)
class ArticleTests:
    """The rules that can apply in one article's text at all, worked out once for all of its quantities: a rule
    whose words or hint characters the article does not hold is not tried at each of them (most articles hold
    none of 之一, 算, 《)."""

    clause_after: list   # [(rule, words)] of the clause_after rules with a word in the text
    windowed: list       # the windowed span rules (see _Compiled) whose hint characters are in the text, or that
                         # have none
    titles: bool         # whether the text holds a 《


def article_tests(text: str) -> ArticleTests:
    c = _compiled()
    return ArticleTests(
        clause_after=[(rule, words) for rule, words in c.clause_after if any(w in text for w in words)],
        windowed=[rule for rule in c.windowed if not rule[2] or any(ch in text for ch in rule[2])],
        titles="《" in text,
    )


def _span_reason(q: Quantity, text: str, tests: ArticleTests) -> str | None:
    """The span rule whose match overlaps `q`, looked for in a window around it (not over the whole article:
    most articles have few quantities, and a window keeps the cost per quantity constant)."""
    c = _compiled()
    lo = q.start - _SPAN_REACH if q.start > _SPAN_REACH else 0
    hi = q.end + _SPAN_REACH
    if c.inside is not None and q.chinese:
        for m in c.inside.finditer(text, lo, hi):
            if m.start() < q.end and m.end() > q.start:
                return "fixed-expression"
    for rule_id, pattern, hint, chinese_only in tests.windowed:
        if chinese_only and not q.chinese:
            continue
        if hint and not _holds_any(text, hint, lo, hi):
            continue  # the pattern cannot match without one of its characters
        for m in pattern.finditer(text, lo, hi):
            if m.start() < q.end and m.end() > q.start:
                return rule_id
    if tests.titles and text.find("《", lo, hi) >= 0:
        for m in _TITLE.finditer(text, lo, hi):
            if m.start() < q.end and m.end() > q.start:
                return "title"
    return None


def _holds_any(text: str, chars: str, lo: int, hi: int) -> bool:
    for ch in chars:
        if text.find(ch, lo, hi) >= 0:
            return True
    return False


def exclusion_reason(q: Quantity, text: str, tests: ArticleTests | None = None) -> str | None:
    """The id of the rule that says `q` is not a fact, or None when it is one. `tests`: article_tests(text), when
    the caller checks many quantities of one text."""
    c = _compiled()
    if tests is None:
        tests = article_tests(text)
    start, end, num_start, unit_end, unit = q.start, q.end, q.num_start, q.unit_end, q.unit  # read once: hot path
    chars = c.compounds.get(text[unit_end - 1:unit_end])
    if chars and text[unit_end:unit_end + 1] and text[unit_end] in chars:
        return "measure-word-in-a-word"
    unit_rule = c.unit_rules.get(unit)
    if unit_rule is not None:
        return unit_rule
    if q.chinese and c.bare and _is_bare_place_value(q):
        for rule in c.bare:
            if unit not in rule.units:
                return rule.id
    head = text[start - 4 if start > 4 else 0:start]
    # without qualifier words the text before the number is the text before the mention: one search
    head_number = head if num_start == start else text[max(0, num_start - 4):num_start]
    if ((head[-1:] in c.before_ends and c.any_before.search(head))
            or (head_number is not head and head_number[-1:] in c.before_ends and c.any_before.search(head_number))):
        for rule, pat in c.before:
            where = head_number if rule.at_number else head
            m = pat.search(where)
            if m and (not rule.units or unit in rule.units):
                if rule.not_after and m.start() > 0 and where[m.start() - 1] in rule.not_after:
                    continue
                return rule.id
    firsts = c.after_firsts
    if ((holds_char(text, end, end + 3, firsts) and c.any_after.match(text, end))
            or (unit_end != end and holds_char(text, unit_end, unit_end + 3, firsts) and c.any_after.match(text, unit_end))
            or text.startswith("“", end)):
        for rule, pat in c.after:
            if rule.units and unit not in rule.units:
                continue
            if pat.match(text, end) or pat.match(text, unit_end):
                return rule.id
    tail: str | None = None
    for rule, words in tests.clause_after:
        for w in words:
            if text.find(w, end, end + _CLAUSE_REACH) < 0:
                continue  # not in reach after the mention: no need to cut its clause
            if tail is None:
                tail = text_after(text, end, _CLAUSE_REACH)
            at = tail.find(w)
            while at >= 0:
                if not (rule.not_after and at > 0 and tail[at - 1] in rule.not_after):
                    return rule.id
                at = tail.find(w, at + 1)
    head_clause: str | None = None
    for rule, words in c.clause_before_by_unit.get(unit, c.clause_before_any):
        if head_clause is None:   # cut once, for the first rule that applies
            head_clause = text_before(text, start, 24)[1]
        if any(w in head_clause for w in words):
            return rule.id
    if q.chinese and unit != "%":
        for rule_id, pattern in c.at_number:
            if pattern.match(text, num_start):
                return rule_id
    covered = _span_reason(q, text, tests)
    if covered:
        return covered
    if q.numeral == "一" and _is_article_one(q, text):
        return "article-one"
    if (unit_end != end or num_start != start or text.startswith("的", end)) and _is_threshold(q, text):
        return "threshold"  # (a threshold has a word around it, 超过 / 以上, or 的 after it)
    return None


def _is_bare_place_value(q: Quantity) -> bool:
    """百倍, 千亩, 百万: a place value with no digit before it and no qualifier (近百, 上百, 过百万 are counts)."""
    return (q.chinese and q.unit != "%" and q.numeral[:1] in "十百千万" and q.qualifier == "exact" and q.start == q.num_start
            and all(ch in "十百千万亿" for ch in q.numeral))


def _is_article_one(q: Quantity, text: str) -> bool:
    article, _ = _grammar()
    if q.numeral != "一" or q.kind not in article["kinds"] or q.start != q.num_start or q.unit == "倍":
        return False
    prev = text[q.start - 1] if q.start > 0 else ""
    nxt = text[q.end] if q.end < len(text) else "\n"
    # Postposed after a noun (含教学点一处，) it counts; after a verb particle (品尝了一口) it is an article.
    postposed = (bool(prev) and prev not in article["verb_particles"] and _HAN.match(prev) is not None
                 and nxt in article["clause_ends"])
    return not postposed


def _is_threshold(q: Quantity, text: str) -> bool:
    if q.unit == "%":
        return False
    nxt = text[q.end:q.end + 1]
    _, threshold = _grammar()
    words_before = text[q.start:q.num_start] in threshold["words_before"]
    tail = text[q.unit_end:q.end]
    words_after = tail in threshold["words_after"]
    if nxt == "的" and (words_before or words_after or q.qualifier == "range"):
        return True
    if words_after and nxt and _HAN.match(nxt) and nxt not in threshold["not_a_group_noun"]:
        return True  # 10亿元及以上基础设施项目
    if words_before and q.kind in threshold["attribute_kinds"] and text.startswith(threshold["group_nouns"], q.end):
        return True  # 超10亿元项目5个
    return False
