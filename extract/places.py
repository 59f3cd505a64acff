"""The locality of each fact: province, city, district, place.

Resolution order for a mention (FACTS.md "Locality"):
1. places named in its clause, else elsewhere in its sentence, else in the sentences before it in the same
   paragraph;
2. else the place of its article: the headline, then the lead sentence;
3. else the headings above the article on the page;
4. else the page's or source's home: `home` when given, else the place that dominates the page.
Ambiguous names (通州区, 鼓楼区) are settled by the other places of the article and page; when nothing settles
them only the levels their readings share are kept. Names found by suffix (光明村, 顺堤河作业区) take their
parents from what is around them, and an institution named right after a place (凤凰镇郭岗小学) carries that place
where the article names it again.

Names are found once per article text, through hashed bitmaps of their first characters (numpy) and tables
built from the data (gazetteer.py); what a surface means, and what the scan and the resolver ask of it, is
worked out once per surface. Every table an article's mentions share (its sentences' place groups, the places
of its hits and groups, its clause marks) is made once per article.
"""
from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from operator import attrgetter
from typing import NamedTuple, Sequence

import numpy as np
import regex

from extract import gazetteer as gz
from extract.language import alternation
from extract.segment import CLAUSE_MARKS, holds_char
from extract.gazetteer import Target, UnknownPlace

__all__ = ["Locality", "ArticleView", "resolve_localities", "parse_place", "UnknownPlace", "read_homes"]

# a place named before a colon (徐州市：) holds for what follows it in the sentence, so a colon ends a clause here
_CLAUSE_ENDS = CLAUSE_MARKS + "：:"
_LEAD_SENTENCES = 3
_MAX_PREFIX = 6          # longest name before a place suffix (台湾精密制造产业园 has 6)
_PARAGRAPH_LOOKBACK = 3
_MAX_GROUPS_BACK = 16    # place groups of a clause looked at before a mention (the nearest ones)
_MAX_CHAIN = 6           # names right before a name that can hint at its reading (江苏省徐州市鼓楼区丰财街道)
_HEADLINE_WEIGHT = 3
_HOME_WEIGHT = 6


@dataclass(frozen=True, slots=True)
class Locality:
    province: str = ""
    city: str = ""
    district: str = ""
    place: str = ""


@dataclass(frozen=True, slots=True)
class ArticleView:
    text: str                                   # cleaned text of one article: headline + "\n" + body
    headline_end: int                           # text[:headline_end] is the headline ("" when there is none)
    parents: tuple[str, ...]                    # headings above this article on the same page, outermost first
    sentences: tuple[tuple[int, int], ...]      # sentence spans in text, in order
    mentions: tuple[tuple[int, int, int], ...]  # (start, end, sentence_index) of each fact, in text


# Hits are made by the thousand per page: a plain slots class, not a frozen dataclass, whose every field is set
# through object.__setattr__. A suffix place's `parent` is set once the hits are merged; nothing else changes.
@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    kind: str                    # name | scope | zone_word | suffix | institution
    targets: tuple[Target, ...]  # what a name can mean; one Target for a suffix place
    word: str = ""               # the scope level of a scope word, the surface of a zone word
    parent: int = -1             # for a suffix place: index of the hit it hangs on, -1 when none; for an
                                 # institution, the place it was named after
    clause_only: bool = False    # 其中新港园区: the name holds for its own clause only
    sure: tuple[str, ...] = ()   # a name's one strong reading, as its chain of codes; () when it has none or several
    former: tuple[tuple[str, str], ...] = ()   # (code, former full name) of the readings written under an old name
    fixed: _Loc | None = None    # a name with one reading that no context can change, or a scope word: its place


@dataclass(slots=True)
class _Surface:
    """What the scan needs to know of a surface form, worked out once per surface rather than once per hit."""

    kind: str                    # name | scope | zone_word
    targets: tuple[Target, ...] = ()   # a name's readings
    word: str = ""               # the level of a scope word; the surface itself for a zone word
    sure: tuple[str, ...] = ()   # see _Hit.sure
    former: tuple[tuple[str, str], ...] = ()   # see _Hit.former
    fixed: _Loc | None = None    # see _Hit.fixed
    full: bool = False           # a name that is some reading's full name (not a short form like 云龙)
    weak: bool = False           # a name all of whose readings are weak (a short county name: 云龙, 阳新)
    inside: tuple[tuple[str, int], ...] = ()   # everyday words that hold it, and its offset in them (_inside_words)


class _Loc(NamedTuple):
    """A resolved place: the deepest division `code` ("" when unknown) and a place name below it.

    A named tuple: made, compared and used as a key many times per mention, all in C."""

    code: str = ""
    place: str = ""
    scope: str = ""              # for a scope word: province | city | district | region
    refers_back: bool = False    # for a scope word that points back at a place just named (该县), not a whole (全县)


_NOWHERE = _Loc()   # no place; `loc == _NOWHERE` is a tuple comparison, in C


# ----------------------------------------------------------------------------------------------- patterns


@cache
def _surfaces() -> dict[str, _Surface]:
    """Every surface that the name scan finds -> what it is; the one table behind the scan."""
    sfx = gz.suffix_data()
    out: dict[str, _Surface] = {}
    table = gz.divisions()
    for surface, targets in gz.names().items():
        out[surface] = _name_surface(surface, targets, table)
    for scope in sfx.get("scope", []):
        out[scope["word"]] = _Surface("scope", word=scope["level"],
                                      fixed=_Loc(scope=scope["level"], refers_back=scope.get("refers_back", False)))
    for zw in sfx.get("zone_word", []):
        out.setdefault(zw["word"], _Surface("zone_word", word=zw["word"]))
    for surface, words in _inside_words().items():
        if surface in out:
            out[surface].inside = words
    return out


def _name_surface(surface: str, targets: tuple[Target, ...], table: dict[str, gz.Division]) -> _Surface:
    # made for each of some 38,000 surfaces in every process: loops, not generator expressions, which cost a
    # frame each
    former = []
    full = weak = True
    for t in targets:
        d = table.get(t.code)
        if d is not None and t.name != d.name and t.level in ("province", "city", "county", "zone"):
            former.append((t.code, t.name))
        full = full and t.name != surface
        weak = weak and t.weak
    return _Surface("name", targets, sure=_sure_codes(targets), former=tuple(former), fixed=_fixed_loc(targets),
                    full=not full, weak=weak)


def _fixed_loc(targets: tuple[Target, ...]) -> _Loc | None:
    """What _Context.pick answers for these readings in any context, None when the context matters: one strong
    reading that is not a town (a town's reading depends on whether the page names its county)."""
    if len(targets) == 1 and not targets[0].weak and targets[0].level != "town":
        return _target_loc(targets[0])
    return None


def _sure_codes(targets: tuple[Target, ...]) -> tuple[str, ...]:
    if len(targets) == 1:   # most names: no set needed
        t = targets[0]
        return gz.chain(t.code).codes if t.code and not t.weak else ()
    codes = {t.code for t in targets if not t.weak and t.code}
    return gz.chain(codes.pop()).codes if len(codes) == 1 else ()


@cache
def _name_index() -> tuple[dict[str, tuple[tuple[str, _Surface], ...]], dict[str, tuple[tuple[str, _Surface], ...]],
                           np.ndarray, np.ndarray, np.ndarray]:
    """{first three characters of a name: the names that start with them, longest first, then the first two
    characters when they are a name too}; {two-character name: itself}; and the hashed bitmaps (below) of
    every name's first two characters' code points packed as (first << 21) | second, of the two-character
    names' and of the longer names' first three characters packed as (first << 42) | (second << 21) | third.
    Keyed by three characters, a position tries only the names that can fit it (上海市 is not tried at 上海港),
    and each carries what it is, so the scan looks up one small table per position instead of four large ones."""
    with gz.no_cycle_collection():
        return _build_name_index()


def _build_name_index() -> tuple[dict[str, tuple[tuple[str, _Surface], ...]],
                                 dict[str, tuple[tuple[str, _Surface], ...]], np.ndarray, np.ndarray, np.ndarray]:
    surfaces = _surfaces()
    by_two: dict[str, tuple[tuple[str, _Surface], ...]] = {x: ((x, surfaces[x]),) for x in surfaces if len(x) == 2}
    index: dict[str, list[tuple[str, _Surface]]] = {}
    for surface, x in surfaces.items():
        if len(surface) >= 3:
            index.setdefault(surface[:3], []).append((surface, x))
    by_three = {}
    for k, v in index.items():
        if len(v) > 1:
            v.sort(key=lambda p: len(p[0]), reverse=True)   # stable: names of one length keep their order
        by_three[k] = tuple(v) + by_two.get(k[:2], ())
    starts = sorted({(ord(x[0]) << 21) | ord(x[1]) for x in surfaces if len(x) >= 2})
    two = sorted({(ord(x[0]) << 21) | ord(x[1]) for x in by_two})
    three = sorted({(ord(x[0]) << 42) | (ord(x[1]) << 21) | ord(x[2]) for x in index})
    return (by_three, by_two, _bitmap(np.array(starts, dtype=np.uint64), _SMALL_HASH_SHIFT),
            _bitmap(np.array(two, dtype=np.uint64)), _bitmap(np.array(three, dtype=np.uint64)))


# Membership of a pair or triple of characters is a lookup in a hashed bitmap of 2^22 bits (one multiply, one
# shift, one index per character, all in numpy): a few percent of false positives, each rejected by the exact
# dictionary lookup that follows. A sorted array and searchsorted cost about 15 comparisons per character.
# Those bitmaps are 4 MB each, and between two pages the rest of the extractor pushes them out of the CPU caches:
# looked up at every character they cost a cache miss each. So every character is first looked up in a small
# table (2^20 entries, 1 MB, which mostly stays in the CPU's cache) of the names' first two characters, which
# about one position in ten passes; only those are looked up in the large ones. (Packed as bits in 128 KB, the
# small table cost five more numpy operations per article: 13.5 -> 9.8 ms per MB, measured.)
_HASH_BITS = 22
_HASH_MULT = np.uint64(0x9E3779B97F4A7C15)
_HASH_SHIFT = np.uint64(64 - _HASH_BITS)
_SMALL_HASH_SHIFT = np.uint64(64 - 20)
# (the multiplications wrap around on purpose; numpy wraps uint64 arrays silently, so no np.errstate is needed,
# which would cost a microsecond per call, three calls per article)


def _bitmap(keys: np.ndarray, shift: np.uint64 = _HASH_SHIFT) -> np.ndarray:
    table = np.zeros(1 << (64 - int(shift)), dtype=bool)
    table[(keys * _HASH_MULT) >> shift] = True
    return table


def _member(table: np.ndarray, keys: np.ndarray, shift: np.uint64 = _HASH_SHIFT) -> np.ndarray:
    # (take, not [], here and below: the same gather, without the indexing machinery; 10% of this search)
    return table.take((keys * _HASH_MULT) >> shift)


def _name_candidates(text: str) -> list[int]:
    """Positions where a name may start: the few whose first two or three characters begin some name.

    Why not one regex: an alternation of 37,000 names (or regex's named list) runs at well under 1 M chars/s,
    because nearly every Han character starts some name. Instead every pair and triple of adjacent characters is
    looked up in hashed bitmaps of the two-character names and of the longer names' first three characters
    (numpy, at C speed); only the few positions that pass (2-3 % of news text) are tried by _scan, longest
    name first."""
    if len(text) < 2:
        return []
    _, _, starts, two, three = _name_index()
    codes = np.frombuffer((text + "\0").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    pair = (codes[:-2] << np.uint64(21)) | codes[1:-1]
    maybe = np.flatnonzero(_member(starts, pair, _SMALL_HASH_SHIFT))
    pair = pair.take(maybe)
    triple = (pair << np.uint64(21)) | codes.take(maybe + 2)
    return maybe[_member(two, pair) | _member(three, triple)].tolist()


@cache
def _inside_words() -> dict[str, tuple[tuple[str, int], ...]]:
    """{name: (longer everyday word that contains it, offset of the name in that word)}."""
    out: dict[str, list[tuple[str, int]]] = {}
    for entry in gz.guard_data().get("part_of_word", []):
        word, name = entry["word"], entry["name"]
        out.setdefault(name, []).append((word, word.index(name)))
    return {k: tuple(v) for k, v in out.items()}


@cache
def _leading_words() -> tuple[re.Pattern, frozenset[str], frozenset[str]]:
    """The words that cannot be part of a place name, as one pattern (two characters or more) and a set (one),
    and the first characters of the longer ones (a name that holds none of them needs no search)."""
    leads = _guards()["leading"]
    longer = [w for w in leads if len(w) > 1]
    return (re.compile(alternation(longer)) if longer else re.compile("(?!)"),
            frozenset(w for w in leads if len(w) == 1), frozenset(w[0] for w in longer))


@cache
def _suffix_pattern() -> re.Pattern:
    return re.compile(alternation(s["word"] for s in gz.suffix_data()["suffix"]))


@cache
def _zone_suffix_words() -> tuple[str, ...]:
    return tuple(s["word"] for s in gz.suffix_data().get("zone_suffix", []))


@cache
def _zone_suffix_pattern() -> re.Pattern:
    return re.compile(alternation(s["word"] for s in gz.suffix_data().get("zone_suffix", [])))


# the divisions a place found by a suffix that needs a parent may stand right after (李堡镇光明村, 海安市光明村)
_PARENT_LEVELS = ("town", "county")
_ZONE_PREFIX_GAP = 4     # characters allowed between a prefecture's name and a zone ending (宜宾|临港|经济技术开发区)


def _add_zone_suffixes(text: str, hits: list[_Hit]) -> list[_Hit]:
    """宜宾临港经济技术开发区: a zone that the gazetteer lacks, named after its prefecture, becomes a zone hit
    that replaces the prefecture's hit (and the generic 开发区 inside it)."""
    stop = _guards()["stop"]
    for m in _zone_suffix_pattern().finditer(text):
        s, e = m.span()
        for i in range(len(hits) - 1, -1, -1):
            h = hits[i]
            if h.end > s or s - h.end > _ZONE_PREFIX_GAP:
                if h.end <= s - _ZONE_PREFIX_GAP:
                    break
                continue
            gap = text[h.end:s]
            if h.kind != "name" or not h.sure or any(ch in stop or not _is_han(ch) for ch in gap):
                break
            code = h.sure[-1]
            if gz.division(code).level != "city":
                break
            name = text[h.start:e]
            targets = (Target("zone", f"{code}Z{name}", name),)
            zone = _Hit(h.start, e, "name", targets, sure=_sure_codes(targets), fixed=_fixed_loc(targets))
            hits = [x for x in hits if not (x.start >= h.start and x.end <= e)] + [zone]
            hits.sort(key=lambda x: (x.start, x.end))
            break
    return hits


@cache
def _guards():
    g = gz.guard_data()
    person = g["person"][0]
    return {
        "not_after": tuple(sorted((x["word"] for x in g.get("not_after", [])), key=len, reverse=True)),
        # a word can follow (precede) a name only if its first (last) character does: one set lookup spares
        # the comparison with every word for nearly every name
        "not_after_first": frozenset(x["word"][0] for x in g.get("not_after", [])),
        "origin_last": frozenset(x["word"][-1] for x in [*g.get("origin_before", []),
                                                          *g.get("destination_before", [])]),
        "origin_before": tuple(x["word"] for x in g.get("origin_before", [])),
        "origin_or_destination": tuple(x["word"] for x in [*g.get("origin_before", []),
                                                           *g.get("destination_before", [])]),
        "titles": tuple(person["titles"]),
        "surnames": frozenset(person["surnames"]),
        # a name followed by a speaker (的尹艳芳说) or a company (鄂尔多斯羊绒集团) is not where things happen; the
        # patterns are tried as one alternation, which costs one call per name instead of one per pattern. They
        # are matched in the article text from the name's end (match(text, end, end + 8)), not in a slice of it,
        # so the ^ that anchors each of them at the name's end is dropped: match() anchors there already, and a
        # ^ would only match at the start of the article
        "speaker_or_company": regex.compile("|".join(
            f"(?:{x['pattern'].removeprefix('^')})" for x in [*g.get("speaker", []), *g.get("company", [])])
            or "(?!)"),
        # the characters one of which every match of those patterns holds within the 8 characters it may span
        # (place_guards.toml `hint`): a name with none of them after it, nearly every name, needs no regex call.
        # Empty (no pre-test) as soon as one pattern has no hint.
        "speaker_or_company_hint": _hint_chars([*g.get("speaker", []), *g.get("company", [])]),
        "leading": tuple(sorted((x["word"] for x in g.get("leading_word", [])), key=len, reverse=True)),
        "stop": frozenset(g["stop_chars"]),
        "boundary": frozenset(g["stop_chars"] + g["word_start_after"]),
        # place suffix -> (the words that may not follow it, the longest name before it, whether it needs a parent,
        # the levels that parent may be, whether a place named right after it lies in it)
        "suffix_rules": {s["word"]: (tuple(s.get("not_followed_by", ())), s.get("max_prefix", _MAX_PREFIX),
                                     s["needs_parent"], frozenset(s.get("parent_levels", _PARENT_LEVELS)),
                                     s.get("holds_places", False))
                         for s in gz.suffix_data()["suffix"]},
        "not_scope": tuple(x["word"] for x in g.get("not_scope_after", [])),
        "respectively": tuple(w for x in g.get("respectively", []) for w in x["words"]),
        "clause_only": tuple(x["word"] for x in g.get("clause_only_after", [])),
        "list_joiners": frozenset(w for x in g["list_joiner"] for w in x["words"]),
        # 济南—滨州—东营高速公路, 银川（南）至惠农: a gap of a route mark, perhaps after a bracketed note
        "route_gap": regex.compile(r"(?:[（(][^）)]{0,10}[）)])?"
                                   + alternation(w for x in g["route_mark"] for w in x["words"])),
        # every route gap ends with a route mark: a gap that does not (most) needs no regex call
        "route_marks": tuple(w for x in g["route_mark"] for w in x["words"]),
        # the longest gap either can be (the note is at most 12 characters): a longer one is not even sliced
        "joining_gap_max": max([len(w) for x in g["list_joiner"] for w in x["words"]]
                               + [12 + len(w) for x in g["route_mark"] for w in x["words"]]),
    }


def _hint_chars(entries: list[dict]) -> frozenset[str]:
    if not entries or any(not x.get("hint") for x in entries):
        return frozenset()
    return frozenset(ch for x in entries for ch in x["hint"])


@cache
def _zones_for_word(word: str) -> tuple[gz.Division, ...]:
    endings = {z["word"]: tuple(z["endings"]) for z in gz.suffix_data()["zone_word"]}[word]
    return tuple(d for d in gz.divisions().values() if d.level == "zone" and d.name.endswith(endings))


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# ----------------------------------------------------------------------------------------------- scanning


def _scan(text: str) -> list[_Hit]:
    """Name, scope-word, zone-word and suffix-place hits of one article text, in order.

    Names are the leftmost-longest, non-overlapping occurrences of the surfaces at the candidate positions. A
    name that is not where things happen is dropped: one followed by a word that makes it something else, a
    name of origin or destination, a person's surname after a title (书记王安顺), a speaker's or a company's
    name. One loop finds the names and applies these guards, with start/end arguments rather than slices: it
    runs for every name of every article."""
    g = _guards()
    by_three, by_two = _name_index()[:2]
    boundary, joiners, clause_only_after = g["boundary"], g["list_joiners"], g["clause_only"]
    not_after, origin, titles, surnames = g["not_after"], g["origin_or_destination"], g["titles"], g["surnames"]
    speaker_or_company = g["speaker_or_company"].match
    speaker_or_company_hint = g["speaker_or_company_hint"]
    not_after_first, origin_last = g["not_after_first"], g["origin_last"]
    n_text = len(text)
    not_scope, origin_before = g["not_scope"], g["origin_before"]
    hits: list[_Hit] = []
    origin_end = -1
    last = 0
    for s in _name_candidates(text):
        if s < last:
            continue
        for surface, x in by_three.get(text[s:s + 3]) or by_two.get(text[s:s + 2], ()):
            if not text.startswith(surface, s):
                continue
            # a short county name must start a word: after a boundary or right after another name
            # (热火朝天, 其中阳新 and 基金会理事长 hold no 朝天, 中阳, 会理)
            if (x.weak and s > 0 and s != last and text[s - 1] not in boundary
                    and "\u4e00" <= text[s - 1] <= "\u9fff"):
                continue
            if x.inside and any(text.startswith(w, s - k) for w, k in x.inside):
                continue   # 最大同心圆 holds no 大同
            break
        else:
            continue
        e = last = s + len(surface)
        kind = x.kind
        if kind == "name":
            prev_origin = origin_end >= 0 and (origin_end == s or text[origin_end:s] in joiners)
            if (prev_origin
                    or (e < n_text and text[e] in not_after_first and text.startswith(not_after, e, e + 4))
                    or (s > 0 and text[s - 1] in origin_last and text.endswith(origin, max(0, s - 4), s))
                    or (not x.full and s >= 1 and text[s - 1] in surnames
                        and text.endswith(titles, max(0, s - 5), s - 1))
                    or ((not speaker_or_company_hint or holds_char(text, e, e + 8, speaker_or_company_hint))
                        and speaker_or_company(text, e, e + 8) is not None)):
                if prev_origin or text.endswith(origin, max(0, s - 4), s):
                    origin_end = e   # 发往北京、天津: every name of the list is where goods go, not where they are
                # 河北保定的尹艳芳说: the names right before a guarded one belong to it
                while hits and hits[-1].end == s and hits[-1].kind == "name":
                    s = hits.pop().start
                continue
            clause_only = text.endswith(clause_only_after, max(0, s - 4), s)
            hits.append(_Hit(s, e, "name", x.targets, "", -1, clause_only, x.sure, x.former, x.fixed))
        elif kind == "scope":
            if text.endswith(not_scope, max(0, s - 4), s) or text.endswith(origin_before, max(0, s - 4), s):
                continue
            hits.append(_Hit(s, e, "scope", (), word=x.word, fixed=x.fixed))
        else:
            hits.append(_Hit(s, e, "zone_word", (), word=x.word))
    # the zone suffixes are plain words: `in` looks for each at C speed, where a search of their alternation
    # tests a character class at every character (zone suffixes are rare: the test nearly always fails)
    if any(w in text for w in _zone_suffix_words()):
        hits = _add_zone_suffixes(text, hits)
    hits = _add_suffix_places(text, hits)
    return _add_institutions(text, hits) if hits else hits


def _add_suffix_places(text: str, hits: list[_Hit]) -> list[_Hit]:
    g = _guards()
    stop, rules, clause_only_after = g["stop"], g["suffix_rules"], g["clause_only"]
    ends = {h.end: i for i, h in enumerate(hits) if h.kind == "name"}
    sorted_ends = sorted(ends)
    spans = [(h.start, h.end) for h in hits]
    found: list[_Hit] = []
    found_ends: set[int] = set()
    holder_end = -1   # the end of the last place found, when a place named right after it lies in it (宜宾港)
    long_leads, short_leads, long_lead_firsts = _leading_words()
    k = 0  # hits and suffix matches both come in text order: walk the spans once
    for m in _suffix_pattern().finditer(text):
        s, e = m.span()
        while k < len(spans) and spans[k][1] <= s:
            k += 1
        if k < len(spans) and spans[k][0] < e:
            continue   # inside a known name (苏州工业园区, 白甸镇)
        not_followed_by, longest, needs_parent, parent_levels, holds_places = rules[m.group()]
        if needs_parent:   # (first: most 港 and 村 have no name right before them)
            n = bisect_left(sorted_ends, s - longest)
            if n == len(sorted_ends) or sorted_ends[n] > s:
                continue   # no name ends where this one could start, so it can have no parent (the test below)
        if text.startswith(not_followed_by, e):
            continue   # 农业农村局, 村民: not a village
        # walk back over the characters that can be part of the name: Han, not a stop character
        j = s
        while j > 0 and s - j < longest and j not in ends and j not in found_ends:
            ch = text[j - 1]
            if ch < "\u4e00" or ch > "\u9fff" or ch in stop:
                break
            j -= 1
        parent = ends.get(j, -1)
        if j == holder_end:
            # 宜宾港志城作业区: the place inside the port is the deeper one; it keeps the port's parent
            parent = found.pop().parent
            found_ends.discard(j)
            holder_end = -1
        elif j in found_ends:
            continue   # 上洲村上屋组村民: a place name does not run on from another place found by suffix
        elif s - j >= longest and j > 0 and j not in ends:
            ch = text[j - 1]
            if "\u4e00" <= ch <= "\u9fff" and ch not in stop:
                continue   # the search gave up before a boundary: no name starts here
        if needs_parent and (parent < 0 or hits[parent].targets[0].level not in parent_levels):
            continue
        # a word that cannot be part of a name ends the text before the name (如今走进园区, 其中新港园区); a
        # one-character one (各, 该, 港) only at the start, as it is often part of a name too (新港园区)
        if s - j > 1 and holds_char(text, j, s - 1, long_lead_firsts):
            last_lead = None
            for lm in long_leads.finditer(text, j, s):
                last_lead = lm
            if last_lead is not None:
                j = last_lead.end()
        while j < s and text[j] in short_leads:
            j += 1
        name = text[j:e]
        if parent >= 0 and s == j and hits[parent].end == j:
            name = text[hits[parent].start:e]   # 海沧保税港区: the parent's name is part of the place's name
        elif s - j < 2:
            continue
        clause_only = text.endswith(clause_only_after, max(0, j - 4), j)
        found.append(_Hit(j, e, "suffix", (Target("place", "", name),), parent=parent, clause_only=clause_only))
        found_ends.add(e)
        holder_end = e if holds_places else -1
    if not found:
        return hits
    # `parent` indexed `hits`; point it into the merged list
    merged = sorted(hits + found, key=_span_key)
    where = {id(h): n for n, h in enumerate(merged)}
    for h in found:
        if h.parent >= 0:
            h.parent = where[id(hits[h.parent])]
    return merged


_span_key = attrgetter("start", "end")

_MAX_INSTITUTION_NAME = 6   # characters of an institution's own name before its ending (郭岗 of 郭岗小学, 福娃 of 福娃集团)


@cache
def _institution_endings() -> tuple[re.Pattern, int] | None:
    """The endings of institutions' names (place_suffixes.toml [[institution]]: 小学, 公司), and the longest's length."""
    words = [w for x in gz.suffix_data().get("institution", []) for w in x["words"]]
    return (re.compile(alternation(words)), max(map(len, words))) if words else None


@cache
def _not_in_institution_name() -> frozenset[str]:
    return frozenset("".join(x.get("not_in_name", "") for x in gz.suffix_data().get("institution", [])))


def _add_institutions(text: str, hits: list[_Hit]) -> list[_Hit]:
    """An institution named right after a place (凤凰镇郭岗小学, 位于新沟镇的福娃集团) is in that place: where the
    article names it again by its full name without a place (郭岗小学现有学生136名), it says where as that place
    would. Such a mention is an `institution` hit whose parent is the place.

    An article names a score of places: after each, an ending is looked for only in the few characters where it
    can stand (perhaps 的, then two to six characters of the institution's own name), rather than over the whole
    text, whose common characters (中, 大, 公) start many false candidates."""
    found_endings = _institution_endings()
    if found_endings is None:
        return hits
    endings, longest_ending = found_endings
    not_in_name = _not_in_institution_name()
    leads = _leading_words()[1]
    anchored: dict[str, int] = {}   # full name -> index of the place hit it was named after
    anchor_spans: set[tuple[int, int]] = set()
    n_text = len(text)
    for i, h in enumerate(hits):
        end = h.end
        if h.kind not in ("name", "suffix") or end + 2 >= n_text:
            continue
        # the nearest ending that leaves the institution a name of its own (2 to 6 characters, after a 的)
        lo = end + 2
        while True:
            m = endings.search(text, lo, end + _MAX_INSTITUTION_NAME + 1 + longest_ending)
            if m is None or m.start() > end + _MAX_INSTITUTION_NAME + 1:
                break
            s = m.start()
            own = text[end + 1:s] if text[end] == "的" else text[end:s]
            if 2 <= len(own) <= _MAX_INSTITUTION_NAME and all(_is_han(ch) for ch in own):
                if not (own[0] in leads or any(ch in not_in_name for ch in own)   # 一家公司: no name of its own
                        or (i + 1 < len(hits) and hits[i + 1].start < m.end())):  # 镇郭岗村小学: a place inside
                    # by its full name only: its own name alone is often an everyday word (茶叶 of 茶叶合作社)
                    anchored.setdefault(own + m.group(), i)
                    anchor_spans.add((s - len(own), m.end()))
                break
            lo = s + 1
    if not anchored:
        return hits
    taken = [(h.start, h.end) for h in hits]
    found: list[_Hit] = []
    ends = {h.end for h in hits if h.kind in ("name", "suffix")}
    # longest first: a name inside a longer one (郭岗小学 in 新郭岗小学) does not take its place
    for key in sorted(anchored, key=len, reverse=True):
        at = text.find(key)
        while at >= 0:
            end = at + len(key)
            if ((at, end) not in anchor_spans and at not in ends
                    and not any(s < end and at < e for s, e in taken)):
                found.append(_Hit(at, end, "institution", (), parent=anchored[key]))
                taken.append((at, end))
            at = text.find(key, end)
    if not found:
        return hits
    merged = sorted(hits + found, key=_span_key)
    where = {id(h): n for n, h in enumerate(merged)}
    for h in merged:   # parents (of suffix places too) indexed `hits`: point them into the merged list
        if h.parent >= 0:
            h.parent = where[id(hits[h.parent])]
    return merged


# ----------------------------------------------------------------------------------------------- page context


class _Context:
    """Counts of the divisions named on a page and in each article; settles ambiguous names."""

    def __init__(self, page: dict[str, int], article: dict[str, int], home_codes: tuple[str, ...]):
        self.page = page
        self.article = article
        self.home = home_codes
        # an article names the same ambiguous name again and again: each reading is picked once, keyed by the
        # identity of the readings' tuple (one per surface, or per zone hit, all alive as long as the page) and
        # the codes before the name
        self.picks: dict[tuple[int, tuple[str, ...]], _Loc] = {}

    def mentioned(self, code: str) -> float:
        """How much the page and article name this division itself."""
        return 2 * self.article.get(code, 0) + self.page.get(code, 0) + (_HOME_WEIGHT if code in self.home else 0)

    def support(self, code: str, exclude_self: bool = False) -> float:
        codes = gz.chain(code).codes
        if exclude_self:
            codes = codes[:-1]
        total = 0.0
        for c in codes:   # (a loop: sum over a generator costs an object per call)
            total += self.mentioned(c)
        return total

    def pick(self, targets: tuple[Target, ...], near: tuple[str, ...] = ()) -> _Loc:
        """The one reading of a name that the context supports, else what all readings share."""
        key = (id(targets), near)
        loc = self.picks.get(key)
        if loc is None:
            loc = self.picks[key] = self._pick(targets, near)
        return loc

    def _pick(self, targets: tuple[Target, ...], near: tuple[str, ...]) -> _Loc:
        if targets and all(t.level == "town" for t in targets) and (self.article or self.page or self.home):
            # a town whose city and county the page never names (青山乡 of 桂东县 on a page of 衡南县, 田头镇 of
            # 宁都县 in an article about 东海县) is another town of that name: keep the name, let the context
            # give its county
            named = tuple(t for t in targets if any(self.mentioned(c) > 0 for c in gz.chain(t.code).codes[1:]))
            if not named:
                return _Loc("", targets[0].name)
            targets = named
        if len(targets) == 1 and not targets[0].weak:
            return _target_loc(targets[0])
        scored = []
        for t in targets:
            if not t.code:
                continue
            codes = gz.chain(t.code).codes
            bonus = 100 if any(c in near for c in codes[:-1]) else 0
            s = bonus + self.support(t.code, exclude_self=True)
            if t.weak and not bonus and (len(codes) < 2 or self.mentioned(codes[-2]) <= 0):
                continue   # a short county name counts only when its city is in context (徐州 ... 云龙)
            scored.append((s, t))
        if not scored:
            return _NOWHERE
        codes_scored = {t.code for _, t in scored}
        ancestors = [t for _, t in scored if any(gz.is_ancestor(t.code, o) for o in codes_scored if o != t.code)]
        if ancestors and not any(a.code in near for a in ancestors):
            # 长沙 is 长沙市 and also the short form of 长沙县 inside it: the short form names the larger unit
            # (湖南长沙 too), unless the larger is named right before it (长沙市长沙县)
            scored = [(sc, t) for sc, t in scored if t in ancestors or not any(
                gz.is_ancestor(a.code, t.code) for a in ancestors)]
        scored.sort(key=lambda x: -x[0])
        if len(scored) == 1 or scored[0][0] > scored[1][0]:
            return _target_loc(scored[0][1])
        top = [t for s, t in scored if s == scored[0][0]]
        provinces = [t for t in top if t.level == "province"]
        if len(provinces) == 1:   # 海南: the province is the reading a reader takes first
            return _target_loc(provinces[0])
        return _common([_target_loc(t) for t in top])


def _target_loc(t: Target) -> _Loc:
    if t.level in ("town", "place"):
        return _Loc(t.code, t.name)
    return _Loc(t.code, "")


def _common(locs: list[_Loc]) -> _Loc:
    """The deepest division all `locs` lie in; place only when all name the same place."""
    locs = [x for x in locs if x != _NOWHERE]
    if not locs:
        return _NOWHERE
    places = {x.place for x in locs}
    codes = [gz.chain(x.code).codes if x.code else () for x in locs]
    shared: tuple[str, ...] = codes[0]
    for c in codes[1:]:
        n = 0
        while n < min(len(shared), len(c)) and shared[n] == c[n]:
            n += 1
        shared = shared[:n]
    code = shared[-1] if shared else ""
    place = places.pop() if len(places) == 1 else ""
    if place and any(x.code != locs[0].code for x in locs):
        place = ""
    return _Loc(code, place)


def _chain_or_common(locs: list[_Loc]) -> _Loc:
    """The deepest of `locs` when they all lie on one chain (江苏 ... 徐州 ... 云龙区), else what they all share
    (青岛, 日照 and 烟台 named together: 山东). Folding pairwise would let the third of three siblings look
    deeper than the first two's common parent."""
    locs = [x for x in locs if x != _NOWHERE]
    coded = [x for x in locs if x.code]
    if len(coded) < len(locs) and coded:
        locs = coded  # a place found only by its suffix (顺堤河作业区) says nothing about the divisions
    if not locs:
        return _NOWHERE
    deepest = locs[0]
    for x in locs[1:]:
        if _inside(x, deepest):
            deepest = x
    if all(_inside(deepest, x) for x in locs):
        return deepest
    return _common(locs)


def _deeper_or_common(a: _Loc, b: _Loc) -> _Loc:
    """b when it lies inside a (or a is empty), a when a lies inside b, else what both share."""
    if a == _NOWHERE:
        return b
    if b == _NOWHERE:
        return a
    if _inside(b, a):
        return b
    if _inside(a, b):
        return a
    return _common([a, b])


def _inside(inner: _Loc, outer: _Loc) -> bool:
    """inner lies in outer (equal counts)."""
    if outer.scope or inner.scope:
        return False
    if not outer.code:
        return not outer.place or outer.place == inner.place
    if not inner.code:
        return False
    if outer.code not in gz.chain(inner.code).codes:   # gz.is_ancestor, without the call
        return False
    if outer.place:
        return inner.code == outer.code and inner.place.startswith(outer.place)
    return True


# ----------------------------------------------------------------------------------------------- resolving


class _Page:
    """The hits of every article and heading on a page, and the counts of the divisions they name."""

    def __init__(self, articles: Sequence[ArticleView], home: str):
        self.articles = articles
        self.hits = [_scan(a.text) for a in articles]
        self.parent_hits = {p: _scan(p) for p in dict.fromkeys(p for a in articles for p in a.parents)}
        self.home_code = _home_code(home)
        self.home_codes = gz.chain(self.home_code).codes if self.home_code else ()
        self.article_counts = [_count(hs, a.headline_end) for a, hs in zip(articles, self.hits)]
        # plain dicts, not Counters: a Counter answers a missing key through a Python-level __missing__
        self.page_counts: dict[str, int] = {}
        for counts in self.article_counts:
            for c, n in counts.items():
                self.page_counts[c] = self.page_counts.get(c, 0) + n
        for hs in self.parent_hits.values():
            _add_counts(hs, self.page_counts, 0)   # a heading has no headline: every name counts once
        # a page that writes a unit under its former full name (监利县 in 2011) is written that way back
        self.written: dict[str, str] = {}
        for hs in self.hits:
            for h in hs:
                for code, name in h.former:
                    self.written[code] = name
        self.localities: dict[_Loc, Locality] = {}   # most mentions of a page share a few places

    def context(self, k: int) -> _Context:
        return _Context(self.page_counts, self.article_counts[k], self.home_codes)


def _count(hits: list[_Hit], headline_end: int) -> dict[str, int]:
    """How often an article names each division (a name counts for the chain above it), the headline thrice."""
    counts: dict[str, int] = {}
    _add_counts(hits, counts, headline_end)
    return counts


def _add_counts(hits: list[_Hit], counts: dict[str, int], headline_end: int) -> None:
    for h in hits:
        if h.kind == "name" and h.sure:
            weight = _HEADLINE_WEIGHT if h.start < headline_end else 1
            for c in h.sure:
                counts[c] = counts.get(c, 0) + weight


class _Reading:
    """The places named in one text (an article, or a heading above one) in the context of one article: the
    place of each hit and of each group of adjacent hits, each worked out once."""

    __slots__ = ("text", "hits", "ctx", "starts", "hit_locs", "group_locs")

    def __init__(self, text: str, hits: list[_Hit], ctx: _Context):
        self.text = text
        self.hits = hits
        self.ctx = ctx
        self.starts = [h.start for h in hits]
        self.hit_locs: list[_Loc | None] = [h.fixed for h in hits]   # a name with a fixed reading is done
        self.group_locs: dict[tuple[int, ...], _Loc] = {}

    def hit_loc(self, i: int) -> _Loc:
        loc = self.hit_locs[i]
        if loc is None:
            loc = self.hit_locs[i] = self._hit_loc(i)
        return loc

    def _hit_loc(self, i: int) -> _Loc:
        h = self.hits[i]
        if h.kind == "name":
            return self.ctx.pick(h.targets, self._near_codes(i))
        if h.kind == "scope":
            return _Loc(scope=h.word)
        if h.kind == "zone_word":
            return _zone_word(h.word, self._near_codes(i), self.ctx)
        if h.kind == "institution":
            return self.hit_loc(h.parent)   # where the place it was named after is
        loc = _Loc("", h.targets[0].name)
        if h.parent >= 0:
            up = self.hit_loc(h.parent)
            if up.code:
                name = h.targets[0].name
                if up.place and not name.startswith(up.place):
                    name = up.place + name
                loc = _Loc(up.code, name)
        return loc

    def _near_codes(self, i: int) -> tuple[str, ...]:
        """Codes of the names right before hit i (徐州 in 徐州鼓楼区): the strongest hint for its reading."""
        hits = self.hits
        out: list[str] = []
        j = i
        # a chain of names is province, city, county, town, village at most: no need to walk further back (a run
        # of names with nothing between them, as in a flattened table, must not cost each name all before it)
        while (j > 0 and i - j < _MAX_CHAIN and hits[j - 1].end == hits[j].start
               and hits[j - 1].kind == "name"):
            j -= 1
            out.extend(hits[j].sure)
        return tuple(out)

    def group_loc(self, idxs: tuple[int, ...]) -> _Loc:
        """Adjacent names form a chain (徐州市鼓楼区丰财街道: the deepest); names joined by 、 or 和 a list
        (平凉、白银、兰州: what they share)."""
        if len(idxs) == 1:   # most groups are one name: what the loop below makes of it
            return self.hit_loc(idxs[0])
        loc = self.group_locs.get(idxs)
        if loc is None:
            loc = self.group_locs[idxs] = self._group_loc(idxs)
        return loc

    def _group_loc(self, idxs: tuple[int, ...]) -> _Loc:
        members = self.list_members(idxs)
        if not members:
            return _NOWHERE
        return _common(members) if len(members) > 1 else members[0]

    def list_members(self, idxs: tuple[int, ...]) -> list[_Loc]:
        """The places a group names, one by one: one for a chain (徐州市鼓楼区), each of a list (沈丘县、项城市),
        none for a route (济南—滨州)."""
        text, hits = self.text, self.hits
        chain_locs: list[_Loc] = []
        current = _NOWHERE
        prev_end: int | None = None
        g = _guards()
        joiners, route_gap, route_marks = g["list_joiners"], g["route_gap"], g["route_marks"]
        for i in idxs:
            h = hits[i]
            loc = self.hit_loc(i)
            gap = "" if prev_end is None else text[prev_end:h.start]
            if prev_end is not None and gap.endswith(route_marks) and route_gap.fullmatch(gap):
                return []
            if prev_end is not None and gap in joiners:
                chain_locs.append(current)
                current = loc
            else:
                current = _deeper_or_common(current, loc) if loc != _NOWHERE else current
            prev_end = h.end
        chain_locs.append(current)
        return chain_locs

    def groups(self, lo: int, hi: int) -> list[tuple[int, ...]]:
        """Indices of hits in [lo, hi), grouped by adjacency (joined by nothing, 、, 和, or a dash)."""
        text, hits = self.text, self.hits
        out: list[list[int]] = []
        prev_end: int | None = None
        g = _guards()
        joiners, route_gap, gap_max = g["list_joiners"], g["route_gap"], g["joining_gap_max"]
        route_marks = g["route_marks"]
        for i in range(bisect_left(self.starts, lo), len(hits)):
            h = hits[i]
            if h.start >= hi:
                break
            if h.end > hi:
                continue
            if prev_end is not None and (h.start <= prev_end or (   # (overlapping hits: an empty gap too)
                    h.start - prev_end <= gap_max
                    and ((gap := text[prev_end:h.start]) in joiners
                         or (gap.endswith(route_marks) and route_gap.fullmatch(gap))))):
                out[-1].append(i)
            else:
                out.append([i])
            prev_end = h.end
        return [tuple(x) for x in out]   # tuples: group places are cached by them


class _ArticleReading(_Reading):
    """An article's reading, with what its mentions ask: its clause marks, the place groups of each sentence,
    the place of each paragraph lookback and of each clause, each worked out once."""

    __slots__ = ("view", "_marks", "_mention_starts", "sentences", "paragraph_locs", "clause_locs")

    def __init__(self, view: ArticleView, hits: list[_Hit], ctx: _Context):
        super().__init__(view.text, hits, ctx)
        self.view = view
        self._marks: list[int] | None = None
        self._mention_starts: list[int] | None = None
        self.sentences: dict[int, _Sentence | None] = {}
        self.paragraph_locs: dict[int, _Loc | None] = {}
        self.clause_locs: dict[tuple[int, tuple[int, int, int, int]], _Loc | None] = {}

    def clause_marks(self) -> list[int]:
        if self._marks is None:
            self._marks = _clause_marks(self.text)
        return self._marks

    def mention_starts(self) -> list[int]:
        if self._mention_starts is None:
            self._mention_starts = [m[0] for m in self.view.mentions]   # (in text order)
        return self._mention_starts

    def sentence(self, si: int) -> _Sentence | None:
        """The place groups of sentence `si`; None when the article has no sentences."""
        if si in self.sentences:
            return self.sentences[si]
        found = self.sentences[si] = self._make_sentence(si)
        return found

    def _make_sentence(self, si: int) -> _Sentence | None:
        sentences = self.view.sentences
        if not sentences:
            return None
        s, e = sentences[min(si, len(sentences) - 1)]
        i = bisect_left(self.starts, s)
        if i == len(self.starts) or self.starts[i] >= e:
            return _NO_PLACES   # most sentences name no place
        hits = self.hits
        groups = self.groups(s, e)
        sentence = _Sentence(groups, [], [], [], [], [])
        firsts, lasts, locs, clause_only, scope_only = sentence[1:]
        for x in groups:
            first = hits[x[0]]
            firsts.append(first.start)
            if len(x) == 1:   # most groups are one name
                lasts.append(first.end)
                locs.append(self.hit_loc(x[0]))
                clause_only.append(first.clause_only)
                scope_only.append(first.kind == "scope")
            else:
                lasts.append(hits[x[-1]].end)
                locs.append(self.group_loc(x))
                clause_only.append(_clause_only(hits, x))
                scope_only.append(_scope_only(hits, x))
        return sentence


def _clause_only(hits: list[_Hit], grp: tuple[int, ...]) -> bool:
    return hits[grp[0]].clause_only if len(grp) == 1 else any(hits[i].clause_only for i in grp)


def _scope_only(hits: list[_Hit], grp: tuple[int, ...]) -> bool:
    return hits[grp[0]].kind == "scope" if len(grp) == 1 else all(hits[i].kind == "scope" for i in grp)


class _Sentence(NamedTuple):
    """The place groups of one sentence of an article, with what the mentions of the sentence and of the
    sentences after it ask of them."""

    groups: list[tuple[int, ...]]   # hit indices of the place groups in the sentence, in order
    firsts: list[int]               # where each group's first hit starts
    lasts: list[int]                # where each group's last hit ends
    locs: list[_Loc]                # the place each group names, in the context of its article
    clause_only: list[bool]         # a group with a name that holds for its own clause only (其中新港园区)
    scope_only: list[bool]          # a group of scope words only (全市)


_NO_PLACES = _Sentence([], [], [], [], [], [])   # (shared: never appended to)


def _zone_word(word: str, near: tuple[str, ...], ctx: _Context) -> _Loc:
    """开发区 on a page about 徐州: the one zone of that kind in a city that the context names."""
    scored = []
    for d in _zones_for_word(word):
        if not (d.parent in near or ctx.mentioned(d.parent) > 0):
            continue
        scored.append((ctx.support(d.code) + (100 if d.parent in near else 0), d.code))
    scored.sort(reverse=True)
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return _Loc(scored[0][1])
    return _NOWHERE


@cache
def _clause_mark_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(ch) for ch in _CLAUSE_ENDS]] = True
    return table


def _clause_marks(text: str) -> list[int]:
    """Positions of the clause marks in `text`. A lookup table over all code points, indexed by the text's code
    points in numpy: a news sentence has a mark every ten characters, and a regex match object per mark cost
    four times as much."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return np.flatnonzero(_clause_mark_table().take(codes)).tolist()


@cache   # a source's home is the same on every page: look it up in the gazetteer once
def _home_code(home: str) -> str:
    if not home:
        return ""
    try:
        return gz.code_of(home)
    except UnknownPlace:
        return ""


def _to_locality(loc: _Loc, written: dict[str, str] | None = None) -> Locality:
    out = _plain_locality(loc)
    if not written or not loc.code:
        return out
    for code in gz.chain(loc.code).codes:
        if code in written:
            field = {"province": "province", "city": "city"}.get(gz.division(code).level, "district")
            out = replace(out, **{field: written[code]})
    return out


# The functions of places alone below are cached by value: a page, and the pages of a source, name the same few
# places over and over.
@lru_cache(maxsize=8192)
def _plain_locality(loc: _Loc) -> Locality:
    """The full names of a place's divisions (a Locality is frozen, so one can stand for every mention)."""
    if not loc.code:
        return Locality(place=loc.place)
    c = gz.chain(loc.code)
    return Locality(c.province, c.city, c.district, loc.place)


@lru_cache(maxsize=4096)
def _apply_scope(scope: str, ctx_loc: _Loc) -> _Loc:
    """全省 -> the province of the context, 全市 -> its city (or its county-level city), 全县/该县 -> its
    district, 全镇 -> its town, 全区 -> its district, else its autonomous region."""
    if not ctx_loc.code:
        return _NOWHERE
    codes = gz.chain(ctx_loc.code).codes
    table = {c: gz.division(c) for c in codes}
    levels = [table[c].level for c in codes]
    district = next((c for c, lv in zip(codes, levels) if lv in ("county", "zone")), "")
    if scope == "town":
        return ctx_loc if ctx_loc.place else _NOWHERE
    if scope == "region":
        if district and table[district].name.endswith("区"):
            return _Loc(district)
        if table[codes[0]].name.endswith("自治区") and not district:
            return _Loc(codes[0])
        return _Loc(district) if district else _NOWHERE
    if scope == "district":
        return _Loc(district) if district else _NOWHERE
    if scope == "city":
        if district and table[district].level == "county" and table[district].name.endswith("市"):
            return _Loc(district)
        city = next((c for c, lv in zip(codes, levels) if lv == "city"), "")
        return _Loc(city) if city else _NOWHERE
    return _Loc(codes[0])


def _inferred_home(counts: dict[str, int]) -> _Loc:
    """The place that dominates the page: the top province, then the top city in it, then the top district in
    that, each taken only when it has more than half of the mentions of the level above (of its own level for
    the province)."""
    best = ""
    # the page's codes by level, each looked up once
    table = gz.divisions()
    by_level: dict[str, list[str]] = {}
    for c in counts:
        by_level.setdefault((table[c] if c in table else gz.division(c)).level, []).append(c)
    for levels in (("province",), ("city",), ("county", "zone")):
        cands = [(counts[c], c) for level in levels for c in by_level.get(level, ())
                 if not best or gz.is_ancestor(best, c)]
        if not cands:
            continue
        n, top = max(cands)   # the most named, ties to the greatest code
        base = counts[best] if best else sum(k for k, _ in cands)
        if n * 2 <= base:
            break
        best = top
    return _Loc(best) if best else _NOWHERE


def resolve_localities(articles: Sequence[ArticleView], home: str = "") -> list[list[Locality]]:
    """One Locality per mention of each article; `articles` are all the articles of one page/file, in order.
    `home` is the source's configured home place ("" = infer from the page), e.g. "徐州市" or "江苏省徐州市"."""
    if not any(a.mentions for a in articles):
        return [[] for _ in articles]   # nothing to place: no need to read the page
    page = _Page(articles, home)
    respectively = _guards()["respectively"]
    home_loc = _Loc(page.home_code) if page.home_code else _inferred_home(page.page_counts)
    out: list[list[Locality]] = []
    for k, a in enumerate(articles):
        if not a.mentions:
            out.append([])
            continue
        ctx = page.context(k)
        art = _ArticleReading(a, page.hits[k], ctx)
        article_loc = _article_loc(art)
        parent_loc = _NOWHERE
        for p in a.parents:
            heading = _Reading(p, page.parent_hits[p], ctx)
            for grp in heading.groups(0, len(p)):
                parent_loc = _deeper_or_common(parent_loc, heading.group_loc(grp))
        fallback = _first_nonempty(article_loc, parent_loc, home_loc)
        if home_loc != _NOWHERE and _inside(home_loc, fallback) and not fallback.place:
            fallback = home_loc   # an article that names only 湖北 on a page about 黄石: 黄石
        fallback = _complete(fallback, _first_nonempty(parent_loc, home_loc))
        locs = []
        # mentions of one clause with no place between them (分别增长1.0%、6.0%) share their answer: it is worked
        # out for the first of them
        answers: dict[tuple, Locality] = {}
        headline_end = a.headline_end
        last_si = -1
        sentence: _Sentence | None = None
        # whether the article says 分别 at all: most do not, and then no mention looks for it in its clause
        pairs_respectively = any(w in a.text for w in respectively)
        for start, end, si in a.mentions:
            if si != last_si:   # mentions come sentence by sentence
                last_si = si
                sentence = art.sentence(si)
            # a sentence that names no place gives all its mentions one answer
            clause = (None if sentence is None or not sentence.groups
                      else _clause_of(art, sentence, start, end, si))
            key: tuple = (si, clause, start < headline_end)
            respective = None
            if (clause is not None and sentence is not None and pairs_respectively
                    and _word_at(a.text, respectively, clause[0], start) >= 0):
                respective = _respective_loc(art, sentence, start, clause[0], clause[1], respectively)
                if respective is not None:
                    key = (si, clause, start < headline_end, start)   # its own answer, not the clause's
            locality = answers.get(key)
            if locality is None:
                if respective is not None:
                    loc = respective
                elif sentence is None:
                    loc = None
                elif clause is None:
                    loc = _paragraph_loc(art, si)
                else:
                    if (si, clause) in art.clause_locs:
                        loc = art.clause_locs[si, clause]
                    else:
                        loc = art.clause_locs[si, clause] = _clause_loc(art, start, end, si, clause[0], clause[1],
                                                                        sentence)
                if loc is not None and start < headline_end and _inside(article_loc, loc):
                    loc = article_loc   # 内蒙古45个项目 over a body about 兴安盟: the headline's region, made precise
                if loc is None:
                    loc = fallback
                elif loc.scope:
                    # 全县 refers to the county named last in the paragraph (寻甸县……。全县新建……), else the article's
                    near = _paragraph_loc(art, si)
                    scoped = _apply_scope(loc.scope, near) if near is not None and near != _NOWHERE else _NOWHERE
                    if scoped == _NOWHERE:
                        scoped = _apply_scope(loc.scope, fallback)
                    if scoped == _NOWHERE and fallback.code:
                        # 全县 in an article about 宁波市: the county is not said, the city and province still are
                        scoped = _Loc(fallback.code)
                    loc = scoped
                else:
                    loc = _complete(loc, fallback)
                locality = page.localities.get(loc)
                if locality is None:
                    locality = page.localities[loc] = _to_locality(loc, page.written)
                answers[key] = locality
            locs.append(locality)
        out.append(locs)
    return out


def _first_nonempty(*locs: _Loc) -> _Loc:
    for x in locs:
        if x != _NOWHERE:
            return x
    return _NOWHERE


@lru_cache(maxsize=8192)
def _complete(loc: _Loc, ctx_loc: _Loc) -> _Loc:
    """Fill what a place found by name or suffix leaves open from the context: a town or park with no
    division takes the context's; a place in a city takes the context's district when that lies in the city."""
    if loc == _NOWHERE or ctx_loc == _NOWHERE or loc.scope:
        return loc
    if not loc.code:
        if not ctx_loc.code:
            return loc
        return _Loc(ctx_loc.code, loc.place)
    if loc.place and ctx_loc.code and gz.is_ancestor(loc.code, ctx_loc.code) and loc.code != ctx_loc.code:
        return _Loc(ctx_loc.code, loc.place) if gz.division(ctx_loc.code).level in ("county", "zone") else loc
    return loc


def _article_loc(art: _ArticleReading) -> _Loc:
    a, hits = art.view, art.hits
    head = _chain_or_common([art.group_loc(grp) for grp in art.groups(0, a.headline_end)
                             if not _scope_only(hits, grp) and not _clause_only(hits, grp)])
    lead_locs: list[_Loc] = []
    found = 0
    for j, (s, _) in enumerate(a.sentences):
        if s < a.headline_end:
            continue
        sentence = art.sentence(j)
        if sentence is None:
            break
        lead_locs.extend(loc for loc, clause_only, scope_only in zip(sentence.locs, sentence.clause_only,
                                                                     sentence.scope_only)
                         if not scope_only and not clause_only)
        found += 1
        if found == _LEAD_SENTENCES:
            break
    lead = _chain_or_common(lead_locs)
    if head == _NOWHERE:
        return lead
    if lead != _NOWHERE and _inside(lead, head):
        return lead
    if lead != _NOWHERE and not head.code and head.place and lead.code:
        return _Loc(lead.code, head.place)
    return head


def _clause_of(art: _ArticleReading, sentence: _Sentence, start: int, end: int, si: int
               ) -> tuple[int, int, int, int]:
    """(start, end) of the clause of a mention and the numbers of the place groups of its sentence that end
    before it and start after it: with its sentence, all that its place depends on. For a sentence that names
    a place."""
    sentences = art.view.sentences
    s, e = sentences[min(si, len(sentences) - 1)]
    # the clause of the mention: between the clause marks around it
    marks = art.clause_marks()
    j = bisect_left(marks, start)
    cs = marks[j - 1] + 1 if j > 0 and marks[j - 1] >= s else s
    j = bisect_left(marks, end)
    ce = marks[j] if j < len(marks) and marks[j] < e else e
    # groups come in text order and do not overlap: their firsts and lasts are both sorted
    return cs, ce, bisect_right(sentence.lasts, start), len(sentence.firsts) - bisect_left(sentence.firsts, end)


def _clause_loc(art: _ArticleReading, start: int, end: int, si: int, cs: int, ce: int,
                sentence: _Sentence) -> _Loc | None:
    # the groups come in text order and do not overlap: their firsts and lasts are both sorted, and the groups
    # before a position, or in a clause, are a run of them
    firsts, lasts, locs = sentence.firsts, sentence.lasts, sentence.locs
    n = bisect_right(lasts, start)   # the groups that end before the mention
    # ... and start in its clause, the nearest few of them: a clause of news prose names a handful of places, and
    # a text with no clause marks (a flattened table) must not cost each mention every group before it
    here = _nearest_or_deeper(locs[max(bisect_left(firsts, cs, 0, n), n - _MAX_GROUPS_BACK):n])
    after = bisect_left(firsts, end)   # the first group after the mention, if it ends in the clause
    if after < len(firsts) and lasts[after] <= ce:
        # 黄石市……项目开工仪式在阳新县富池镇举行: a deeper place later in the clause says where
        here = locs[after] if here == _NOWHERE or _inside(locs[after], here) else here
    if here != _NOWHERE:
        return here
    # beyond its own clause a scope word (全市) says less than a name: 开发区作为全市……，现有企业4680家
    # the nearest clause before that names a place; in it a name counts before a scope word
    marks = art.clause_marks()
    clause_only, scope_only = sentence.clause_only, sentence.scope_only
    n = bisect_right(lasts, cs)   # the groups that end before the clause
    scoped: _Loc | None = None    # the nearest clause before that names only a scope word (该县, 全县)
    while n > 0:
        k = bisect_left(marks, firsts[n - 1])   # the clause of the last of them, and its first group:
        first = max(bisect_right(firsts, marks[k - 1], 0, n) if k > 0 else 0, n - _MAX_GROUPS_BACK)
        ns = [j for j in range(first, n) if not clause_only[j]]
        if ns:
            loc = _nearest_or_deeper([locs[j] for j in ns if not scope_only[j]])
            if loc != _NOWHERE:
                # 位于监利县新沟镇的福娃集团，是该县最大的企业，拥有4万多亩基地: past a word that points back
                # (该县), a deeper place named before it in the sentence says more; it lies in what 该县 points at
                return loc if scoped is None or _deeper_than_scope(loc, scoped.scope) else scoped
            loc = _nearest_or_deeper([locs[j] for j in ns])
            if loc != _NOWHERE:
                if not loc.refers_back:
                    return loc   # 全县, 全市: the whole, whatever was named before
                if scoped is None:
                    scoped = loc
        n = first
    return scoped if scoped is not None else _paragraph_loc(art, si)


_SCOPE_DEPTH = {"province": 0, "city": 1, "district": 2, "region": 2, "town": 3}
_LEVEL_DEPTH = {"province": 0, "city": 1, "county": 2, "zone": 2}


def _deeper_than_scope(loc: _Loc, scope: str) -> bool:
    """Whether place `loc` lies below the level a scope word names (a town below 该县, a county below 全市)."""
    depth = 3 if loc.place else _LEVEL_DEPTH.get(gz.division(loc.code).level, 0) if loc.code else -1
    return depth > _SCOPE_DEPTH.get(scope, 3)


def _word_at(text: str, words: tuple[str, ...], lo: int, hi: int) -> int:
    """Where the last of `words` in text[lo:hi] starts, -1 when none is there."""
    at = -1
    for w in words:   # (a loop: a generator expression costs an object per call, and this runs per mention)
        at = max(at, text.rfind(w, lo, hi))
    return at


def _respective_loc(art: _ArticleReading, sentence: _Sentence, start: int, cs: int, ce: int,
                    respectively: tuple[str, ...]) -> _Loc | None:
    """沈丘县、项城市分别收购15.2万吨和13.8万吨: the place of the list before 分别 (place_guards.toml, respectively)
    that goes with the mention at `start`, one for one: the list and the quantities after 分别 in the clause must be
    as many, and no other place may stand between them; else None."""
    at = _word_at(art.view.text, respectively, cs, start)
    firsts, lasts = sentence.firsts, sentence.lasts
    n = bisect_right(lasts, at)   # the groups that end before 分别: the last of them is the list
    if n == 0 or firsts[n - 1] < cs or (n < len(firsts) and firsts[n] < ce):
        return None
    members = art.list_members(sentence.groups[n - 1])
    if len(members) < 2 or _NOWHERE in members:
        return None
    starts = art.mention_starts()
    after = starts[bisect_right(starts, at):bisect_left(starts, ce)]
    if len(after) != len(members):
        return None
    return members[after.index(start)]


def _nearest_or_deeper(locs: list[_Loc]) -> _Loc:
    """The last place of `locs` (the nearest before a mention), or an earlier one that lies inside it
    (赣榆区地处江苏沿海北端: 赣榆区)."""
    if len(locs) == 1:
        return locs[0]
    locs = [x for x in locs if x != _NOWHERE]
    if not locs:
        return _NOWHERE
    found = locs[-1]
    for x in locs[:-1]:
        if _inside(x, found):
            found = x
    return found


def _paragraph_loc(art: _ArticleReading, si: int) -> _Loc | None:
    """The nearest place named in the few sentences before, in the same paragraph (not across a line)."""
    if si in art.paragraph_locs:   # every mention of a sentence without a place asks the same question
        return art.paragraph_locs[si]
    loc = art.paragraph_locs[si] = _find_paragraph_loc(art, si)
    return loc


def _find_paragraph_loc(art: _ArticleReading, si: int) -> _Loc | None:
    a = art.view
    text = a.text
    s0 = a.sentences[si][0]
    for back in range(1, _PARAGRAPH_LOOKBACK + 1):
        j = si - back
        if j < 0:
            break
        s, e = a.sentences[j]
        if text.find("\n", e, s0) >= 0 or s < a.headline_end:
            break
        # the nearest place named in that sentence, or a deeper one inside it (监利县隶属于湖北省荆州市: 监利县)
        sentence = art.sentence(j)
        if sentence is None:
            break
        found = _nearest_or_deeper([x for x, clause_only in zip(sentence.locs, sentence.clause_only)
                                    if not clause_only and not x.scope])
        if found != _NOWHERE:
            return found
        s0 = s
    return None


def parse_place(name: str) -> Locality:
    """"江苏省徐州市" -> Locality("江苏省", "徐州市", "", ""); UnknownPlace (a ValueError) if unknown."""
    if not isinstance(name, str) or not name.strip():
        raise UnknownPlace(f"not a place name: {name!r}")
    return _to_locality(_Loc(gz.code_of(name.strip())))


def read_homes(path) -> dict[str, str]:
    """A source -> home place table from a TOML file with a [homes] table ("徐州日报" = "江苏省徐州市").
    Every home must be a known place (UnknownPlace otherwise)."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    homes = data.get("homes", {})
    for source, home in homes.items():
        parse_place(home)
    return dict(homes)
