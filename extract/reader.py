"""Reading article files: bytes -> text (UTF-8, UTF-8 with BOM, GB18030/GBK detected), refusing what is not text.

The raw text returned here is what every fact's `start`/`end` point into: the BOM is the only thing removed.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from extract.errors import BadRecord, BinaryInput, EmptyInput, OversizedInput, UndecodableInput

ARTICLE_SUFFIXES = (".txt", ".md")
# A JSON Lines feed, one article per line, as a scraper hands them over.
FEED_SUFFIXES = (".jsonl",)
FEED_KEYS = frozenset({"id", "title", "date", "source", "url", "text", "home"})
# A local-news page is tens of kilobytes; anything past this is a dump or a mistake, not an article.
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
# Share of control characters (other than tab/newline/CR/form feed) above which bytes are not prose.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)} | {127}


def decode_article(data: bytes, source: str = "<bytes>") -> str:
    """Decode the bytes of an article: UTF-8 (BOM dropped) first, then GB18030 (a superset of GBK and GB2312).

    Raises EmptyInput, BinaryInput or UndecodableInput, each naming `source`.
    """
    if not data.strip():
        raise EmptyInput(source, "no text in the file")
    if b"\x00" in data[:65536]:
        raise BinaryInput(source, "contains NUL bytes")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:65536] if ord(ch) in _CONTROL)
        if controls > _MAX_CONTROL_SHARE * min(len(text), 65536):
            raise BinaryInput(source, f"{controls} control characters in the first 64 KiB")
        return text
    raise UndecodableInput(source, "neither UTF-8 nor GB18030")


def read_article(path: str | os.PathLike, max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """The decoded text of one article file (see decode_article); OversizedInput past `max_bytes`."""
    p = Path(path)
    size = p.stat().st_size
    if size > max_bytes:
        raise OversizedInput(str(p), f"{size} bytes, more than the limit of {max_bytes}")
    return decode_article(p.read_bytes(), str(p))


def iter_article_paths(paths: list[str | os.PathLike]) -> list[Path]:
    """The article files named by `paths` (files as given, folders searched recursively), sorted, no duplicates."""
    found: dict[Path, None] = {}
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in ARTICLE_SUFFIXES:
                    found[child] = None
        else:
            found[p] = None
    return list(found)


def parse_feed_line(raw: bytes, feed: str, number: int) -> dict:
    """One feed record, checked: an object with a non-empty string id and text. BadRecord otherwise."""
    where = f"{feed}:{number}"
    try:
        record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRecord(where, f"line {number} is not valid JSON: {exc}") from None
    if not isinstance(record, dict):
        raise BadRecord(where, f"line {number} is not a JSON object")
    unknown = set(record) - FEED_KEYS
    if unknown:
        raise BadRecord(where, f"line {number} has unknown keys {sorted(unknown)}")
    if isinstance(record.get("id"), int):
        record["id"] = str(record["id"])
    if not isinstance(record.get("id"), str) or not record["id"].strip():
        raise BadRecord(where, f"line {number} has no id")
    if not isinstance(record.get("text"), str):
        raise BadRecord(where, f"line {number} has no text")
    if not record["text"].strip():
        raise BadRecord(where, f"line {number}: the text is empty")
    return record
