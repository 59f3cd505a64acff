"""The fact record: the contract of ../shared/spec/FACTS.md as an immutable named tuple (one is built per fact:
a named tuple is built in half the time of a frozen dataclass, and turned into a dict many times faster)."""
from __future__ import annotations

from typing import NamedTuple

QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range")
METRICS = ("throughput", "participants", "funds", "output", "count", "length", "area", "percent")


class Fact(NamedTuple):
    """One reported quantity. Field order is the order of FACTS.md; `headline` is the article's headline."""

    doc: str
    text: str
    start: int
    end: int
    value: float
    value_high: float | None
    unit: str
    qualifier: str
    metric: str
    subject: str
    province: str = ""
    city: str = ""
    district: str = ""
    place: str = ""
    sentence: str = ""
    headline: str = ""

    def as_dict(self) -> dict:
        """Plain dict with integral values written as int (1400万吨 -> 14000000, not 14000000.0)."""
        d = self._asdict()
        d["value"] = plain_number(self.value)
        d["value_high"] = None if self.value_high is None else plain_number(self.value_high)
        return d


FACT_FIELDS = Fact._fields


def plain_number(x: float) -> float | int:
    """A value as a reader writes it: 14000000 rather than 14000000.0, 41.3 kept as is."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e18:
        return int(x)
    return x
