"""What the dashboard shows, computed without Streamlit: filters, option lists, chart tables, number wording, and
HTML with highlighted mentions.

Everything here takes plain values and a pandas frame of facts (the columns of `extract.store.load_facts`) and
returns plain values, so tests/test_dashboard_data.py can call it directly. app.py only draws what this returns.
"""
from __future__ import annotations

import html
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from extract.fact import METRICS, QUALIFIERS
from extract.errors import UnreadableInput
# Feeds are recognised and their lines read exactly as the refresh that stored the facts read them.
from extract.reader import FEED_SUFFIXES, parse_feed_line, read_article
from extract.store import CATEGORICAL_COLUMNS, LOADED_COLUMNS, empty_facts_frame

# The store's columns: every Fact field plus fact_id, article_id, path, date, source, url (load_facts).
STORE_COLUMNS = LOADED_COLUMNS
# Added by prepare_frame for filtering and charting by date, and for counting places; never exported.
DAY = "day"
MONTH = "month"
LOCALITY = "locality_id"
LEVELS = ("province", "city", "district", "place")
NUMBER_STYLES = ("chinese", "grouped")
# Long text columns the dashboard searches: held as pandas' Arrow-backed strings, which a substring search scans in
# C (a million sentences in tens of milliseconds) and which load from the snapshot without a Python string each.
_SEARCHED_TEXT = ("sentence", "text")
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own `str`, which Arrow tables convert to


class BadArgument(ValueError):
    """A caller passed a value this module does not know (a level, a style, a query parameter)."""


def _load_labels(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


LABELS = _load_labels(Path(__file__).with_name("labels.toml"))
METRIC_LABELS: dict[str, str] = LABELS["metrics"]
QUALIFIER_LABELS: dict[str, str] = {q: entry["label"] for q, entry in LABELS["qualifiers"].items()}
LEVEL_LABELS: dict[str, str] = {k: v for k, v in LABELS["levels"].items() if k in LEVELS}
COLUMN_LABELS: dict[str, str] = LABELS["columns"]
# Streamlit writes a bound widget's *label* into the URL (its format_func), so URLs carry these labels.
METRIC_BY_LABEL = {label: metric for metric, label in METRIC_LABELS.items()}
QUALIFIER_BY_LABEL = {label: qualifier for qualifier, label in QUALIFIER_LABELS.items()}


# ---------------------------------------------------------------------------------------------------------------
# The frame


def empty_frame() -> pd.DataFrame:
    """A prepared frame with the store's columns and no rows (what an empty or missing store gives)."""
    return prepare_frame(empty_facts_frame())


def prepare_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame of `extract.store.load_facts` made ready for fast filtering: repeated text as categoricals, the
    searched texts as Arrow-backed strings, numbers as floats, `day` and `month` columns (datetime, NaT when the
    article has no date) and a `locality_id` column (locality_ids). Values are unchanged; the input is not modified.

    The result is meant to be held read-only by the app for every rerun (st.cache_resource): nothing here is
    computed again per filter."""
    missing = [c for c in STORE_COLUMNS if c not in frame.columns]
    if missing:
        raise BadArgument(f"the facts frame lacks the columns {missing}")
    out = frame.loc[:, list(STORE_COLUMNS)].copy(deep=False)
    for column in ("value", "value_high"):
        if out[column].dtype != "float64":
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    for column in CATEGORICAL_COLUMNS:
        if not isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(object).astype("category")
    for column in _SEARCHED_TEXT:
        if not isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].astype(object).astype(TEXT_DTYPE)
    # Dates are ISO strings in the store; anything else (missing, unparsable) is "no date", not an error. Parsed
    # once per distinct date, then spread to the facts by category code.
    out[DAY] = _per_category(out["date"], lambda dates: pd.to_datetime(dates, format="ISO8601", errors="coerce"))
    out[MONTH] = _per_category(out["date"], lambda dates: pd.to_datetime(dates, format="ISO8601", errors="coerce")
                               .to_period("M").to_timestamp())
    out[LOCALITY] = locality_ids(out)
    return out


def _per_category(column: pd.Series, convert) -> pd.Series:
    """`convert` applied to the distinct values of a categorical column, spread to its rows (NaT for missing)."""
    categories = pd.Index(column.cat.categories.astype(object))
    converted = pd.DatetimeIndex(convert(categories)).as_unit("ns") if len(categories) else \
        pd.DatetimeIndex([], dtype="datetime64[ns]")
    codes = column.cat.codes.to_numpy()
    values = np.full(len(column), np.datetime64("NaT"), dtype="datetime64[ns]")
    known = codes >= 0
    values[known] = converted.to_numpy()[codes[known]]
    return pd.Series(values, index=column.index)


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` with the store's columns and dtypes (what `facts export` would write for them)."""
    out = frame.loc[:, list(STORE_COLUMNS)].reset_index(drop=True)
    for column in _SEARCHED_TEXT:
        out[column] = out[column].astype(object)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Filters and their query parameters

# FilterState field -> query parameter name (also the Streamlit widget key, so the URL and the widgets agree).
QUERY_KEYS = {
    "metric": "metric",
    "unit": "unit",
    "province": "province",
    "city": "city",
    "district": "district",
    "place": "place",
    "qualifiers": "qualifier",
    "value_min": "vmin",
    "value_max": "vmax",
    "date_from": "from",
    "date_to": "to",
    "sources": "source",
    "search": "q",
}


@dataclass(frozen=True)
class FilterState:
    """What the analyst filtered on. None / empty means "no filter on this"."""

    metric: str | None = None
    unit: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    place: str | None = None
    qualifiers: tuple[str, ...] = ()
    value_min: float | None = None
    value_max: float | None = None
    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[str, ...] = ()
    search: str = ""

    def __post_init__(self):
        unknown = [q for q in self.qualifiers if q not in QUALIFIERS]
        if unknown:
            raise BadArgument(f"unknown qualifiers {unknown}; known: {QUALIFIERS}")
        if self.metric is not None and self.metric not in METRICS:
            raise BadArgument(f"unknown metric {self.metric!r}; known: {METRICS}")
        if self.value_min is not None and self.value_max is not None and self.value_min > self.value_max:
            raise BadArgument(f"value range {self.value_min}..{self.value_max} is empty")
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise BadArgument(f"date range {self.date_from}..{self.date_to} is empty")

    def is_empty(self) -> bool:
        return self == FilterState()

    def to_query_params(self) -> dict[str, str | list[str]]:
        """The filters as URL query parameters, as the page's widgets write them: only those set, lists as
        repeated parameters, metrics and qualifiers by their Chinese labels (`metric=资金`)."""
        params: dict[str, str | list[str]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, "", ()):
                continue
            key = QUERY_KEYS[f.name]
            if f.name == "metric":
                params[key] = METRIC_LABELS[value]
            elif f.name == "qualifiers":
                params[key] = [QUALIFIER_LABELS[q] for q in value]
            elif isinstance(value, tuple):
                params[key] = list(value)
            elif isinstance(value, date):
                params[key] = value.isoformat()
            elif isinstance(value, float):
                params[key] = _plain(value)
            else:
                params[key] = str(value)
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | list[str]]) -> FilterState:
        """The filters named by URL query parameters (unknown parameters are someone else's and are ignored);
        metrics and qualifiers by label or by id. Raises BadArgument for a value that cannot be read (a date or
        number that is not one, an unknown metric or qualifier)."""
        values: dict[str, object] = {}
        for name, key in QUERY_KEYS.items():
            if key not in params:
                continue
            raw = params[key]
            items = [raw] if isinstance(raw, str) else list(raw)
            items = [item.strip() for item in items if item.strip()]
            if not items:
                continue
            if name == "qualifiers":
                values[name] = tuple(dict.fromkeys(QUALIFIER_BY_LABEL.get(item, item) for item in items))
            elif name == "metric":
                values[name] = METRIC_BY_LABEL.get(items[-1], items[-1])
            elif name == "sources":
                values[name] = tuple(dict.fromkeys(items))
            elif name in ("value_min", "value_max"):
                try:
                    values[name] = float(items[-1].replace(",", ""))
                except ValueError as exc:
                    raise BadArgument(f"query parameter {key}={items[-1]!r} is not a number") from exc
            elif name in ("date_from", "date_to"):
                try:
                    values[name] = date.fromisoformat(items[-1])
                except ValueError as exc:
                    raise BadArgument(f"query parameter {key}={items[-1]!r} is not a date (YYYY-MM-DD)") from exc
            else:
                values[name] = items[-1]
        return cls(**values)

    def describe(self) -> str:
        """A short, file-name-friendly summary of what is filtered, e.g. `资金_元_徐州市_云龙区`; `all` if nothing."""
        parts: list[str] = [METRIC_LABELS[self.metric]] if self.metric else []
        for name in ("unit", "province", "city", "district", "place"):
            value = getattr(self, name)
            if value:
                parts.append(value)
        if self.qualifiers:
            parts.append("+".join(QUALIFIER_LABELS[q] for q in self.qualifiers))
        if self.value_min is not None or self.value_max is not None:
            low = "" if self.value_min is None else _plain(self.value_min)
            high = "" if self.value_max is None else _plain(self.value_max)
            parts.append(f"{low}-{high}")
        if self.date_from or self.date_to:
            low = self.date_from.isoformat() if self.date_from else ""
            high = self.date_to.isoformat() if self.date_to else ""
            parts.append(f"{low}至{high}")
        if self.sources:
            parts.append("+".join(self.sources))
        if self.search:
            parts.append("含" + self.search)
        return "_".join(parts) or "all"


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def download_name(state: FilterState, extension: str) -> str:
    """`facts_<what was filtered>.<extension>`, with characters that file systems refuse replaced by `-`."""
    if extension not in ("csv", "jsonl"):
        raise BadArgument(f"unknown download format {extension!r}")
    stem = _UNSAFE_IN_FILE_NAME.sub("-", state.describe()).strip("-.") or "all"
    return f"facts_{stem[:120]}.{extension}"


def _contains(series: pd.Series, needle: str) -> np.ndarray:
    """Rows whose text contains `needle` (case-insensitive). On a categorical each distinct text is scanned once."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        hits = series.cat.categories.astype(str).str.contains(needle, case=False, regex=False)
        return np.isin(series.cat.codes.to_numpy(), np.flatnonzero(np.asarray(hits, dtype=bool)))
    return series.astype(str).str.contains(needle, case=False, regex=False, na=False).to_numpy()


def filter_mask(frame: pd.DataFrame, state: FilterState) -> np.ndarray:
    """A boolean array: which rows of `frame` pass every filter of `state`."""
    mask = np.ones(len(frame), dtype=bool)
    for name in ("metric", "unit", *LEVELS):
        value = getattr(state, name)
        if value:
            mask &= (frame[name] == value).to_numpy()
    if state.qualifiers:
        mask &= frame["qualifier"].isin(state.qualifiers).to_numpy()
    if state.sources:
        mask &= frame["source"].isin(state.sources).to_numpy()
    values = frame["value"].to_numpy()
    if state.value_min is not None:
        mask &= values >= state.value_min
    if state.value_max is not None:
        mask &= values <= state.value_max
    if state.date_from is not None or state.date_to is not None:
        days = frame[DAY]
        mask &= days.notna().to_numpy()
        if state.date_from is not None:
            mask &= (days >= pd.Timestamp(state.date_from)).to_numpy()
        if state.date_to is not None:
            mask &= (days <= pd.Timestamp(state.date_to)).to_numpy()
    needle = state.search.strip()
    if needle:
        found = np.zeros(len(frame), dtype=bool)
        for column in ("subject", "sentence", "headline"):
            found |= _contains(frame[column], needle)
        mask &= found
    return mask


def apply_filters(frame: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The rows of `frame` that pass every filter of `state`, in store order."""
    if state.is_empty():
        return frame
    return frame[filter_mask(frame, state)]


@dataclass(frozen=True)
class FilterOptions:
    """The choices each filter widget offers, each list narrowed by the filters above it."""

    metrics: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    qualifiers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _by_frequency(series: pd.Series, mask: np.ndarray | None = None) -> list[str]:
    """The values of `series` (rows in `mask` only) from most to least frequent; ties in first-seen order."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        names, counts = series.cat.categories, _code_counts(series, mask)
        order = np.argsort(-counts, kind="stable")
        return [str(names[i]) for i in order if counts[i] > 0 and str(names[i]) != ""]
    counts = (series if mask is None else series[mask]).value_counts(sort=True)
    return [str(v) for v, n in counts.items() if n > 0 and not pd.isna(v) and str(v) != ""]


def _by_name(series: pd.Series, mask: np.ndarray | None = None) -> list[str]:
    """The distinct values of `series` (rows in `mask` only), sorted, without empty ones."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        names = series.cat.categories
        present = [names[i] for i in np.flatnonzero(_code_counts(series, mask))]
    else:
        present = (series if mask is None else series[mask]).unique()
    return sorted(str(v) for v in present if not pd.isna(v) and str(v) != "")


def _code_counts(series: pd.Series, mask: np.ndarray | None) -> np.ndarray:
    """How many rows (in `mask`) hold each category of a categorical column: one bincount over the codes, no copy
    of the rows."""
    codes = series.cat.codes.to_numpy()
    if mask is not None:
        codes = codes[mask]
    return np.bincount(codes[codes >= 0], minlength=len(series.cat.categories))


def unit_options(frame: pd.DataFrame, metric: str | None) -> list[str]:
    """The units offered for `metric` (every unit when None), most frequent first."""
    return _by_frequency(frame["unit"], None if not metric else (frame["metric"] == metric).to_numpy())


def place_options(frame: pd.DataFrame, state: FilterState) -> dict[str, list[str]]:
    """The names offered at each place level (province, city, district, place), sorted, each list narrowed by the
    levels chosen above it in `state` (other filters do not narrow them)."""
    lists: dict[str, list[str]] = {}
    mask = None
    for level in LEVELS:
        lists[level] = _by_name(frame[level], mask)
        chosen = getattr(state, level)
        if chosen:
            chosen_rows = (frame[level] == chosen).to_numpy()
            mask = chosen_rows if mask is None else mask & chosen_rows
    return lists


def filter_options(frame: pd.DataFrame, state: FilterState) -> FilterOptions:
    """Options for the sidebar: metrics and units by how often they occur (units of the chosen metric only);
    provinces -> cities -> districts -> places by name, each narrowed by the levels chosen above it."""
    places = place_options(frame, state)
    return FilterOptions(
        metrics=_by_frequency(frame["metric"]),
        units=unit_options(frame, state.metric),
        provinces=places["province"],
        cities=places["city"],
        districts=places["district"],
        places=places["place"],
        qualifiers=[q for q in QUALIFIERS if q in set(_by_name(frame["qualifier"]))],
        sources=_by_name(frame["source"]),
    )


def settle_state(state: FilterState, options: FilterOptions) -> FilterState:
    """`state` without choices that its options no longer offer (a district left over from another city)."""
    changes: dict[str, object] = {}
    for name, offered in (("metric", options.metrics), ("unit", options.units), ("province", options.provinces),
                          ("city", options.cities), ("district", options.districts), ("place", options.places)):
        if getattr(state, name) and getattr(state, name) not in offered:
            changes[name] = None
    return replace(state, **changes) if changes else state


# ---------------------------------------------------------------------------------------------------------------
# Figures and chart tables


@dataclass(frozen=True)
class Summary:
    articles: int
    facts: int
    places: int
    first_day: date | None
    last_day: date | None


def _name_codes(column: pd.Series) -> np.ndarray:
    """One integer per row naming its value, -1 for a missing or empty name (a categorical's own codes)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object).astype("category")
    codes = column.cat.codes.to_numpy().astype(np.int64)
    empty = np.flatnonzero(np.asarray(column.cat.categories.astype(str) == ""))
    if len(empty):
        codes[np.isin(codes, empty)] = -1
    return codes


def locality_ids(frame: pd.DataFrame) -> np.ndarray:
    """One small integer per row naming its locality (the four level names together), -1 for a row that names no
    level. prepare_frame keeps it as the LOCALITY column, so counting places is a bincount."""
    key = np.zeros(len(frame), dtype=np.int64)
    named = np.zeros(len(frame), dtype=bool)
    for level in LEVELS:
        codes = _name_codes(frame[level])
        named |= codes >= 0
        # One integer per combination of the four names (radix = categories + 1; far below 2**63 for any store).
        key = key * (int(codes.max(initial=-1)) + 2) + codes + 1
    ids = pd.factorize(key)[0].astype(np.int32)
    ids[~named] = -1
    return ids


def summarise(frame: pd.DataFrame) -> Summary:
    """Headline figures: distinct articles, facts, distinct named localities (rows naming at least one level),
    and the span of article dates. Runs on every filter change over up to every fact, so it counts integers."""
    ids = frame[LOCALITY].to_numpy() if LOCALITY in frame.columns else locality_ids(frame)
    ids = ids[ids >= 0]
    days = frame[DAY].to_numpy()
    dated = days[~np.isnat(days)]
    return Summary(
        articles=len(pd.unique(frame["article_id"].to_numpy())),
        facts=len(frame),
        places=int(np.count_nonzero(np.bincount(ids))) if len(ids) else 0,
        first_day=pd.Timestamp(dated.min()).date() if len(dated) else None,
        last_day=pd.Timestamp(dated.max()).date() if len(dated) else None,
    )


def locality_label(parts: Mapping[str, str], level: str) -> str:
    """The full name of a locality down to `level`: `徐州市云龙区`, `江苏省`, `徐州市（未指明区县）`.
    The province is left out when a city is named (a city name is unique enough and the label stays short)."""
    if level not in LEVELS:
        raise BadArgument(f"unknown level {level!r}; known: {LEVELS}")
    depth = LEVELS.index(level) + 1
    names = [str(parts.get(lv) or "") for lv in LEVELS[:depth]]
    if depth > 1 and names[1]:
        names[0] = ""
    label = "".join(names)
    if not names[-1]:
        label += LABELS["levels"]["unknown"].format(level=LEVEL_LABELS[level])
    return label


def full_locality(parts: Mapping[str, str]) -> str:
    """Every named level, most general first: `江苏省徐州市云龙区彭城街道`."""
    return "".join(str(parts.get(level) or "") for level in LEVELS)


def totals_by_place(frame: pd.DataFrame, unit: str, level: str, top: int = 30) -> pd.DataFrame:
    """Sum of `value` per locality at `level` and per qualifier, for the facts in `unit` only (values in other
    units are never added in). Columns: locality, qualifier, qualifier_label, total, facts; the `top` localities by
    total, largest first. A range counts with its lower end, as its qualifier label says."""
    if level not in LEVELS:
        raise BadArgument(f"unknown level {level!r}; known: {LEVELS}")
    columns = list(LEVELS[: LEVELS.index(level) + 1])
    rows = frame.loc[(frame["unit"] == unit).to_numpy(), [*columns, "qualifier", "value"]]
    grouped = (rows.groupby([*columns, "qualifier"], observed=True, sort=False)["value"]
               .agg(total="sum", facts="size").reset_index())
    if grouped.empty:
        return pd.DataFrame({"locality": [], "qualifier": [], "qualifier_label": [], "total": [], "facts": []})
    grouped["locality"] = [locality_label(dict(zip(columns, key)), level)
                           for key in grouped[columns].astype(str).itertuples(index=False)]
    grouped["qualifier"] = grouped["qualifier"].astype(str)
    out = grouped.groupby(["locality", "qualifier"], sort=False)[["total", "facts"]].sum().reset_index()
    order = out.groupby("locality")["total"].sum().sort_values(ascending=False, kind="stable")
    out = out[out["locality"].isin(order.index[:top])]
    out["rank"] = out["locality"].map({name: i for i, name in enumerate(order.index)})
    out["qualifier_label"] = out["qualifier"].map(QUALIFIER_LABELS)
    out = out.sort_values(["rank", "qualifier"], kind="stable").drop(columns="rank").reset_index(drop=True)
    return out[["locality", "qualifier", "qualifier_label", "total", "facts"]]


def totals_by_month(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Sum of `value` per month of the article date and per qualifier, facts in `unit` with a date only.
    Columns: month (Timestamp, first of the month), qualifier, qualifier_label, total, facts."""
    months = frame[MONTH] if MONTH in frame.columns else frame[DAY].dt.to_period("M").dt.to_timestamp()
    keep = (frame["unit"] == unit).to_numpy() & months.notna().to_numpy()
    if not keep.any():
        return pd.DataFrame({"month": pd.Series([], dtype="datetime64[ns]"), "qualifier": [],
                             "qualifier_label": [], "total": [], "facts": []})
    rows = pd.DataFrame({"month": months.to_numpy()[keep], "qualifier": frame["qualifier"].array[keep],
                         "value": frame["value"].to_numpy()[keep]})
    out = rows.groupby(["month", "qualifier"], observed=True)["value"].agg(total="sum", facts="size").reset_index()
    out["qualifier"] = out["qualifier"].astype(str)
    out = out.sort_values(["month", "qualifier"], kind="stable", ignore_index=True)
    out["qualifier_label"] = out["qualifier"].map(QUALIFIER_LABELS)
    return out[["month", "qualifier", "qualifier_label", "total", "facts"]]


def metric_mix(frame: pd.DataFrame) -> pd.DataFrame:
    """How many facts each metric has (a count of facts, which is safe to add across units).
    Columns: metric, metric_label, facts, units (the units of that metric, most frequent first)."""
    rows = []
    counts = frame.groupby(["metric", "unit"], observed=True).size()
    for metric in METRICS:
        if metric not in counts.index.get_level_values(0):
            continue
        per_unit = counts.loc[metric].sort_values(ascending=False)
        rows.append({"metric": metric, "metric_label": METRIC_LABELS[metric], "facts": int(per_unit.sum()),
                     "units": "、".join(str(u) for u in per_unit.index)})
    out = pd.DataFrame(rows, columns=["metric", "metric_label", "facts", "units"])
    return out.sort_values("facts", ascending=False, kind="stable").reset_index(drop=True)


def chart_unit(frame: pd.DataFrame, state: FilterState) -> str | None:
    """The unit the charts show: the chosen one, else the most frequent unit among the filtered facts."""
    if state.unit:
        return state.unit
    units = _by_frequency(frame["unit"])
    return units[0] if units else None


# Orders of the facts table (the app labels them in Chinese).
TABLE_ORDERS = ("store", "value-desc", "value-asc", "date-desc")


def table_rows(frame: pd.DataFrame, order: str, limit: int) -> pd.DataFrame:
    """The first `limit` facts of `frame` in `order` (ties keep store order; undated facts last by date). Picks
    the top rows without sorting the whole frame."""
    if order not in TABLE_ORDERS:
        raise BadArgument(f"unknown table order {order!r}; known: {TABLE_ORDERS}")
    if order == "value-desc":
        return frame.nlargest(limit, "value")
    if order == "value-asc":
        return frame.nsmallest(limit, "value")
    if order == "date-desc":
        # NaT is the smallest datetime64 integer, so undated facts come last.
        days = pd.Series(frame[DAY].to_numpy().view("int64"))
        return frame.iloc[days.nlargest(limit, keep="first").index.to_numpy()]
    return frame.head(limit)


@dataclass(frozen=True)
class PageView:
    """Everything the page draws for one choice of filters, level and order: small enough to cache per choice.
    The charts get aggregated tables only (at most a few hundred rows), the table at most `limit` facts."""

    summary: Summary
    unit: str | None
    other_units: dict[str, int]
    totals: pd.DataFrame
    months: pd.DataFrame
    mix: pd.DataFrame
    rows: pd.DataFrame


def _plain_values(column: pd.Series) -> pd.Series:
    """A few rows of a categorical column as plain Python strings (None when missing), looking up only the
    categories used (converting all of a store's paths or headlines would cost more than the rows)."""
    codes = column.cat.codes.to_numpy()
    names = column.cat.categories.take(np.where(codes >= 0, codes, 0)) if len(column.cat.categories) else []
    return pd.Series([str(name) if code >= 0 else None for name, code in zip(names, codes)] if len(names) else
                     [None] * len(column), index=column.index, dtype=object)


# The chart tables a page view can hold: by place, by month, the metric mix. The page draws one chart at a time
# (each Vega chart costs the browser a redraw on every filter change), so it asks only for the one shown.
CHART_KINDS = ("place", "month", "mix")
# The columns the figures, chart tables and table order read: the filtered rows are copied with these only (not the
# sentences and texts), and the table's few rows are taken from the whole frame afterwards.
_AGGREGATED = ("article_id", "value", "unit", "qualifier", "metric", *LEVELS, DAY, MONTH, LOCALITY)


def page_view(frame: pd.DataFrame, state: FilterState, level: str, order: str, limit: int,
              charts: Iterable[str] = CHART_KINDS) -> PageView:
    """The figures, the chart tables named in `charts` (the others are left empty) and the first `limit` table
    rows in `order` of the facts of `frame` that pass `state`."""
    charts = tuple(charts)
    unknown = [kind for kind in charts if kind not in CHART_KINDS]
    if unknown:
        raise BadArgument(f"unknown charts {unknown}; known: {CHART_KINDS}")
    positions = np.arange(len(frame)) if state.is_empty() else np.flatnonzero(filter_mask(frame, state))
    filtered = frame[list(_AGGREGATED)]
    if len(positions) < len(frame):
        filtered = filtered.iloc[positions]
    filtered.index = positions  # row labels = positions in `frame`, which pick the table's rows below
    unit = chart_unit(filtered, state)
    others: dict[str, int] = {}
    totals = months = mix = pd.DataFrame()
    if unit is not None:
        counts = filtered["unit"].value_counts()
        others = {str(u): int(n) for u, n in counts.items() if n > 0 and str(u) != unit}
        if "place" in charts:
            totals = totals_by_place(filtered, unit, level)
        if "month" in charts:
            months = totals_by_month(filtered, unit)
    if "mix" in charts:
        mix = metric_mix(filtered)
    rows = frame.iloc[table_rows(filtered, order, limit).index.to_numpy()].drop(columns=[DAY, MONTH, LOCALITY],
                                                                                   errors="ignore")
    # Plain values, not categoricals: a slice of a categorical keeps every category (a store's worth of paths and
    # headlines), which the cache would pickle on every filter change.
    rows = rows.assign(**{c: _plain_values(rows[c]) for c in rows.columns
                          if isinstance(rows[c].dtype, pd.CategoricalDtype)})
    return PageView(summary=summarise(filtered), unit=unit, other_units=others, totals=totals, months=months,
                    mix=mix, rows=rows.reset_index(drop=True))


# The first page, as a visitor sees it before touching a widget: no filter, bars by district, the table in store
# order, the place chart's tab, this many table rows. The app starts its widgets at these values, and the server
# computes this page while it starts (dashboard.holder), so the first visitor finds it ready. The table's rows are
# sent and parsed again on every filter change; the caption gives the total, the downloads carry every row.
TABLE_ROWS = 200
FIRST_LEVEL = "district"
FIRST_ORDER = "store"
FIRST_CHART = CHART_KINDS[0]


@dataclass(frozen=True)
class FirstPage:
    """The option lists with nothing chosen and the page view of the first page."""

    options: FilterOptions
    view: PageView

    def view_for(self, state: FilterState, level: str, order: str, chart: str, limit: int) -> PageView | None:
        """The view, if these are the first page's choices; else None."""
        if (state, level, order, chart, limit) == (FilterState(), FIRST_LEVEL, FIRST_ORDER, FIRST_CHART, TABLE_ROWS):
            return self.view
        return None


def first_page(frame: pd.DataFrame) -> FirstPage:
    """What the first page draws from `frame`."""
    return FirstPage(options=filter_options(frame, FilterState()),
                     view=page_view(frame, FilterState(), FIRST_LEVEL, FIRST_ORDER, TABLE_ROWS, charts=(FIRST_CHART,)))


# ---------------------------------------------------------------------------------------------------------------
# Numbers in words


@dataclass(frozen=True)
class _Magnitude:
    suffix: str
    factor: float


MAGNITUDES = tuple(_Magnitude(m["suffix"], float(m["factor"])) for m in LABELS["magnitudes"])


def _grouped(x: float, decimals: int = 4) -> str:
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_number(x: float, style: str = "chinese") -> str:
    """`14000000` -> `1,400万` (style "chinese": 万 and 亿, up to 4 decimals) or `14,000,000` (style "grouped")."""
    if style not in NUMBER_STYLES:
        raise BadArgument(f"unknown number style {style!r}; known: {NUMBER_STYLES}")
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if style == "chinese":
        for magnitude in MAGNITUDES:
            if abs(x) >= magnitude.factor:
                return _grouped(x / magnitude.factor) + magnitude.suffix
    return _grouped(x)


def format_value(value: float, unit: str, qualifier: str = "exact", style: str = "chinese",
                 value_high: float | None = None) -> str:
    """A fact's value as a reader says it: `1,400万吨`, `约12万平方米`, `120人以上`, `3万～5万元`."""
    if qualifier not in LABELS["qualifiers"]:
        raise BadArgument(f"unknown qualifier {qualifier!r}; known: {QUALIFIERS}")
    template = LABELS["qualifiers"][qualifier]["template"]
    has_high = value_high is not None and not (isinstance(value_high, float) and math.isnan(value_high))
    if "{high}" in template and not has_high:
        template = LABELS["qualifiers"]["exact"]["template"]
    return template.format(value=format_number(value, style),
                           high=format_number(value_high, style) if has_high else "", unit=unit)


# ---------------------------------------------------------------------------------------------------------------
# Where a number comes from: highlighted text (article text is untrusted: every piece is escaped)


@dataclass(frozen=True)
class Mark:
    """A span of the text to highlight; `current` is the fact the analyst chose."""

    start: int
    end: int
    current: bool = False
    title: str = ""


def highlight_html(text: str, marks: Iterable[Mark]) -> str:
    """`text` as HTML with each mark wrapped in <mark>. Offsets are positions in the raw `text`; each piece is
    escaped on its own, so the offsets never shift and no article text can become markup. A mark that overlaps
    an earlier one is left out; a mark outside the text raises BadArgument."""
    pieces: list[str] = []
    pos = 0
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if not 0 <= mark.start < mark.end <= len(text):
            raise BadArgument(f"mark {mark.start}..{mark.end} is outside a text of {len(text)} characters")
        if mark.start < pos:
            continue
        css = "fact current" if mark.current else "fact"
        title = f' title="{html.escape(mark.title, quote=True)}"' if mark.title else ""
        pieces.append(html.escape(text[pos:mark.start], quote=True))
        pieces.append(f'<mark class="{css}"{title}>{html.escape(text[mark.start:mark.end], quote=True)}</mark>')
        pos = mark.end
    pieces.append(html.escape(text[pos:], quote=True))
    return "".join(pieces)


def mention_in_sentence(sentence: str, mention: str, raw: str = "", start: int | None = None) -> int | None:
    """Where `mention` starts inside `sentence`. When the raw article and the mention's offset are known, the
    occurrence that is the fact itself is chosen (a sentence may hold `35名` twice); else the first one."""
    if not mention:
        return None
    if raw and start is not None and start >= 0:
        for match in re.finditer(re.escape(sentence), raw[max(0, start - len(sentence)): start + len(sentence)]):
            begin = max(0, start - len(sentence)) + match.start()
            if begin <= start and start + len(mention) <= begin + len(sentence):
                return start - begin
    found = sentence.find(mention)
    return found if found >= 0 else None


def sentence_html(sentence: str, mention: str, raw: str = "", start: int | None = None) -> str:
    """The sentence as escaped HTML with the mention highlighted (plain escaped text if it cannot be found)."""
    offset = mention_in_sentence(sentence, mention, raw, start)
    if offset is None:
        return html.escape(sentence, quote=True)
    return highlight_html(sentence, [Mark(offset, offset + len(mention), current=True)])


def article_marks(raw: str, facts: pd.DataFrame, current_start: int | None = None,
                  style: str = "chinese") -> tuple[list[Mark], int]:
    """Marks for every fact of one article whose offsets still point at its mention in `raw`, and how many facts
    do not (the file changed since it was read). `facts` has the columns text, start, end, value, value_high,
    unit, qualifier, metric."""
    marks: list[Mark] = []
    stale = 0
    for row in facts.itertuples(index=False):
        start, end = int(row.start), int(row.end)
        if not (0 <= start < end <= len(raw)) or raw[start:end] != str(row.text):
            stale += 1
            continue
        high = None if pd.isna(row.value_high) else float(row.value_high)
        title = (f"{METRIC_LABELS.get(str(row.metric), str(row.metric))}："
                 f"{format_value(float(row.value), str(row.unit), str(row.qualifier), style, high)}")
        marks.append(Mark(start, end, current=start == current_start, title=title))
    return marks, stale


def facts_of_article(frame: pd.DataFrame, article_id: int) -> pd.DataFrame:
    """Every fact of one article (whatever the filters), in text order."""
    rows = frame[(frame["article_id"] == article_id).to_numpy()]
    return rows.sort_values("start", kind="stable")


class SourceMissing(FileNotFoundError):
    """The article a fact came from is no longer where the store says it was."""


def read_source_text(path: str, doc: str = "") -> str:
    """The raw text that a fact's offsets index: the article file, or for a JSON Lines feed the `text` of the
    record whose id is the fact's `doc` (the store keeps the feed's path as the article path; `feed.jsonl#<id>`
    is read too). Raises SourceMissing when the file or record is gone, UnreadableInput when the file cannot be
    read as text."""
    file_part, _, record_id = str(path).partition("#")
    file_path = Path(file_part)
    if not file_path.is_file():
        raise SourceMissing(f"{file_path} no longer exists")
    if file_path.suffix.lower() not in FEED_SUFFIXES:
        return read_article(file_path)
    record_id = record_id or doc
    with file_path.open("rb") as feed:
        for number, line in enumerate(feed, start=1):
            if record_id.encode() not in line:
                continue
            try:
                record = parse_feed_line(line, str(file_path), number)
            except UnreadableInput:  # a line the refresh skipped too: no fact points into it
                continue
            if record["id"] == record_id:
                return record["text"]
    raise SourceMissing(f"{file_path} has no record with id {record_id}")


# ---------------------------------------------------------------------------------------------------------------
# Freshness


def skipped_inputs(run: Mapping | None) -> pd.DataFrame:
    """The inputs the last refresh skipped, one row each: source, reason, detail."""
    skipped = list((run or {}).get("skipped") or [])
    rows = [{"source": str(s[0]), "reason": str(s[1]), "detail": str(s[2]) if len(s) > 2 else ""}
            if not isinstance(s, Mapping) else
            {"source": str(s.get("source_key", s.get("source", ""))), "reason": str(s.get("reason", "")),
             "detail": str(s.get("detail", ""))}
            for s in skipped]
    return pd.DataFrame(rows, columns=["source", "reason", "detail"])


def skipped_by_reason(run: Mapping | None) -> dict[str, int]:
    """How many inputs the last refresh skipped, per reason, most frequent first."""
    counts = skipped_inputs(run)["reason"].value_counts()
    return {str(reason): int(n) for reason, n in counts.items()}
