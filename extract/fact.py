"""The fact record: the contract of ../shared/spec/FACTS.md as a frozen dataclass."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range")
METRICS = ("throughput", "participants", "funds", "output", "count", "length", "area", "percent")


@dataclass(frozen=True, slots=True)
class Fact:
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
        d = asdict(self)
        d["value"] = plain_number(self.value)
        d["value_high"] = None if self.value_high is None else plain_number(self.value_high)
        return d


FACT_FIELDS = tuple(f.name for f in fields(Fact))


def plain_number(x: float) -> float | int:
    """A value as a reader writes it: 14000000 rather than 14000000.0, 41.3 kept as is."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e18:
        return int(x)
    return x
