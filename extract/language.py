"""Loading the language data files in extract/data/ (units, qualifiers, exclusions, metrics), checked and cached.

Each file documents its own schema at the top; `ALLOWED_KEYS` here is what the loader accepts, so a typo in a key
fails loudly instead of being ignored.
"""
from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

from extract.errors import ExtractError


class LanguageDataError(ExtractError):
    """A data file in extract/data/ breaks its schema."""


ALLOWED_KEYS = {
    ("units.toml", "unit"): {"words", "unit", "kind", "examples", "not", "needs_multiplier", "needs_words"},
    ("units.toml", "noun"): {"words", "unit", "kind", "examples", "not", "arabic_only"},
    ("units.toml", "rate"): {"words", "per", "position", "examples", "not"},
    ("units.toml", "carried_rate"): {"words", "position", "examples", "not"},
    ("units.toml", "implied"): {"words", "unit", "kind", "examples", "not"},
    ("units.toml", "counted"): {"measure", "nouns", "unit", "kind", "examples", "not", "position"},
    ("units.toml", "sign"): {"sign", "unit", "examples", "not"},
    ("units.toml", "minor"): {"word", "fraction", "examples", "not"},
    ("units.toml", "time"): {"words", "examples", "not"},
    ("units.toml", "guard"): {"after", "before", "chars", "except_words", "unit", "numerals", "examples", "not"},
    ("qualifiers.toml", "qualifier"): {"name", "position", "words", "not_after", "not_after_words", "examples", "not"},
    ("exclusions.toml", "rule"): {"id", "kind", "words", "pattern", "reason", "examples", "units", "not_after",
                                    "modifiers", "compounds", "at", "hint"},
    ("exclusions.toml", "grammar"): {"article_one", "threshold"},
    ("metrics.toml", "rule"): {"metric", "kinds", "units", "keywords", "examples", "not", "priority"},
    ("metrics.toml", "default"): {"kind", "metric"},
    ("subjects.toml", "subject"): {"stop_after", "verbs_before", "lead_words", "max_after", "max_before", "examples"},
    ("layout.toml", "byline"): {"words", "examples"},
}
REQUIRED_KEYS = {
    ("units.toml", "unit"): {"words", "unit", "kind", "examples"},
    ("units.toml", "noun"): {"words", "unit", "kind", "examples"},
    ("units.toml", "rate"): {"words", "per", "position", "examples"},
    ("units.toml", "carried_rate"): {"words", "position", "examples"},
    ("units.toml", "implied"): {"words", "unit", "kind", "examples"},
    ("units.toml", "counted"): {"measure", "nouns", "unit", "kind", "examples"},
    ("units.toml", "sign"): {"sign", "unit", "examples"},
    ("units.toml", "minor"): {"word", "fraction", "examples"},
    ("units.toml", "time"): {"words", "examples"},
    ("units.toml", "guard"): {"examples"},
    ("qualifiers.toml", "qualifier"): {"name", "position", "words", "examples"},
    ("exclusions.toml", "rule"): {"id", "kind", "reason", "examples"},
    ("exclusions.toml", "grammar"): {"article_one", "threshold"},
    ("metrics.toml", "rule"): {"metric", "examples"},
    ("metrics.toml", "default"): {"kind", "metric"},
    ("subjects.toml", "subject"): {"stop_after", "verbs_before", "lead_words", "max_after", "max_before", "examples"},
    ("layout.toml", "byline"): {"words", "examples"},
}


@cache
def load(name: str) -> dict:
    """The parsed data file `name`, after its entries are checked against ALLOWED_KEYS and REQUIRED_KEYS."""
    with resources.files("extract.data").joinpath(name).open("rb") as f:
        data = tomllib.load(f)
    for table, entries in data.items():
        key = (name, table)
        if isinstance(entries, dict):
            entries = [entries]
        if key not in ALLOWED_KEYS:
            raise LanguageDataError(f"{name}: unknown table [[{table}]]")
        for i, entry in enumerate(entries):
            extra = set(entry) - ALLOWED_KEYS[key]
            missing = REQUIRED_KEYS[key] - set(entry)
            if extra or missing:
                raise LanguageDataError(f"{name} [[{table}]] #{i + 1}: unknown keys {sorted(extra)}, missing {sorted(missing)}")
    return data


def alternation(words) -> str:
    """A regex matching any of the literal `words`, longest first (人次 wins over 人, 平方公里 over 公里).

    It is written as a trie (人(?:次|天)?): the engine then decides on the first character instead of trying a
    hundred alternatives in turn, which is what keeps the quantity scan fast. Valid for `re` and `regex`.
    """
    root: dict = {}
    for w in set(words):
        if not w:
            continue
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not root:
        return "(?!)"
    return "(?:" + _emit(root) + ")"


def _emit(node: dict) -> str:
    branches = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here and longer ones go on: the longer ones are tried first, greedily
        return ("(?:" + body + ")" if len(branches) == 1 and len(body) > 1 else body) + "?"
    return body
