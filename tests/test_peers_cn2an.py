"""Conformance with cn2an's own test data (../shared/eval/peers/cn2an-cases.json, MIT; see SOURCES.md there).

In scope: every `cn2an` case of modes strict, normal and smart whose expected result is a number, read by
`parse_numeral`, or by `parse_quantity` when the case carries a money unit (元/圆/角/分: 壹拾壹元壹角 = 11.1 元).
Error cases ("must raise ValueError") are in scope as "parse_numeral raises NotANumeral".
Out of scope, and why:
- `an2cn` and `transform` cases: number -> Chinese text formatting, which the extractor never does.
- `direct` mode: digit-by-digit transliteration into strings ('零一' -> '01'), a formatting case.
- `百十一` among the errors: an error in cn2an's strict mode only; like cn2an's normal mode we read a leading 百
  as 一百 (上百, 百万), so 百十一 is 111.
Deliberately different (`_DIGIT_STRINGS`): cn2an's normal mode reads digits side by side (一七二零) as a number;
in news prose such strings are years, holidays and codes (二〇二一, 七一), which FACTS.md says are not facts, so we
assert NotANumeral. With a decimal point (一七二零点一) they are numbers, and are read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from extract.numerals import NotANumeral, parse_numeral
from extract.quantities import parse_quantity

PEERS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "peers"
CASES_FILE = PEERS / "cn2an-cases.json"
if not CASES_FILE.exists():
    pytest.skip(f"peer test data not found at {CASES_FILE} (../shared beside the checkout)", allow_module_level=True)

MONEY_MARKS = "元圆角分"
OUT_OF_SCOPE_ERRORS = {"百十一": "strict-mode error only; a leading 百 reads as 一百, as in cn2an's normal mode"}
# Money cases that parse_quantity does not read yet (strict xfail, with the change each needs). None today.
_PENDING_QUANTITIES: dict[str, str] = {}


@dataclass(frozen=True)
class Cn2anCase:
    group: str
    text: str
    expected: Decimal | None     # None: must not be a number

    @property
    def id(self) -> str:
        return f"{self.group}:{self.text or '(empty)'}"


def _is_digit_string(text: str) -> bool:
    body = text.removeprefix("负")
    return len(body) > 1 and "点" not in body and all(ch in "零〇一二三四五六七八九壹" for ch in body)


def _load() -> tuple[list[Cn2anCase], list[Cn2anCase], list[Cn2anCase], list[Cn2anCase]]:
    numbers, money, digit_strings, errors = [], [], [], []
    for raw in json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]:
        if raw["method"] != "cn2an" or raw["mode"] not in ("strict", "normal", "smart"):
            continue  # formatting cases (an2cn, transform, direct): out of scope
        if raw["expected"] == "ValueError":
            if raw["input"] not in OUT_OF_SCOPE_ERRORS:
                errors.append(Cn2anCase(raw["group"], raw["input"], None))
            continue
        case = Cn2anCase(raw["group"], raw["input"], Decimal(str(raw["expected"])))
        if any(ch in raw["input"] for ch in MONEY_MARKS):
            money.append(case)
        elif _is_digit_string(raw["input"]):
            digit_strings.append(case)
        else:
            numbers.append(case)
    return numbers, money, digit_strings, errors


_NUMBERS, _MONEY, _DIGIT_STRINGS, _ERRORS = _load()


def _close(got: Decimal | float, want: Decimal) -> bool:
    return abs(Decimal(str(got)) - want) <= Decimal("1e-9") * max(Decimal(1), abs(want))


@pytest.mark.parametrize("case", _NUMBERS, ids=[c.id for c in _NUMBERS])
def test_number_value(case: Cn2anCase):
    assert _close(parse_numeral(case.text).value, case.expected)


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=_PENDING_QUANTITIES[c.text]))
    if c.text in _PENDING_QUANTITIES else c for c in _MONEY], ids=[c.id for c in _MONEY])
def test_money_value(case: Cn2anCase):
    q = parse_quantity(case.text)
    assert q is not None and q.unit == "元" and _close(q.value, case.expected)


@pytest.mark.parametrize("case", _DIGIT_STRINGS, ids=[c.id for c in _DIGIT_STRINGS])
def test_digit_string_is_not_a_count(case: Cn2anCase):
    with pytest.raises(NotANumeral):
        parse_numeral(case.text)


@pytest.mark.parametrize("case", _ERRORS, ids=[c.id for c in _ERRORS])
def test_error_is_not_a_number(case: Cn2anCase):
    with pytest.raises(NotANumeral):
        parse_numeral(case.text)


def test_every_number_case_is_counted():
    """The tables above hold all 132 number cases of modes strict (90), normal (30) and smart (12)."""
    assert len(_NUMBERS) + len(_MONEY) + len(_DIGIT_STRINGS) == 132
