"""extract/config.py: configuration files, front matter and dates in file names, on real files."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from extract.config import (DEFAULT_SOURCE, ConfigError, Source, date_from_filename, file_article_meta,
                            find_config, first_line_headline, load_config, split_front_matter)
from extract.errors import BadRecord


# ---------------------------------------------------------------- front matter

@dataclass(frozen=True)
class FrontMatterCase:
    id: str
    text: str
    meta: dict
    body: str            # text[offset:] must be this


FRONT_MATTER = [
    FrontMatterCase("none", "港口吞吐量完成587.07万吨。\n", {}, "港口吞吐量完成587.07万吨。\n"),
    FrontMatterCase("plus-lines-later-are-body", "正文\n+++\ntitle = \"x\"\n+++\n", {},
                    "正文\n+++\ntitle = \"x\"\n+++\n"),
    FrontMatterCase("all-keys",
                    '+++\ntitle = "钦州港一季度"\ndate = 2026-03-14\nsource = "钦州日报"\nurl = "http://x"\n'
                    'home = "广西壮族自治区钦州市"\n+++\n正文。\n',
                    {"title": "钦州港一季度", "source": "钦州日报", "url": "http://x", "home": "广西壮族自治区钦州市"},
                    "正文。\n"),
    FrontMatterCase("crlf", '+++\r\ntitle = "标题"\r\n+++\r\n正文\r\n', {"title": "标题"}, "正文\r\n"),
    FrontMatterCase("closing-at-end", '+++\ntitle = "标题"\n+++', {"title": "标题"}, ""),
]


@pytest.mark.parametrize("case", FRONT_MATTER, ids=lambda c: c.id)
def test_split_front_matter(case: FrontMatterCase):
    meta, offset = split_front_matter(case.text)
    assert {k: v for k, v in meta.items() if k != "date"} == case.meta
    assert case.text[offset:] == case.body


@dataclass(frozen=True)
class BadFrontMatterCase:
    id: str
    text: str
    detail: str


BAD_FRONT_MATTER = [
    BadFrontMatterCase("never-closed", '+++\ntitle = "标题"\n正文\n', "never closed"),
    BadFrontMatterCase("not-toml", "+++\ntitle = 标题\n+++\n正文\n", "not valid TOML"),
    BadFrontMatterCase("unknown-key", '+++\nauthor = "某人"\n+++\n正文\n', "unknown keys"),
]


@pytest.mark.parametrize("case", BAD_FRONT_MATTER, ids=lambda c: c.id)
def test_bad_front_matter_is_a_bad_record(case: BadFrontMatterCase):
    with pytest.raises(BadRecord, match=case.detail) as info:
        split_front_matter(case.text, "a.txt")
    assert info.value.reason == "bad-record"


# ---------------------------------------------------------------- dates

@dataclass(frozen=True)
class FileNameDateCase:
    id: str
    name: str
    date: str | None


FILE_NAME_DATES = [
    FileNameDateCase("dashes", "2025-02-11_port.txt", "2025-02-11"),
    FileNameDateCase("compact", "lyg_20250211.txt", "2025-02-11"),
    FileNameDateCase("underscores", "page_2025_02_11.md", "2025-02-11"),
    FileNameDateCase("folder-ignored", "2025-02-11/article.txt", None),
    FileNameDateCase("no-date", "toumen-port-expansion.txt", None),
    FileNameDateCase("impossible-date-then-real", "20251399_2025-12-03.txt", "2025-12-03"),
    FileNameDateCase("long-digit-run-is-not-a-date", "id_1202502110.txt", None),
    FileNameDateCase("mixed-separators", "2025-02_11.txt", None),
]


@pytest.mark.parametrize("case", FILE_NAME_DATES, ids=lambda c: c.id)
def test_date_from_filename(case: FileNameDateCase):
    assert date_from_filename(case.name) == case.date


@dataclass(frozen=True)
class MetaCase:
    id: str
    text: str
    file_name: str
    source: Source
    headline: str
    date: str | None
    paper: str
    home: str


PLAIN = "# 连云港港1月货物吞吐量2568.4万吨\n\n正文。\n"
FRONT = '+++\ntitle = "前言标题"\ndate = 2026-03-14\nsource = "钦州日报"\nhome = "钦州市"\n+++\n\n# 正文标题\n正文。\n'
ARTICLE_META = [
    MetaCase("plain-file-name-date", PLAIN, "2025-02-11_port.txt", Source(Path("s"), paper="连云港日报", home="连云港市"),
             "连云港港1月货物吞吐量2568.4万吨", "2025-02-11", "连云港日报", "连云港市"),
    MetaCase("plain-no-date", PLAIN, "port.txt", Source(Path("s")), "连云港港1月货物吞吐量2568.4万吨", None, "", ""),
    MetaCase("front-matter-overrides-defaults", FRONT, "2025-02-11_port.txt",
             Source(Path("s"), paper="某报", home="徐州市"), "前言标题", "2026-03-14", "钦州日报", "钦州市"),
    MetaCase("filename-mode-prefers-file-name", FRONT, "2025-02-11_port.txt",
             Source(Path("s"), date="filename"), "前言标题", "2025-02-11", "钦州日报", "钦州市"),
    MetaCase("filename-mode-falls-back-to-front-matter", FRONT, "port.txt",
             Source(Path("s"), date="filename"), "前言标题", "2026-03-14", "钦州日报", "钦州市"),
]


@pytest.mark.parametrize("case", ARTICLE_META, ids=lambda c: c.id)
def test_file_article_meta(case: MetaCase):
    meta = file_article_meta(case.text, case.file_name, case.source)
    assert (meta.headline, meta.date, meta.source, meta.home) == (case.headline, case.date, case.paper, case.home)


def test_first_line_headline_skips_blank_lines_and_heading_marks():
    assert first_line_headline("\n\n  ## 白甸镇： 178条河道  \n正文") == "白甸镇： 178条河道"


# ---------------------------------------------------------------- configuration files

@dataclass(frozen=True)
class ConfigCase:
    id: str
    toml: str
    store: str | None                     # relative to the config folder
    sources: list[tuple[str, str, str, str]]   # (path relative to the config folder, paper, home, date)


CONFIGS = [
    ConfigCase("empty-file-means-default-source", "", None, [("<default>", "", "", "front-matter")]),
    ConfigCase("store-and-two-sources",
               'store = "facts.sqlite"\n[[source]]\npath = "articles/lyg"\npaper = "连云港日报"\n'
               'home = "江苏省连云港市"\ndate = "filename"\n[[source]]\npath = "feeds/qz.jsonl"\n',
               "facts.sqlite",
               [("articles/lyg", "连云港日报", "江苏省连云港市", "filename"), ("feeds/qz.jsonl", "", "", "front-matter")]),
]


@pytest.mark.parametrize("case", CONFIGS, ids=lambda c: c.id)
def test_load_config(case: ConfigCase, tmp_path: Path):
    path = tmp_path / "conf" / "facts.toml"
    path.parent.mkdir()
    path.write_text(case.toml, encoding="utf-8")
    config = load_config(path)
    assert config.store == (None if case.store is None else path.parent / case.store)
    expected = [(Path(DEFAULT_SOURCE) if p == "<default>" else path.parent / p, paper, home, date)
                for p, paper, home, date in case.sources]
    assert [(s.path, s.paper, s.home, s.date) for s in config.sources] == expected


@dataclass(frozen=True)
class BadConfigCase:
    id: str
    toml: str
    message: str


BAD_CONFIGS = [
    BadConfigCase("not-toml", "store = \n", "not valid TOML"),
    BadConfigCase("unknown-top-key", 'stroe = "x"\n', "unknown keys"),
    BadConfigCase("unknown-source-key", '[[source]]\npath = "a"\nhomee = "x"\n', "unknown keys"),
    BadConfigCase("source-without-path", '[[source]]\npaper = "x"\n', "needs a path"),
    BadConfigCase("bad-date-mode", '[[source]]\npath = "a"\ndate = "mtime"\n', "date = 'mtime'"),
    BadConfigCase("source-not-a-table", 'source = "a"\n', r"\[\[source\]\] tables"),
    BadConfigCase("home-not-a-string", '[[source]]\npath = "a"\nhome = 3\n', "home must be a string"),
]


@pytest.mark.parametrize("case", BAD_CONFIGS, ids=lambda c: c.id)
def test_bad_config_raises_config_error(case: BadConfigCase, tmp_path: Path):
    path = tmp_path / "facts.toml"
    path.write_text(case.toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=case.message):
        load_config(path)


def test_missing_config_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.toml")


def test_no_config_is_the_built_in_default():
    assert [s.path for s in load_config(None).sources] == [Path("data/articles")]


def test_find_config_prefers_the_explicit_file_then_facts_toml_then_data_facts_toml(tmp_path: Path):
    assert find_config(None, cwd=tmp_path) is None
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "facts.toml").write_text("", encoding="utf-8")
    assert find_config(None, cwd=tmp_path) == tmp_path / "data" / "facts.toml"
    (tmp_path / "facts.toml").write_text("", encoding="utf-8")
    assert find_config(None, cwd=tmp_path) == tmp_path / "facts.toml"
    assert find_config("other.toml", cwd=tmp_path) == Path("other.toml")


def test_the_sample_config_names_existing_sources():
    sample = Path(__file__).resolve().parent.parent / "data" / "facts.toml"
    if not sample.is_file():
        pytest.skip("data/facts.toml not written yet")
    config = load_config(sample)
    assert config.store == sample.parent / "facts.sqlite"
    assert config.sources and all(s.path.exists() for s in config.sources)
    # Every folder of the sample corpus is named, so that a new paper's folder or feed is not silently left out.
    folders = set((sample.parent / "articles").iterdir())
    assert folders <= {s.path for s in config.sources}
