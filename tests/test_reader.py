"""Reading files: encodings are detected, what is not text is refused with a reason, nothing is silently lost."""
from __future__ import annotations

import pytest

from extract.errors import BinaryInput, EmptyInput, OversizedInput, UndecodableInput
from extract.reader import decode_article, iter_article_paths, read_article

TEXT = "港口吞吐量完成587.07万吨，同比增长41.3%。"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    TEXT.encode("utf-8-sig"),
    TEXT.encode("gb18030"),
    TEXT.encode("gbk"),
], ids=["utf-8", "utf-8-bom", "gb18030", "gbk"])
def test_encodings_are_detected(data):
    assert decode_article(data) == TEXT


@pytest.mark.parametrize("data, error", [
    (b"", EmptyInput),
    (b"  \n\t ", EmptyInput),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BinaryInput),
    (bytes(range(1, 32)) * 50, BinaryInput),
], ids=["empty", "blank", "png", "control-bytes"])
def test_what_is_not_text_is_refused_with_a_reason(data, error):
    with pytest.raises(error) as info:
        decode_article(data, "a.txt")
    assert "a.txt" in str(info.value) and info.value.reason


def test_bytes_neither_utf8_nor_gb18030_are_undecodable():
    with pytest.raises(UndecodableInput):
        decode_article(b"\x81\x30\x81", "bad.txt")  # a cut-off four-byte GB18030 sequence, not UTF-8 either


def test_an_oversized_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(TEXT.encode() * 10)
    with pytest.raises(OversizedInput):
        read_article(p, max_bytes=100)


def test_folders_are_searched_for_articles_only(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "y.md").write_text(TEXT, encoding="utf-8")
    (tmp_path / "z.png").write_bytes(b"\x89PNG")
    assert [p.name for p in iter_article_paths([tmp_path])] == ["x.txt", "y.md"]


def test_a_feed_line_is_a_checked_record():
    from extract.errors import BadRecord
    from extract.reader import parse_feed_line

    record = parse_feed_line('{"id": 7, "title": "港口", "text": "吞吐量1400万吨。"}'.encode(), "f.jsonl", 1)
    assert record["id"] == "7" and record["text"] == "吞吐量1400万吨。"
    with pytest.raises(BadRecord, match="f.jsonl:2"):
        parse_feed_line(b"{not json", "f.jsonl", 2)
