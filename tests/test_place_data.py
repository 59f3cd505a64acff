"""The place data files as data: allowed keys, no duplicates, and every example resolves as stated."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import regex

from extract import gazetteer as gz
from extract.places import ArticleView, Locality, resolve_localities
from extract.segment import sentence_spans

DATA = Path(gz.__file__).resolve().parent / "data"

ALLOWED = {
    "zones.toml": {
        "zone": {"name", "parent", "aliases", "examples"},
        "place": {"name", "parent", "aliases", "examples"},
    },
    "place_suffixes.toml": {
        "town_endings": None,
        "alias": {"levels", "full", "stem", "aliases", "examples"},
        "suffix": {"word", "needs_parent", "parent_levels", "holds_places", "max_prefix", "not_followed_by", "examples", "not"},
        "scope": {"word", "level", "refers_back", "examples"},
        "zone_word": {"word", "endings", "examples"},
        "zone_suffix": {"word", "examples"},
        "institution": {"words", "not_in_name", "examples"},
    },
    "place_guards.toml": {
        "stop_chars": None,
        "word_start_after": None,
        "part_of_word": {"word", "name", "examples"},
        "common_word": {"word", "examples"},
        "weak_name": {"name", "examples"},
        "not_after": {"word", "examples"},
        "origin_before": {"word", "examples"},
        "person": {"titles", "surnames", "examples"},
        "speaker": {"pattern", "hint", "examples"},
        "company": {"pattern", "hint", "examples"},
        "leading_word": {"word", "examples"},
        "destination_before": {"word", "examples"},
        "not_scope_after": {"word", "examples"},
        "clause_only_after": {"word", "examples"},
        "list_joiner": {"words", "examples"},
        "route_mark": {"words", "examples"},
        "respectively": {"words", "examples"},
    },
    "gazetteer.corrections.toml": {"add": {"code", "level", "name", "short", "parent"}, "rename": {"code", "name", "short"}},
}


def load(name: str) -> dict:
    return tomllib.loads((DATA / name).read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(ALLOWED), ids=str)
def test_allowed_keys(name: str):
    data = load(name)
    assert set(data) <= set(ALLOWED[name]), f"unknown sections in {name}: {set(data) - set(ALLOWED[name])}"
    for section, keys in ALLOWED[name].items():
        if keys is None:
            continue
        for entry in data.get(section, []):
            assert set(entry) <= keys, f"{name} [[{section}]] {entry}: unknown keys {set(entry) - keys}"


def _keyed(name: str, section: str, key: str) -> list[str]:
    return [e[key] for e in load(name).get(section, [])]


DUPLICATE_CHECKS = [
    ("place_guards.toml", "common_word", "word"),
    ("place_guards.toml", "weak_name", "name"),
    ("place_guards.toml", "not_after", "word"),
    ("place_guards.toml", "origin_before", "word"),
    ("place_guards.toml", "leading_word", "word"),
    ("place_guards.toml", "destination_before", "word"),
    ("place_suffixes.toml", "suffix", "word"),
    ("place_suffixes.toml", "scope", "word"),
    ("place_suffixes.toml", "zone_word", "word"),
    ("place_suffixes.toml", "zone_suffix", "word"),
]


@pytest.mark.parametrize("name,section,key", DUPLICATE_CHECKS, ids=lambda x: str(x))
def test_no_duplicates(name: str, section: str, key: str):
    values = _keyed(name, section, key)
    assert len(values) == len(set(values)), [v for v in values if values.count(v) > 1]


def test_zone_names_and_aliases_unique_and_new():
    data = load("zones.toml")
    surfaces = [s for e in data["zone"] + data.get("place", []) for s in [e["name"], *e["aliases"]]]
    assert len(surfaces) == len(set(surfaces))
    gazetteer_names = {d.name for d in gz.divisions().values() if "Z" not in d.code}
    assert not {e["name"] for e in data["zone"]} & gazetteer_names, "zone already in gazetteer.tsv"
    for e in data["zone"] + data.get("place", []):
        gz.code_of(e["parent"])   # every parent is a known place


def test_gazetteer_tsv_is_well_formed():
    seen = set()
    for line in (DATA / "gazetteer.tsv").read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        code, level, name, short, parent, former = line.split("\t")
        assert regex.fullmatch(r"\d{6}", code) and code not in seen
        seen.add(code)
        assert level in ("province", "city", "county", "zone")
        assert name and (parent == "" or regex.fullmatch(r"\d{6}", parent))


# ------------------------------------------------------------------ examples resolve as stated

_NUMBER = regex.compile(r"[0-9０-９]+(?:\.[0-9]+)?\p{Han}?|[一二两三四五六七八九十百千万]+\p{Han}")


def _resolve_text(text: str) -> Locality:
    """The locality of the first number in `text`, as one article with no headline whose every number is a
    mention (so that 分别 can pair them with a list of places)."""
    full = "\n" + text
    numbers = list(_NUMBER.finditer(full))
    assert numbers, f"example has no number: {text}"
    sentences = tuple(sentence_spans(full))
    mentions = tuple((m.start(), m.end(), max(i for i, (s, _) in enumerate(sentences) if s <= m.start()))
                     for m in numbers)
    return resolve_localities([ArticleView(full, 0, (), sentences, mentions)])[0][0]


def _expected(example: str) -> tuple[str, Locality]:
    if " -> " in example:
        text, path = example.rsplit(" -> ", 1)
        return text, Locality(*path.split("/"))
    return example, Locality()


def _examples() -> list[tuple[str, str]]:
    out = []
    for name in ("zones.toml", "place_suffixes.toml", "place_guards.toml"):
        for section, entries in load(name).items():
            if not isinstance(entries, list) or section == "alias":
                continue
            for entry in entries:
                if not isinstance(entry, dict):
                    continue
                for ex in entry.get("examples", []) + entry.get("not", []):
                    out.append((f"{name}:{section}:{ex[:24]}", ex))
    return out


@pytest.mark.parametrize("example", [e for _, e in _examples()], ids=[i for i, _ in _examples()])
def test_example_resolves_as_stated(example: str):
    text, expected = _expected(example)
    assert _resolve_text(text) == expected


ALIAS_EXAMPLES = [(r["full"], ex) for r in load("place_suffixes.toml")["alias"] for ex in r["examples"]]


@pytest.mark.parametrize("full,example", ALIAS_EXAMPLES, ids=[e for _, e in ALIAS_EXAMPLES])
def test_alias_examples(full: str, example: str):
    name, alias = example.split(" -> ")
    assert name.endswith(full)
    assert name in {t.name for t in gz.lookup(alias)}


def test_town_endings_are_suffixes_of_towns():
    endings = tuple(load("place_suffixes.toml")["town_endings"])
    assert sum(1 for t in gz.towns() if t.endswith(endings)) > 25000


# ------------------------------------------------------------------ hints hold for every match

# Every text the data files give as an example: the speaker and company patterns are tried right after a name in
# each, and every match must hold one of the entry's hint characters (else the scan's cheap pre-test would skip
# a match that the pattern makes).
_ALL_EXAMPLE_TEXTS = [_expected(ex)[0] for _, ex in _examples()]


@pytest.mark.parametrize("section", ["speaker", "company"])
def test_hint_characters_are_in_every_match(section: str):
    entries = load("place_guards.toml")[section]
    matched = 0
    for entry in entries:
        pattern = regex.compile(entry["pattern"].removeprefix("^"))
        for text in _ALL_EXAMPLE_TEXTS:
            for i in range(len(text)):
                m = pattern.match(text, i, i + 8)   # as the scan tries it: at a name's end, 8 characters on
                if m:
                    matched += 1
                    assert any(ch in m.group() for ch in entry["hint"]), (section, text, m.group())
    assert matched >= len(entries)   # each pattern matched somewhere, so the test tested something
