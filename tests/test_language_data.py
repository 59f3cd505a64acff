"""The language data files tested as data: allowed keys, no duplicates, and every example gives what it says.

Each example is `sentence -> text = value unit [qualifier]` (units, qualifiers, exclusions), `sentence -> text =
metric` (metrics) or `sentence -> text = subject` (subjects); an example without `->` must give no fact. A positive
example must give exactly one fact covering exactly its text.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

import pytest

from extract import extract
from extract.fact import METRICS, QUALIFIERS
from extract.language import ALLOWED_KEYS, LanguageDataError, load

DATA_FILES = ("units.toml", "qualifiers.toml", "exclusions.toml", "metrics.toml", "subjects.toml")


@dataclass(frozen=True)
class Example:
    source: str
    sentence: str
    text: str | None       # None: no fact at all
    expect: tuple[str, ...]


def _raw(name: str) -> dict:
    with resources.files("extract.data").joinpath(name).open("rb") as f:
        return tomllib.load(f)


def _entries(name: str):
    for table, entries in _raw(name).items():
        if isinstance(entries, dict) and all(isinstance(v, dict) for v in entries.values()):
            entries = list(entries.values())  # [grammar.article_one], [grammar.threshold]: one entry each
        elif isinstance(entries, dict):
            entries = [entries]
        for i, entry in enumerate(entries):
            yield table, i, entry


def _examples() -> list[Example]:
    out = []
    for name in DATA_FILES:
        for table, i, entry in _entries(name):
            label = entry.get("id") or entry.get("name") or entry.get("metric") or "/".join(entry.get("words", [])[:2])
            for key in ("examples", "not"):
                for ex in entry.get(key, []):
                    sentence, _, rest = ex.partition(" -> ")
                    if rest:
                        text, _, expect = rest.partition(" = ")
                        out.append(Example(f"{name}:{table}:{label}:{key}", sentence, text, tuple(expect.split())))
                    else:
                        out.append(Example(f"{name}:{table}:{label}:{key}", sentence, None, ()))
    return out


EXAMPLES = _examples()


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_loads_with_only_allowed_keys(name):
    data = load(name)
    for table in data:
        assert (name, table) in ALLOWED_KEYS


def test_a_misspelt_key_is_refused(tmp_path, monkeypatch):
    from extract import language

    bad = tmp_path / "units.toml"
    bad.write_text('[[unit]]\nwords = ["名"]\nunit = "人"\nkind = "people"\nexampels = []\n', encoding="utf-8")
    monkeypatch.setattr(language.resources, "files", lambda pkg: tmp_path)
    language.load.cache_clear()
    try:
        with pytest.raises(LanguageDataError, match="exampels"):
            language.load("units.toml")
    finally:
        language.load.cache_clear()


def test_no_measure_word_is_listed_twice():
    seen: dict[str, str] = {}
    for table, i, entry in _entries("units.toml"):
        if table not in ("unit", "noun"):
            continue
        for w in entry["words"]:
            key = f"{table}:{w}"
            assert key not in seen, f"{w!r} is listed twice in [[{table}]] ({seen.get(key)} and #{i + 1})"
            seen[key] = f"#{i + 1}"


def test_exclusion_rule_ids_are_unique():
    ids = [entry["id"] for table, _, entry in _entries("exclusions.toml") if table == "rule"]
    assert len(ids) == len(set(ids))


def test_qualifier_and_metric_names_are_the_spec_names():
    for _, _, entry in _entries("qualifiers.toml"):
        assert entry["name"] in QUALIFIERS
    for _, _, entry in _entries("metrics.toml"):
        assert entry["metric"] in METRICS


def test_every_entry_has_an_example():
    for name in DATA_FILES:
        for table, i, entry in _entries(name):
            if table == "default":
                continue
            assert entry.get("examples"), f"{name} [[{table}]] #{i + 1} has no example"


@pytest.mark.parametrize("ex", EXAMPLES, ids=[f"{e.source}:{e.sentence[:16]}" for e in EXAMPLES])
def test_example(ex: Example):
    facts = extract(ex.sentence)
    if ex.text is None:
        assert facts == [], f"{ex.sentence!r} must give no fact, gave {[f.text for f in facts]}"
        return
    hits = [f for f in facts if f.text == ex.text]
    assert len(hits) == 1, f"{ex.sentence!r}: expected one fact {ex.text!r}, got {[f.text for f in facts]}"
    fact = hits[0]
    assert ex.sentence[fact.start:fact.end] == ex.text
    if ex.source.startswith("metrics.toml"):
        assert fact.metric == ex.expect[0]
    elif ex.source.startswith("subjects.toml"):
        assert fact.subject == (ex.expect[0] if ex.expect else "")   # (nothing after " = ": no subject)
    else:
        value, unit, *qual = ex.expect
        assert fact.value == pytest.approx(float(value))
        assert fact.unit == unit
        if qual:
            assert fact.qualifier == qual[0]
