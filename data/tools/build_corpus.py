"""Builds the sample corpus (data/articles/), its gold (data/gold.jsonl) and exclusions (data/EXCLUDED.md)
from the annotated sources in data/tools/annotated/.

Why a build step: offsets must never be counted by hand. Each annotated source is the article text with its facts
and exclusions marked inline; this script removes the marks, writes the raw article exactly as a reader will see
it, and computes every offset from the text it wrote. It then re-reads each written file (decoding GB18030 where
used) and checks raw[start:end] == text for every fact.

Annotated source format (one file per article file or feed record):
    % key = value          header lines at the very top:
                             path      file under data/articles/ (or feed file for feed records)
                             loc       default locality  province/city/district/place
                             encoding  utf-8 (default) or gb18030
                             id, title, date, source, url   feed records only (path ends with .jsonl)
    %loc 省/市/区/地        a line of its own inside the body: the default locality from here on (line dropped)
    {text|value|unit|q|m|subject|extra...}
                           a fact. q: e exact, a approx, L at_least, M at_most, r range.
                           m: th throughput, pa participants, fu funds, ou output, co count, le length, ar area,
                           pe percent. value is a decimal (1400e4 allowed). extras: hi=<value_high>,
                           @省/市/区/地 (locality of this fact), note=<text>.
    <text|reason>          a numeric-looking string deliberately not annotated (goes to EXCLUDED.md)
    ⏎                      a scanner's mid-sentence line break: written as two newlines, not a sentence end

Run:  .venv/bin/python data/tools/build_corpus.py        (from the project root)
"""
from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent / "annotated"
ARTICLES = DATA / "articles"

QUALIFIER_CODES = {"e": "exact", "a": "approx", "L": "at_least", "M": "at_most", "r": "range"}
METRIC_CODES = {"th": "throughput", "pa": "participants", "fu": "funds", "ou": "output", "co": "count",
                "le": "length", "ar": "area", "pe": "percent"}
SOFT_BREAK = "⏎"
# Sentence ends; closing quotes and brackets that follow an end belong to the sentence they close.
SENTENCE_END = "。！？!?"
CLOSERS = "”’」』）)"
MARK = re.compile(r"\{([^{}]+)\}|<([^<>]+)>|" + SOFT_BREAK)


class SourceError(ValueError):
    """An annotated source that cannot be built."""


def number(text: str) -> int | float:
    try:
        d = Decimal(text)
    except ArithmeticError as e:
        raise SourceError(f"not a number: {text!r}") from e
    return int(d) if d == d.to_integral_value() else float(d)


def parse_header(lines: list[str]) -> tuple[dict, list[str]]:
    header: dict[str, str] = {}
    i = 0
    while i < len(lines) and lines[i].startswith("% "):
        key, _, value = lines[i][2:].partition("=")
        header[key.strip()] = value.strip()
        i += 1
    return header, lines[i:]


def split_locality(spec: str) -> list[str]:
    parts = spec.split("/")
    if len(parts) != 4:
        raise SourceError(f"locality needs 4 levels: {spec!r}")
    return parts


def render(body_lines: list[str], default_loc: list[str], source: str):
    """Raw text, facts (with offsets), exclusions, soft-break offsets."""
    out: list[str] = []
    pos = 0
    facts: list[dict] = []
    excluded: list[tuple[str, str]] = []
    soft: list[int] = []
    loc = default_loc
    lines = body_lines
    # Drop locality directive lines, remembering where they switch the default.
    text_parts: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("%loc "):
            loc = split_locality(line[5:].strip())
            continue
        text_parts.append((line, loc))
    for n, (line, loc) in enumerate(text_parts):
        last = 0
        for m in MARK.finditer(line):
            plain = line[last:m.start()]
            out.append(plain)
            pos += len(plain)
            last = m.end()
            if m.group(0) == SOFT_BREAK:
                soft.append(pos)
                out.append("\n\n")
                pos += 2
                continue
            if m.group(2) is not None:
                text, _, reason = m.group(2).partition("|")
                if not reason:
                    raise SourceError(f"{source}: exclusion without reason: {text!r}")
                excluded.append((text, reason))
                out.append(text)
                pos += len(text)
                continue
            fields = m.group(1).split("|")
            if len(fields) < 6:
                raise SourceError(f"{source}: fact needs 6 fields: {m.group(0)}")
            text, value, unit, q, metric, subject, *extras = fields
            if q not in QUALIFIER_CODES or metric not in METRIC_CODES:
                raise SourceError(f"{source}: bad qualifier or metric code in {m.group(0)}")
            fact = {
                "text": text, "start": pos, "end": pos + len(text), "value": number(value), "value_high": None,
                "unit": unit, "qualifier": QUALIFIER_CODES[q], "metric": METRIC_CODES[metric],
                "subject": subject, "loc": loc, "note": None,
            }
            for extra in extras:
                if extra.startswith("hi="):
                    fact["value_high"] = number(extra[3:])
                elif extra.startswith("@"):
                    fact["loc"] = split_locality(extra[1:])
                elif extra.startswith("note="):
                    fact["note"] = extra[5:]
                else:
                    raise SourceError(f"{source}: unknown extra {extra!r}")
            if (fact["qualifier"] == "range") != (fact["value_high"] is not None):
                raise SourceError(f"{source}: range and hi= go together: {text}")
            facts.append(fact)
            out.append(text)
            pos += len(text)
        tail = line[last:]
        out.append(tail)
        pos += len(tail)
        if n < len(text_parts) - 1:
            out.append("\n")
            pos += 1
    return "".join(out), facts, excluded, soft


def sentence_of(raw: str, start: int, end: int, soft: list[int]) -> str:
    """The sentence holding raw[start:end]: paragraph bounded by hard newlines, cut after 。！？ (+closers)."""
    soft_newlines = {p for s in soft for p in (s, s + 1)}
    left = start
    while left > 0:
        ch = raw[left - 1]
        if ch == "\n" and (left - 1) not in soft_newlines:
            break
        if ch in SENTENCE_END:
            break
        if ch in CLOSERS:
            k = left - 1
            while k > 0 and raw[k - 1] in CLOSERS:
                k -= 1
            if k > 0 and raw[k - 1] in SENTENCE_END:
                break
        left -= 1
    right = end
    while right < len(raw):
        ch = raw[right]
        if ch == "\n" and right not in soft_newlines:
            break
        right += 1
        if ch in SENTENCE_END:
            while right < len(raw) and raw[right] in CLOSERS:
                right += 1
            break
    sentence = raw[left:right].replace("**", "")
    return sentence.strip().lstrip("#").strip()


def check_value(fact: dict) -> str | None:
    """A rough independent reading of the number in `text`, to catch slips in hand-typed values."""
    text = fact["text"].translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    text = text.replace(",", "").replace("，", "")
    nums = re.findall(r"\d+(?:\.\d+)?", text)
    if not nums or fact["qualifier"] == "range":
        return None
    if any(w in text for w in ("成", "半", "分之", "百分之")):
        return None
    v = Decimal(nums[0])
    after = text[text.index(nums[0]) + len(nums[0]):].lstrip("余多")
    if after.startswith("万亿"):
        v *= Decimal(10) ** 12
    elif after.startswith("万"):
        v *= 10000
    elif after.startswith("亿"):
        v *= 10 ** 8
    elif after.startswith("千") and not after.startswith("千克"):
        v *= 1000
    if Decimal(str(fact["value"])) != v:
        return f"value {fact['value']} but text reads {v}"
    return None


def main() -> int:
    gold: list[dict] = []
    exclusions: list[str] = []
    feeds: dict[str, list[tuple[str, dict]]] = {}
    written: dict[str, tuple[Path, str]] = {}
    warnings: list[str] = []
    for src in sorted(SOURCES.glob("*.txt")):
        header, body = parse_header(src.read_text(encoding="utf-8").split("\n"))
        while body and body[-1] == "":
            body.pop()
        try:
            raw, facts, excluded, soft = render(body, split_locality(header["loc"]), src.name)
        except (SourceError, KeyError) as e:
            raise SourceError(f"{src.name}: {e}") from e
        rel = header["path"]
        if rel.endswith(".jsonl"):
            doc = header["id"]
            record = {k: header[k] for k in ("id", "title", "date", "source", "url")}
            record["text"] = raw
            feeds.setdefault(rel, []).append((src.name, record))
        else:
            doc = Path(rel).stem
            path = ARTICLES / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            encoding = header.get("encoding", "utf-8")
            path.write_bytes(raw.encode(encoding))
        if doc in written:
            raise SourceError(f"doc {doc} twice: {src.name} and {written[doc][0]}")
        written[doc] = (src, raw)
        for fact in facts:
            problem = check_value(fact)
            if problem:
                warnings.append(f"{doc} {fact['text']}: {problem}")
            province, city, district, place = fact["loc"]
            line = {
                "doc": doc, "text": fact["text"], "start": fact["start"], "end": fact["end"],
                "value": fact["value"], "value_high": fact["value_high"], "unit": fact["unit"],
                "qualifier": fact["qualifier"], "metric": fact["metric"], "subject": fact["subject"],
                "province": province, "city": city, "district": district, "place": place,
                "sentence": sentence_of(raw, fact["start"], fact["end"], soft),
            }
            if fact["note"]:
                line["note"] = fact["note"]
            gold.append(line)
        seen: dict[str, list[str]] = {}
        for text, reason in excluded:
            seen.setdefault(text, [])
            if reason not in seen[text]:
                seen[text].append(reason)
        for text, reasons in seen.items():
            count = raw.count(text)
            suffix = f"; ×{count}" if count > 1 else ""
            exclusions.append(f"{doc}\t{text}\t{'; '.join(reasons)}{suffix}")
    for rel, records in feeds.items():
        path = ARTICLES / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for _, r in records), encoding="utf-8")
    with open(DATA / "gold.jsonl", "w", encoding="utf-8") as f:
        for line in gold:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    header_md = (
        "# Numeric-looking strings deliberately NOT annotated as facts (sample corpus)\n\n"
        "Format: one per line, `doc<TAB>text<TAB>reason`; \"spec N\" refers to the numbered list in FACTS.md "
        "\"What is not a fact\"; ×N = occurrences of `text` in the doc (raw substring count, so it includes "
        "occurrences inside longer strings). Generated by data/tools/build_corpus.py.\n\n"
    )
    (DATA / "EXCLUDED.md").write_text(header_md + "\n".join(exclusions) + "\n", encoding="utf-8")
    verify(gold)
    for w in warnings:
        print("CHECK", w, file=sys.stderr)
    print(f"{len(written)} docs, {len(gold)} facts, {len(exclusions)} exclusion lines")
    return 0


def verify(gold: list[dict]) -> None:
    """Re-read what was written, as a reader would, and check every offset."""
    sys.path.insert(0, str(DATA.parent))
    from extract.reader import read_article

    texts: dict[str, str] = {}
    for path in ARTICLES.rglob("*"):
        if path.suffix in (".txt", ".md"):
            texts[path.stem] = read_article(path)
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                texts[record["id"]] = record["text"]
    for line in gold:
        raw = texts[line["doc"]]
        if raw[line["start"]:line["end"]] != line["text"]:
            raise SourceError(f"offset mismatch {line['doc']} {line['text']}")


if __name__ == "__main__":
    sys.exit(main())
