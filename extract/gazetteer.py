"""China's divisions down to county level, the zones users treat as counties, towns and named places.

Loaded once, lazily, from data files in extract/data/:
- gazetteer.tsv (built from the jionlp package by data/build_gazetteer.py): code, level, name, short, parent,
  former names;
- gazetteer.towns.tsv: the town-level units (镇, 乡, 街道) of each county;
- zones.toml: county-level zones that are not in the statistical code list, their aliases, and named places
  below county level (a dam, a port area) with their parents;
- place_suffixes.toml: how aliases are formed (临夏回族自治州 -> 临夏州, 淮安经济技术开发区 -> 淮安经开区);
- place_guards.toml: names that are also common words and never fire on their own.

`names()` maps every surface form to the `Target`s it can mean; an ambiguous name (通州区, 鼓楼区) has several.
"""
from __future__ import annotations

import gc
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

# (not __file__: a module compiled by mypyc has none)
DATA = Path(str(resources.files("extract.data")))


class UnknownPlace(ValueError):
    """A place name that the gazetteer does not know."""


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    level: str          # province | city | county | zone
    name: str
    short: str
    parent: str         # adcode of the parent, "" for a province
    former: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Target:
    """One thing a surface form can mean.

    level: province | city | county | zone | town | place.
    code: the division's adcode; for a town or a named place, the adcode of the unit it lies in.
    name: the name to write (the full standard name; a former full name when the text uses it).
    weak: a short form that counts only when its parent is in the context (云龙 for 云龙区).
    """

    level: str
    code: str
    name: str
    weak: bool = False


@dataclass(frozen=True, slots=True)
class Chain:
    """Province, city, district (county or zone) of a code, full names; district "" above county level."""

    province: str
    city: str
    district: str
    codes: tuple[str, ...]   # the adcodes from the province down, for context counting


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the place tables are built. They are some 250,000 objects
    made at once that live as long as the process; every few hundred allocations the collector would walk the
    young ones and now and then all of them, which cost about a third of the building time (~0.2 s of CPU)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@cache
def divisions() -> dict[str, Division]:
    out: dict[str, Division] = {}
    for code, level, name, short, parent, former in _read_tsv(DATA / "gazetteer.tsv"):
        out[code] = Division(code, level, name, short, parent, tuple(f for f in former.split(",") if f))
    for zone in zones_data().get("zone", []):
        parent = code_of(zone["parent"], out)
        code = f"{parent}Z{zone['name']}"
        out[code] = Division(code, "zone", zone["name"], "", parent, ())
    return out


@cache
def zones_data() -> dict:
    return tomllib.loads((DATA / "zones.toml").read_text("utf-8"))


@cache
def suffix_data() -> dict:
    return tomllib.loads((DATA / "place_suffixes.toml").read_text("utf-8"))


@cache
def guard_data() -> dict:
    return tomllib.loads((DATA / "place_guards.toml").read_text("utf-8"))


@cache
def towns() -> dict[str, tuple[str, ...]]:
    """{town name: adcodes of the counties (or town-only cities) that have a town of that name}."""
    out: dict[str, list[str]] = {}
    for code, names in _read_tsv(DATA / "gazetteer.towns.tsv"):
        for name in names.split(","):
            out.setdefault(name, []).append(code)
    return {k: tuple(v) for k, v in out.items()}


def code_of(path: str, table: dict[str, Division] | None = None) -> str:
    """The adcode of a place written as full names from the top: "江苏省徐州市" -> "320300", "徐州市" too.
    Raises UnknownPlace when no division or more than one fits."""
    table = table if table is not None else divisions()
    fits = [d for d in table.values() if path.endswith(d.name) and _path_fits(path, d, table)]
    # a municipality is both province and city: the city (deeper) is the one meant
    fits = [d for d in fits if not any(e.parent == d.code and e.name == d.name for e in fits)]
    if len(fits) != 1:
        raise UnknownPlace(f"unknown or ambiguous place: {path!r}")
    return fits[0].code


def _path_fits(path: str, d: Division, table: dict[str, Division]) -> bool:
    """Every name in `path` before `d.name` is one of d's ancestors, in order (江苏徐州 is not required)."""
    rest = path[: len(path) - len(d.name)]
    for name in reversed(chain_names(d.code, table)[:-1]):
        if rest.endswith(name):
            rest = rest[: len(rest) - len(name)]
    return rest == ""


def chain_names(code: str, table: dict[str, Division] | None = None) -> list[str]:
    """Full names from the province down to `code`; a municipality's name once (北京市, not 北京市北京市)."""
    table = table if table is not None else divisions()
    out: list[str] = []
    while code:
        d = table[code]
        if not (out and out[0] == d.name):
            out.insert(0, d.name)
        code = d.parent
    return out


def division(code: str) -> Division:
    """The division of a code. A zone found in text by its ending (宜宾临港经济技术开发区) has the code
    "<parent adcode>Z<name>" and is made from it, so it needs no table."""
    table = divisions()
    if code in table:
        return table[code]
    parent, sep, name = code.partition("Z")
    if not sep or parent not in table or not name:
        raise UnknownPlace(f"unknown code: {code!r}")
    return Division(code, "zone", name, "", parent, ())


@cache
def chain(code: str) -> Chain:
    """The full-name chain above and including a division. A county directly under its province (仙桃市)
    is written as both city and district, as gold writes a municipality as both province and city."""
    d = division(code)
    codes: list[str] = []
    province = city = district = ""
    c = code
    while c:
        x = division(c)
        codes.insert(0, c)
        if x.level == "province":
            province = x.name
        elif x.level == "city":
            city = x.name
        else:
            district = x.name
        c = x.parent
    if d.level == "county" and not city:
        city = district
    return Chain(province, city, district, tuple(codes))


def is_ancestor(anc: str, code: str) -> bool:
    """True when division `anc` is `code` or contains it."""
    return anc in chain(code).codes


@cache
def names() -> dict[str, tuple[Target, ...]]:
    """Every surface form -> what it can mean. Built once from the data files."""
    with no_cycle_collection():
        return _build_names()


def _build_names() -> dict[str, tuple[Target, ...]]:
    table = divisions()
    sfx = suffix_data()
    common = {g["word"] for g in guard_data().get("common_word", [])}
    weak_full = {g["name"] for g in guard_data().get("weak_name", [])}
    strong: dict[str, dict[Target, None]] = {}
    weak: dict[str, dict[Target, None]] = {}

    def add(surface: str, target: Target, into=strong) -> None:
        if len(surface) >= 2 and surface not in common:
            into.setdefault(surface, {})[target] = None

    municipal = {d.parent for d in table.values() if d.level == "city" and d.name == table[d.parent].name}
    for d in table.values():
        if d.level == "province" and d.code in municipal:
            continue   # 北京市 the province: the name is indexed as the city, which implies the province
        if d.name in weak_full:
            add(d.name, Target(d.level, d.code, d.name, weak=True), weak)
        else:
            add(d.name, Target(d.level, d.code, d.name))
        for old in d.former:
            add(old, Target(d.level, d.code, old))
        for rule in sfx.get("alias", []):
            if d.level in rule["levels"] and d.name.endswith(rule["full"]):
                stem = d.short if rule["stem"] == "short" else d.name[: -len(rule["full"])]
                if len(stem) >= 2:
                    for alias_end in rule["aliases"]:
                        add(stem + alias_end, Target(d.level, d.code, d.name))
        if d.short and d.short != d.name and len(d.short) >= 2 and d.level != "zone":
            is_weak = d.level == "county"
            add(d.short, Target(d.level, d.code, d.name, weak=is_weak), weak if is_weak else strong)
    for zone in zones_data().get("zone", []):
        code = f"{code_of(zone['parent'])}Z{zone['name']}"
        for alias in zone.get("aliases", []):
            add(alias, Target("zone", code, zone["name"]))
    for place in zones_data().get("place", []):
        target = Target("place", code_of(place["parent"]), place["name"])
        for surface in [place["name"], *place.get("aliases", [])]:
            add(surface, target)
    for town, codes in towns().items():
        if len(town) >= 3 and town.endswith(tuple(sfx["town_endings"])):
            for c in codes:
                add(town, Target("town", c, town))
    out = {k: tuple(v) for k, v in strong.items()}
    for k, v in weak.items():
        out[k] = out.get(k, ()) + tuple(t for t in v if t not in out.get(k, ()))
    return out


def lookup(surface: str) -> tuple[Target, ...]:
    """What a surface form can mean; () when it is not a place name."""
    return names().get(surface, ())


def find_division(name: str) -> tuple[Division, ...]:
    """Divisions whose full current name is `name` (several for 通州区, 鼓楼区)."""
    return tuple(d for d in divisions().values() if d.name == name)
