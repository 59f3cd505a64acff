"""`facts export`: the facts of a store, all or filtered, as CSV, JSON Lines or Parquet.

The dashboard's download buttons call the same functions, so a file from the page and from the command line match.
"""
from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, BinaryIO

from extract.errors import ExtractError
from extract.fact import plain_number
from extract.store import StoreError, add_store_option, default_store_path, load_facts

if TYPE_CHECKING:  # pandas is imported where it is used: `facts --help` and `facts refresh` need not load it
    import pandas as pd

FORMATS = ("csv", "jsonl", "parquet")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"); tab and carriage
# return are included because Excel strips them and then sees the next character.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LOCALITY_COLUMNS = ("province", "city", "district", "place")
NUMBER_COLUMNS = ("value", "value_high")


class ExportError(ExtractError):
    """Wrong export arguments: an unknown format, a malformed date."""


def neutralise_formula(cell: str) -> str:
    """A text cell that no spreadsheet will evaluate: a leading formula character is escaped with a quote."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def text_columns(frame: pd.DataFrame) -> list[str]:
    import pandas as pd
    return [c for c in frame.columns
            if isinstance(frame[c].dtype, pd.CategoricalDtype) or frame[c].dtype == object
            or pd.api.types.is_string_dtype(frame[c].dtype)]


def facts_to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV: UTF-8 with a BOM (so that Excel shows Chinese), every text cell formula-safe,
    numbers written as a reader writes them (14000000, not 14000000.0)."""
    import pandas as pd
    safe = frame.copy()
    for column in text_columns(safe):
        series = safe[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            # Neutralise the categories, not each row: same result, one call per distinct value.
            safe[column] = series.cat.rename_categories(
                [neutralise_formula(str(c)) for c in series.cat.categories]) if len(series.cat.categories) else series
        else:
            safe[column] = series.map(neutralise_formula, na_action="ignore")
    # %.15g: integral floats lose the ".0", others keep every digit a double holds reliably.
    return safe.to_csv(index=False, float_format="%.15g", lineterminator="\r\n").encode("utf-8-sig")


def json_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns that pandas writes to JSON as a reader expects: plain ints for integral values, null for missing."""
    import pandas as pd
    ready = frame.copy()
    for column in ready.columns:
        series = ready[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            ready[column] = series.astype(object).where(series.notna(), None)
        elif column in NUMBER_COLUMNS:
            ready[column] = pd.Series([None if pd.isna(x) else plain_number(float(x)) for x in series],
                                      index=series.index, dtype=object)
    return ready


def facts_to_jsonl_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as JSON Lines, one fact per line, UTF-8, Chinese kept as is."""
    if frame.empty:
        return b""
    text = json_ready(frame).to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def facts_to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, compression="zstd")
    return buffer.getvalue()


def write_facts(frame: pd.DataFrame, fmt: str, out: BinaryIO) -> None:
    """Write the frame to the binary stream `out` as csv, jsonl or parquet."""
    writers = {"csv": facts_to_csv_bytes, "jsonl": facts_to_jsonl_bytes, "parquet": facts_to_parquet_bytes}
    if fmt not in writers:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.write(writers[fmt](frame))
    out.flush()


def as_choices(value: str | Iterable[str] | None) -> list[str] | None:
    """None (no filter), or the accepted values as a list: one string or any iterable of strings."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    choices = list(value)
    return choices or None


def iso_date(value: str | date | None, name: str) -> str | None:
    """An ISO date string for comparison with the store's ISO `date` column."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ExportError(f"{name}: {value!r} is not a date like 2026-03-14") from None


def filter_facts(frame: pd.DataFrame, metric=None, unit=None, place=None, date_from=None, date_to=None,
                 source=None) -> pd.DataFrame:
    """The facts that pass every filter given. Each of metric, unit, place, source is one string or a list of
    accepted strings; `place` matches any locality level (province, city, district or place). date_from and
    date_to (ISO strings or dates) are inclusive; a fact with no known date fails a date filter."""
    import pandas as pd
    mask = pd.Series(True, index=frame.index)
    for column, accepted in (("metric", metric), ("unit", unit), ("source", source)):
        choices = as_choices(accepted)
        if choices is not None:
            mask &= frame[column].isin(choices)
    places = as_choices(place)
    if places is not None:
        in_place = pd.Series(False, index=frame.index)
        for column in LOCALITY_COLUMNS:
            in_place |= frame[column].isin(places)
        mask &= in_place
    start, end = iso_date(date_from, "date_from"), iso_date(date_to, "date_to")
    if start is not None or end is not None:
        mask &= in_date_range(frame["date"], start, end)
    return frame[mask]


def in_date_range(dates: pd.Series, start: str | None, end: str | None) -> pd.Series:
    """Whether each ISO date lies in [start, end]; missing dates never do. On a categorical column the
    comparison is made once per distinct date, not once per fact."""
    import numpy as np
    import pandas as pd
    if isinstance(dates.dtype, pd.CategoricalDtype):
        categories = pd.Series(dates.cat.categories.astype(object))
        inside = in_date_range(categories, start, end).to_numpy()
        codes = dates.cat.codes.to_numpy()
        return pd.Series(np.where(codes >= 0, inside[codes.clip(min=0)] if len(inside) else False, False),
                         index=dates.index)
    values = dates.astype(object)
    known = values.notna()
    text = values.where(known, "")
    inside = known
    if start is not None:
        inside &= text >= start
    if end is not None:
        inside &= text <= end
    return inside


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write the facts of a store as CSV, JSON Lines or Parquet",
        description="Write the facts of a store (all, or filtered) as CSV (UTF-8 with BOM, formula-safe), "
                    "JSON Lines or Parquet, to a file or to standard output.")
    add_store_option(parser, "read")
    parser.add_argument("--format", choices=FORMATS, required=True)
    parser.add_argument("--out", help="file to write (default: standard output)")
    parser.add_argument("--metric", action="append", help="keep this metric (repeatable)")
    parser.add_argument("--unit", action="append", help="keep this unit (repeatable)")
    parser.add_argument("--place", action="append", help="keep facts in this place, at any level (repeatable)")
    parser.add_argument("--source", action="append", help="keep this source/paper (repeatable)")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="keep facts dated on or after DATE")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="keep facts dated on or before DATE")
    parser.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    store = args.store or default_store_path()
    try:
        frame = filter_facts(load_facts(store), metric=args.metric, unit=args.unit, place=args.place,
                             date_from=args.date_from, date_to=args.date_to, source=args.source)
        if args.out:
            with open(args.out, "wb") as out:
                write_facts(frame, args.format, out)
        else:
            write_facts(frame, args.format, sys.stdout.buffer)
    except (StoreError, ExportError, OSError) as exc:
        print(f"facts export: {exc}", file=sys.stderr)
        return 1
    print(f"facts export: {len(frame)} facts as {args.format}" + (f" to {args.out}" if args.out else ""),
          file=sys.stderr)
    return 0
