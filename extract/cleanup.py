"""Clean-up that keeps offsets: the text the rules read, and a map from each of its characters back to the raw file.

- Full-width digits, Latin letters, `％`, `．`, `＋`, `－`, `～`, `／` become their ASCII forms, one character for one,
  so that `１２０名` and `３５％` are read like `120名` and `35%`. Chinese punctuation (`，`, `：`, `；`) is kept: it
  separates clauses.
- Non-breaking and ideographic spaces become plain spaces.
- Whitespace that a scanner or a layout tool put inside a sentence (`产业\\n\\n工人近10万人`, `10 万吨`, `白甸镇： 178条`)
  is removed, so that no match stops there. A line break after sentence-final punctuation, or before a heading, is
  a real boundary and stays.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator

import re

# code point -> its replacement, or None for a character that is dropped
_FULLWIDTH: dict[int, str | None] = {ord(c): chr(ord(c) - 0xFEE0) for c in "０１２３４５６７８９％．＋－～／"}
_FULLWIDTH.update({ord(c): chr(ord(c) - 0xFEE0) for c in map(chr, range(ord("Ａ"), ord("Ｚ") + 1))})
_FULLWIDTH.update({ord(c): chr(ord(c) - 0xFEE0) for c in map(chr, range(ord("ａ"), ord("ｚ") + 1))})
_FULLWIDTH.update({0x00A0: " ", 0x3000: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: None, 0xFEFF: None})
_ZERO_WIDTH = tuple(chr(k) for k, v in _FULLWIDTH.items() if v is None)
# str.translate looks every character up in a dict; most pages hold none or a few of these characters, and
# a pattern that finds only those is many times faster.
_REPLACEMENT_OF = {chr(k): v for k, v in _FULLWIDTH.items() if v is not None}
_ANY_REPLACED = re.compile("[" + "".join(map(re.escape, _REPLACEMENT_OF)) + "]")


def normalise_characters(raw: str) -> str:
    """Full-width forms to ASCII and exotic spaces to plain ones, one character for one."""
    # one scan, and a lookup per character replaced (pages hold few: a ％ here, a full-width digit there)
    return _ANY_REPLACED.sub(_replacement, raw)


def _replacement(m: re.Match) -> str:
    return _REPLACEMENT_OF[m.group()]


# Whitespace to drop: a run holding a line break between two characters of one sentence (the left one not
# sentence-final), or a run of spaces next to a Chinese character or between a digit and what scales or counts it.
HAN = "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs, for `re` (which has no \p{Han})
# On the standard `re` engine (several times faster than `regex` here); whether a line break ends a heading line is
# checked in clean_text, since `re` has no variable-width look-behind.
# A line break after one of these is a real one (the sentence or the heading ended).
_FINAL_MARKS = "。！？!?；;：:」』”）)]#"
_INNER_SPACE = re.compile(
    rf"""
    (?<=[^\s{re.escape(_FINAL_MARKS)}])   # left: not sentence-final, not a closing mark
    [ \t]*\r?\n\s*                       # a line break, with the blank lines and indentation around it
    (?=[{HAN}\d“（(《])                  # right: the sentence goes on (not a heading '#', not a list mark '-')
  | (?<=[{HAN}，、：；。“”])[ \t]+(?=[{HAN}\d“”])
  | (?<=\d)[ \t]+(?=[{HAN}%])
    """,
    re.VERBOSE,
)

# Every match of _INNER_SPACE starts a run of whitespace right after a character that is not whitespace (each
# branch's look-behind says so). The runs are found by a scan the engine does at C speed (the pattern starts with
# \s, so the engine skips to the next whitespace character in C), and _INNER_SPACE is tried only at their starts: a
# finditer of _INNER_SPACE itself tries its three look-behinds at every character. Most runs, a paragraph's end
# after 。, are passed over in that scan too: no branch can match there (the first wants a left character that is
# not final, the others only spaces and tabs followed by a character, not by a line break). So a run is a
# candidate when its left character is neither whitespace nor final, or when it is final and the run holds no
# line break (half the time of finding every run and testing it here, measured).
_F = re.escape(_FINAL_MARKS)
_CANDIDATE_RUN = re.compile(rf"\s(?:(?<=[^\s{_F}]\s)|(?<=[{_F}][^\S\n])(?=[^\S\n]*(?:\S|\Z)))")


def _inner_spaces(text: str) -> Iterator[re.Match]:
    """The matches of _INNER_SPACE.finditer(text), found from the candidate runs."""
    done = 0
    for run in _CANDIDATE_RUN.finditer(text, 1):
        s = run.start()
        if s < done:
            continue
        m = _INNER_SPACE.match(text, s)
        if m is not None:
            done = m.end()
            yield m


# A line a scanner or a layout tool wrapped is long; a short line without a sentence end is a subheading, a
# caption or a byline, and its line break is a real boundary (储藏窖建到田头 / 镇党委书记介绍 is not 田头镇).
MIN_WRAPPED_LINE = 16


def _keeps_its_break(text: str, pos: int) -> bool:
    """Whether the line that ends at `pos` is a markdown heading or too short to have been wrapped."""
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start:pos].strip(" \t")
    return line.startswith("#") or len(line) < MIN_WRAPPED_LINE


@dataclass(frozen=True, slots=True)
class Cleaned:
    """`text` is what the rules read; `raw_offset(i)` is where its character i came from in the raw text."""

    text: str
    clean_starts: tuple[int, ...]   # start in `text` of each kept piece
    raw_starts: tuple[int, ...]     # start in the raw text of the same piece

    def raw_offset(self, i: int) -> int:
        k = bisect_right(self.clean_starts, i) - 1
        return self.raw_starts[k] + (i - self.clean_starts[k])

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) of clean [start, end): the end maps from its last character, so that a removed line
        break right after a mention is not pulled into it."""
        starts = self.clean_starts
        k = bisect_right(starts, start) - 1
        last = end - 1
        if k + 1 < len(starts) and last >= starts[k + 1]:  # the span runs over a removed break: its own piece
            return self.raw_starts[k] + (start - starts[k]), self.raw_offset(last) + 1
        return self.raw_starts[k] + (start - starts[k]), self.raw_starts[k] + (last - starts[k]) + 1


def clean_text(raw: str, base: int = 0, join_lines: bool = True) -> Cleaned:
    """Clean `raw` (a piece of the raw file that starts at `base`). `join_lines=False` keeps every line break
    (for a headline, which must not run into the body)."""
    if any(z in raw for z in _ZERO_WIDTH):  # zero-width characters are dropped: an explicit map is needed
        return _clean_with_drops(raw, base, join_lines)
    text = normalise_characters(raw)
    pieces: list[str] = []
    clean_starts = [0]
    raw_starts = [base]
    pos = 0
    out_len = 0
    for m in _inner_spaces(text):
        if "\n" in m.group() and (not join_lines or _keeps_its_break(text, m.start())):
            continue
        pieces.append(text[pos:m.start()])
        out_len += m.start() - pos
        pos = m.end()
        clean_starts.append(out_len)
        raw_starts.append(base + pos)
    pieces.append(text[pos:])
    return Cleaned("".join(pieces), tuple(clean_starts), tuple(raw_starts))


def _clean_with_drops(raw: str, base: int, join_lines: bool) -> Cleaned:
    # Rare path: zero-width spaces or BOMs inside the text. Remove them piece by piece, then clean as usual.
    kept = [(i, ch) for i, ch in enumerate(raw) if _FULLWIDTH.get(ord(ch), ch) is not None]
    if not kept:
        return Cleaned("", (0,), (base,))
    inner = clean_text("".join(ch for _, ch in kept), 0, join_lines)
    raw_index = [i for i, _ in kept]
    clean_starts: list[int] = []
    raw_starts: list[int] = []
    for k, cs in enumerate(inner.clean_starts):
        ce = inner.clean_starts[k + 1] if k + 1 < len(inner.clean_starts) else len(inner.text)
        rs = inner.raw_starts[k]
        run_start = cs
        for j in range(cs, ce):  # split each piece where the raw indices jump
            r = raw_index[rs + (j - cs)]
            if j == run_start or r != raw_index[rs + (j - cs) - 1] + 1:
                clean_starts.append(j)
                raw_starts.append(base + r)
    if not clean_starts:
        clean_starts, raw_starts = [0], [base]
    return Cleaned(inner.text, tuple(clean_starts), tuple(raw_starts))
