"""Refresh configuration (a small TOML file naming the sources) and article metadata (front matter, file-name dates).

A configuration file looks like this; every relative path is relative to the file's own folder:

    store = "facts.sqlite"                # optional
    [[source]]
    path = "articles/xuzhou-daily"        # folder, file, or .jsonl feed
    paper = "徐州日报"                     # optional: the paper's name stored on each article
    home = "江苏省徐州市"                  # optional: the locality fallback, extract(..., home=...)
    date = "filename"                     # optional: "filename" or "front-matter" (default)

A text article may start with Hugo-style front matter, TOML between `+++` lines, keys title/date/source/url/home;
its values override the source's defaults.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from extract.errors import BadRecord, ExtractError

DEFAULT_CONFIG_NAME = "facts.toml"
DEFAULT_SOURCE = "data/articles"
DATE_MODES = ("front-matter", "filename")
CONFIG_KEYS = frozenset({"store", "source"})
SOURCE_KEYS = frozenset({"path", "paper", "home", "date"})
FRONT_MATTER_KEYS = frozenset({"title", "date", "source", "url", "home"})
FRONT_MATTER_FENCE = "+++"
# YYYY-MM-DD, YYYY_MM_DD, YYYY.MM.DD or YYYYMMDD, not inside a longer run of digits.
FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})([-_.]?)(\d{2})\2(\d{2})(?!\d)")
# The line that closes front matter (the opening one is checked on the first line only).
FRONT_MATTER_CLOSING = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)


class ConfigError(ExtractError):
    """A configuration file that cannot be used: unreadable, not TOML, unknown keys, wrong values."""


@dataclass(frozen=True)
class Source:
    """One place articles come from, with the defaults its articles get."""

    path: Path
    paper: str = ""
    home: str = ""
    date: str = "front-matter"

    def __post_init__(self):
        if self.date not in DATE_MODES:
            raise ConfigError(f"source {self.path}: date = {self.date!r}; choose one of {', '.join(DATE_MODES)}")

    def settings(self) -> str:
        """The settings an article was read with; an article is re-extracted when they change."""
        return f"paper={self.paper}\x1fhome={self.home}\x1fdate={self.date}"


@dataclass(frozen=True)
class Config:
    sources: tuple[Source, ...]
    store: Path | None = None
    path: Path | None = None  # the file it was read from; None for the built-in default


def default_config() -> Config:
    """No configuration file: one source, data/articles/, with no home and no paper."""
    return Config(sources=(Source(Path(DEFAULT_SOURCE)),))


def find_config(explicit: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None) -> Path | None:
    """The configuration file to use: the one given, else facts.toml in the current folder, else data/facts.toml
    (the sample corpus's, with each paper's home), else None (the built-in default)."""
    if explicit is not None:
        return Path(explicit)
    for candidate in (Path(cwd or ".") / DEFAULT_CONFIG_NAME, Path(cwd or ".") / "data" / DEFAULT_CONFIG_NAME):
        if candidate.is_file():
            return candidate
    return None


def load_config(path: str | os.PathLike | None) -> Config:
    """Read a configuration file (None: the built-in default). Raises ConfigError on anything wrong."""
    if path is None:
        return default_config()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the configuration: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from None
    return config_from_dict(data, p)


def config_from_dict(data: dict, path: Path) -> Config:
    unknown = set(data) - CONFIG_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(CONFIG_KEYS)}")
    base = path.parent
    store = data.get("store")
    if store is not None and not (isinstance(store, str) and store):
        raise ConfigError(f"{path}: store must be a path string")
    tables = data.get("source", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"{path}: sources are [[source]] tables")
    sources = tuple(source_from_dict(t, base, path) for t in tables)
    if not sources:
        sources = default_config().sources
    return Config(sources=sources, store=(base / store) if store else None, path=path)


def source_from_dict(table: dict, base: Path, config_path: Path) -> Source:
    unknown = set(table) - SOURCE_KEYS
    if unknown:
        raise ConfigError(f"{config_path}: [[source]] has unknown keys {sorted(unknown)}; allowed: {sorted(SOURCE_KEYS)}")
    if not isinstance(table.get("path"), str) or not table["path"]:
        raise ConfigError(f"{config_path}: every [[source]] needs a path")
    for key in ("paper", "home", "date"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{config_path}: [[source]] {key} must be a string")
    return Source(path=base / table["path"], paper=table.get("paper", ""), home=table.get("home", ""),
                  date=table.get("date", "front-matter"))


def split_front_matter(text: str, source: str = "<text>") -> tuple[dict, int]:
    """(metadata, offset of the body) of an article that may start with `+++` TOML front matter.

    No front matter: ({}, 0). Front matter that is not valid TOML, has unknown keys or is never closed raises
    BadRecord, so that the refresh reports the file instead of storing it with wrong metadata.
    """
    first_line_end = text.find("\n")
    first_line = text if first_line_end < 0 else text[:first_line_end]
    if first_line.strip() != FRONT_MATTER_FENCE:
        return {}, 0
    closing = FRONT_MATTER_CLOSING.search(text, first_line_end + 1)
    if closing is None:
        raise BadRecord(source, "front matter opened with +++ is never closed")
    try:
        meta = tomllib.loads(text[first_line_end + 1:closing.start()])
    except tomllib.TOMLDecodeError as exc:
        raise BadRecord(source, f"front matter is not valid TOML: {exc}") from None
    unknown = set(meta) - FRONT_MATTER_KEYS
    if unknown:
        raise BadRecord(source, f"front matter has unknown keys {sorted(unknown)}")
    body = closing.end() + 1 if closing.end() < len(text) else closing.end()
    return meta, body


def iso_date(value, source: str = "<value>") -> str | None:
    """An ISO date (YYYY-MM-DD) from a TOML date/datetime or a date string; None for nothing; BadRecord if wrong."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        match = FILENAME_DATE.fullmatch(value.strip()[:10]) if len(value.strip()) >= 8 else None
        if match:
            parsed = date_from_parts(match)
            if parsed:
                return parsed
    raise BadRecord(source, f"date {value!r} is not a date like 2026-03-14")


def date_from_parts(match: re.Match) -> str | None:
    try:
        return date(int(match.group(1)), int(match.group(3)), int(match.group(4))).isoformat()
    except ValueError:
        return None


def date_from_filename(name: str) -> str | None:
    """The first valid date written in a file name (2026-03-14, 2026_03_14, 20260314), as ISO; else None."""
    for match in FILENAME_DATE.finditer(Path(name).name):
        parsed = date_from_parts(match)
        if parsed:
            return parsed
    return None


def first_line_headline(body: str, limit: int = 200) -> str:
    """The first non-empty line of an article, without Markdown heading marks: its headline when none is given."""
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:limit]
    return ""


@dataclass(frozen=True)
class ArticleMeta:
    headline: str = ""
    date: str | None = None
    source: str = ""
    url: str = ""
    home: str = ""


def file_article_meta(text: str, file_name: str, src: Source, source: str = "<text>") -> ArticleMeta:
    """The metadata of a text article: its front matter over the source's defaults, the date as `src.date` says."""
    meta, body = split_front_matter(text, source)
    front_date = iso_date(meta.get("date"), source)
    name_date = date_from_filename(file_name)
    dated = (name_date or front_date) if src.date == "filename" else (front_date or name_date)
    return ArticleMeta(
        headline=str(meta.get("title") or first_line_headline(text[body:])),
        date=dated,
        source=str(meta.get("source") or src.paper),
        url=str(meta.get("url") or ""),
        home=str(meta.get("home") or src.home),
    )
