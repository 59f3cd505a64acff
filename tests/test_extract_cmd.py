"""`facts extract`: files and folders in, one fact per line out, unreadable files named and skipped."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from conftest import ROOT

from extract import FACT_FIELDS


def _run(*args):
    return subprocess.run([sys.executable, "-m", "extract", "extract", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT)


def test_jsonl_output_has_the_spec_fields_in_document_order(tmp_path):
    (tmp_path / "a.txt").write_text("港口吞吐量完成587.07万吨，同比增长41.3%。", encoding="utf-8")
    out = _run(tmp_path / "a.txt")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["doc"], r["text"], r["value"], r["unit"]) for r in rows] == [
        ("a", "587.07万吨", 5870700, "吨"), ("a", "41.3%", 41.3, "%")]
    assert list(rows[0]) == list(FACT_FIELDS)


def test_csv_output_and_a_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("# 标题\n\n120余名党员参加。\n", encoding="utf-8")
    out = _run(tmp_path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["doc"], r["text"], r["qualifier"], r["headline"]) for r in rows] == [("b", "120余名", "at_least", "标题")]


def test_an_unreadable_file_is_named_and_the_rest_go_on(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "gb.txt").write_bytes("慰问70户困难群众。".encode("gb18030"))
    out = _run(tmp_path)
    assert out.returncode == 3
    assert "bad.txt" in out.stderr and "binary" in out.stderr and "empty.txt" in out.stderr
    assert [json.loads(line)["text"] for line in out.stdout.splitlines()] == ["70户"]
