"""Splitting a file into articles, and an article into sentences.

A file may be a whole newspaper page: every `#`/`##`/`###` heading starts an article (headings that follow each
other with only blank lines between, such as a kicker above a title, make one headline). A plain text file has its
headline on the first line when that line is short and does not end a sentence. A leading `+++` TOML front-matter
block is metadata, not text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

import regex

from extract.language import load

_HEADING = regex.compile(r"^[ \t]*(#{1,6})[ \t]*(.*?)[ \t#]*$", regex.MULTILINE)
_FRONT_MATTER = regex.compile(r"\A\ufeff?\+\+\+[ \t]*\r?\n.*?^\+\+\+[ \t]*\r?$\n?", regex.MULTILINE | regex.DOTALL)
_FIRST_LINE = regex.compile(r"[ \t]*(\S[^\n]*?)[ \t]*(?:\r?\n|$)")
_TITLE_LINE = re.compile(r"""^title[ \t]*=[ \t]*(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)')[ \t]*(?:\#.*)?\r?$""", re.MULTILINE)
# A sentence holds at least one visible character; its end marks (and a closing quote after them) belong to it.
SENTENCE_MARKS = "。！？!?；;"   # marks that end a sentence (a line break ends one too)
_S = re.escape(SENTENCE_MARKS)
_SENTENCE = re.compile(  # `re`: twice as fast as `regex` on this pattern, which needs nothing of `regex`
    rf"[^{_S}\n]*[^\s{_S}][^{_S}\n]*(?:[{_S}]+[”’」』）)]*)?")
MAX_PLAIN_HEADLINE = 64
# A first line that ends with these is the first sentence of the body, not a headline. Headlines may end with
# ！ or ？ (千亩包菜急待出售！), so those do not count here.
_SENTENCE_END = "。；;…"


@dataclass(frozen=True, slots=True)
class ArticleSpan:
    """An article's place in the raw file. `headline` is its text with heading marks removed."""

    headline: str
    headline_span: tuple[int, int] | None   # raw span of the headline line(s), None when there is none
    body_span: tuple[int, int]              # raw span of the body
    parents: tuple[str, ...]                # headings above it on the page, outermost first


@cache
def _byline_starts() -> tuple[str, ...]:
    """What a first line that is a byline starts with (layout.toml): 本报记者 钟小兰 通讯员 刘建 is no headline."""
    return tuple(w for entry in load("layout.toml")["byline"] for w in entry["words"])


def front_matter_end(raw: str) -> int:
    """Offset where the text starts after a `+++` front-matter block (0 when there is none)."""
    m = _FRONT_MATTER.match(raw)
    return m.end() if m else 0


def front_matter_title(block: str) -> str:
    """The `title` of a `+++` front-matter block, "" when there is none. Read off its one line (a TOML basic or
    literal string), not by parsing the block: tomllib took 2% of all extraction time. The refresh validates the
    whole block and reports a bad one; here a title that does not read as a string only means no title."""
    t = _TITLE_LINE.search(block)
    if t is None:
        return ""
    if t.group(2) is not None:
        return t.group(2).strip()
    try:
        return str(json.loads('"' + t.group(1) + '"')).strip()   # a basic string's escapes are JSON's
    except ValueError:
        return ""


def split_articles(raw: str) -> list[ArticleSpan]:
    front = _FRONT_MATTER.match(raw)
    start = front.end() if front else 0
    headings = [m for m in _HEADING.finditer(raw, start) if m.group(2)]
    if not headings:
        title = front_matter_title(front.group()) if front else ""
        if title:   # the front matter names the article: its first line is the body's (or a byline)
            return [ArticleSpan(title, None, (start, len(raw)), ())]
        return [_plain_article(raw, start)]
    articles: list[ArticleSpan] = []
    lead = raw[start:headings[0].start()]
    if lead.strip():
        articles.append(ArticleSpan("", None, (start, headings[0].start()), ()))
    stack: list[tuple[int, str]] = []
    i = 0
    while i < len(headings):
        # merge headings separated only by blank lines into one headline
        j = i
        while j + 1 < len(headings) and not raw[headings[j].end():headings[j + 1].start()].strip():
            j += 1
        group = headings[i:j + 1]
        level = min(len(m.group(1)) for m in group)
        text = " ".join(m.group(2).strip() for m in group)
        while stack and stack[-1][0] >= level:
            stack.pop()
        parents = tuple(t for _, t in stack)
        body_end = headings[j + 1].start() if j + 1 < len(headings) else len(raw)
        articles.append(ArticleSpan(text, (group[0].start(), group[-1].end()), (group[-1].end(), body_end), parents))
        stack.append((level, text))
        i = j + 1
    return articles


def _plain_article(raw: str, start: int) -> ArticleSpan:
    m = _FIRST_LINE.match(raw, start)
    while m and not m.group(1) and m.end() < len(raw):  # skip leading blank lines
        m = _FIRST_LINE.match(raw, m.end())
    if m and m.group(1):
        line = m.group(1)
        rest = raw[m.end():]
        if (len(line) <= MAX_PLAIN_HEADLINE and line[-1] not in _SENTENCE_END and rest.strip()
                and not line.startswith(_byline_starts())):
            return ArticleSpan(line, (m.start(1), m.end(1)), (m.end(), len(raw)), ())
    return ArticleSpan("", None, (start, len(raw)), ())


# Marks that end a clause (a list joined by 、 stays one clause), and the longer set that also ends a phrase.
CLAUSE_MARKS = "，," + SENTENCE_MARKS + "\n"
PHRASE_MARKS = CLAUSE_MARKS + "：:、（）()"


def text_before(text: str, pos: int, reach: int, marks: str = CLAUSE_MARKS) -> tuple[int, str]:
    """The text right before `pos` back to the nearest of `marks`, at most `reach` characters: (start, text)."""
    lo = pos - reach if pos > reach else 0
    # the unmarked runs from `lo` on, each ended by a mark, until one reaches `pos`: a run is one `re` match at C
    # speed, and a clause has few marks (a third faster than `regex`'s backward search for the last mark)
    run = _unmarked_head(marks).match
    while True:
        m = run(text, lo, pos)
        end = m.end() if m is not None else lo   # (a starred class always matches: m is never None)
        if end >= pos:
            return lo, text[lo:pos]
        lo = end + 1


@cache
def _unmarked_head(marks: str) -> re.Pattern:
    return re.compile("[^" + re.escape(marks) + "]*")


def text_after(text: str, pos: int, reach: int, marks: str = CLAUSE_MARKS) -> str:
    """The text right after `pos` up to the nearest of `marks`, at most `reach` characters."""
    m = _unmarked_head(marks).match(text, pos, min(len(text), pos + reach))
    return m.group() if m is not None else ""   # (a starred class always matches: m is never None)


def holds_char(text: str, lo: int, hi: int, chars: frozenset[str]) -> bool:
    """Whether one of the characters text[lo:hi] is in `chars`: the cheap pre-test before a regex call whose every
    match holds one of them near a position (a loop over a few characters, no slice)."""
    for i in range(lo, min(hi, len(text))):
        if text[i] in chars:
            return True
    return False


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of cleaned text: ended by 。！？；, or by a line break (a paragraph, a heading, a caption)."""
    return [m.span() for m in _SENTENCE.finditer(text)]
