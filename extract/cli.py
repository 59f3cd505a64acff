"""The `facts` command. Each subcommand lives in its own module, which adds its parser through `register`."""
from __future__ import annotations

import argparse
import importlib
import sys

# module -> it defines register(subparsers); order is the order of `facts --help`.
SUBCOMMAND_MODULES = (
    "extract.extract_cmd",      # facts extract
    "extract.evaluate",         # facts evaluate
    "extract.bench",            # facts bench
    "extract.refresh",          # facts refresh
    "extract.export",           # facts export
    "extract.dashboard_cmd",    # facts dashboard
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facts",
        description="Turn statistics in Chinese local news into facts, keep them in a store, chart them.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "accepts_extra", False):
        parser.error("unrecognized arguments: " + " ".join(extra))
    if getattr(args, "accepts_extra", False):
        args.extra = extra
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # `facts extract ... | head` is normal use
        sys.stderr.close()
        return 0
