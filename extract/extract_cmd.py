"""`facts extract PATH... [--format jsonl|csv]`: the facts of files or folders on standard output, in document order."""
from __future__ import annotations

import argparse
import csv
import json
import sys

from extract.errors import UnreadableInput
from extract.fact import FACT_FIELDS
from extract.pipeline import extract
from extract.reader import iter_article_paths, read_article


def run(args: argparse.Namespace) -> int:
    paths = iter_article_paths(args.paths)
    missing = [p for p in paths if not p.exists()]
    out = sys.stdout
    writer = None
    if args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=FACT_FIELDS, lineterminator="\n")
        writer.writeheader()
    skipped = 0
    for path in paths:
        if path in missing:
            print(f"facts extract: {path}: no such file, skipped", file=sys.stderr)
            skipped += 1
            continue
        try:
            raw = read_article(path)
        except (UnreadableInput, OSError) as exc:
            print(f"facts extract: {exc}, skipped", file=sys.stderr)
            skipped += 1
            continue
        for fact in extract(raw, doc=path.stem, home=args.home):
            row = fact.as_dict()
            if writer:
                writer.writerow(row)
            else:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if skipped:
        print(f"facts extract: {skipped} of {len(paths)} files skipped", file=sys.stderr)
    return 3 if skipped else 0


def register(sub) -> None:
    p = sub.add_parser("extract", help="print the facts of article files or folders (JSON Lines or CSV)")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt/.md files or folders (searched recursively)")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.add_argument("--home", default="", help="home place of these articles, e.g. 江苏省徐州市 (locality fallback)")
    p.set_defaults(run=run)
