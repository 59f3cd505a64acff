"""`facts evaluate`: score the extractor against a gold file in the FACTS.md format.

A prediction matches a gold fact of the same `doc` when `unit` is equal and `value` is equal to 6 significant
digits; pairs are taken greedily in document order. Precision, recall and F1 overall and per metric; on matched
pairs, agreement on qualifier, metric and each locality level (a gold level left empty is not scored). When the
gold folder holds an EXCLUDED.md, spurious predictions inside one of its strings are counted and listed.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from extract.errors import ExtractError, UnreadableInput
from extract.fact import METRICS
from extract.pipeline import extract
from extract.reader import iter_article_paths, read_article

LEVELS = ("province", "city", "district", "place")


class GoldFileError(ExtractError):
    """The gold file cannot be used (missing, or no usable line)."""


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    per_metric: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # metric -> [tp, pred, gold]
    agree: Counter = field(default_factory=Counter)     # field -> agreeing pairs
    scored: Counter = field(default_factory=Counter)    # field -> pairs where the field is scored
    excluded_hits: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    spurious: list = field(default_factory=list)
    disagreements: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def agreement(self, name: str) -> float | None:
        return self.agree[name] / self.scored[name] if self.scored[name] else None

    def as_dict(self) -> dict:
        d = {"gold": self.gold, "predicted": self.predicted, "matched": self.matched,
             "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
             "excluded_hits": len(self.excluded_hits)}
        for name in ("qualifier", "metric") + LEVELS:
            a = self.agreement(name)
            d[name] = None if a is None else round(a, 4)
        d["per_metric"] = {m: dict(zip(("tp", "predicted", "gold"), v)) for m, v in sorted(self.per_metric.items())}
        return d


def same_value(a: float, b: float) -> bool:
    """Equal to 6 significant digits."""
    if a == b:
        return True
    return f"{float(a):.6g}" == f"{float(b):.6g}"


def load_gold(path: Path) -> tuple[dict[str, list[dict]], list[str]]:
    if not path.is_file():
        raise GoldFileError(f"{path}: no such gold file")
    by_doc: dict[str, list[dict]] = defaultdict(list)
    warnings = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            rec["value"] = float(rec["value"])
            by_doc[str(rec["doc"])].append(rec)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            warnings.append(f"{path}:{n}: skipped a broken gold line ({exc})")
    if not by_doc:
        raise GoldFileError(f"{path}: no usable gold line")
    return by_doc, warnings


def load_excluded(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] and parts[1] and not line.startswith("#"):
            out[parts[0]].append(parts[1])
    return out


def evaluate(gold_path: Path, articles_dir: Path, excluded_path: Path | None = None) -> Score:
    gold, warnings = load_gold(gold_path)
    excluded = load_excluded(excluded_path or gold_path.parent / "EXCLUDED.md")
    files = {p.stem: p for p in iter_article_paths([articles_dir])}
    score = Score(warnings=warnings)
    records = _feed_records(articles_dir, score.warnings)
    for doc in sorted(set(gold) | set(files) | set(records)):
        if doc in records:
            text, headline = records[doc]
            preds = extract(text, doc=doc, headline=headline)
            _score_doc(score, doc, text, gold.get(doc, []), preds, excluded.get(doc, []))
            continue
        if doc not in files:
            score.warnings.append(f"{doc}: in the gold file but no article file under {articles_dir}")
            continue
        try:
            raw = read_article(files[doc])
        except UnreadableInput as exc:
            score.warnings.append(str(exc))
            continue
        _score_doc(score, doc, raw, gold.get(doc, []), extract(raw, doc=doc), excluded.get(doc, []))
    return score


def _feed_records(folder: Path, warnings: list[str]) -> dict[str, tuple[str, str]]:
    """doc id -> (text, title) of every record of the JSON Lines feeds under `folder` (offsets index `text`)."""
    from extract.reader import parse_feed_line

    out = {}
    for feed in sorted(folder.rglob("*.jsonl")):
        for number, line in enumerate(feed.read_bytes().splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = parse_feed_line(line, str(feed), number)
            except UnreadableInput as exc:
                warnings.append(str(exc))
                continue
            out[record["id"]] = (record["text"], record.get("title") or "")
    return out


def _score_doc(score: Score, doc: str, raw: str, gold: list[dict], preds: list, excluded: list[str]) -> None:
    score.gold += len(gold)
    score.predicted += len(preds)
    for p in preds:
        score.per_metric[p.metric][1] += 1
    for g in gold:
        score.per_metric[g["metric"]][2] += 1
    used = [False] * len(preds)
    for g in gold:
        for i, p in enumerate(preds):
            if not used[i] and p.unit == g["unit"] and same_value(p.value, g["value"]):
                used[i] = True
                score.matched += 1
                if p.metric == g["metric"]:
                    score.per_metric[g["metric"]][0] += 1
                diffs = []
                for name in ("qualifier", "metric") + LEVELS:
                    if name in LEVELS and not g.get(name):
                        continue
                    score.scored[name] += 1
                    if (getattr(p, name) or "") == (g.get(name) or ""):
                        score.agree[name] += 1
                    else:
                        diffs.append(f"{name}: gold {g.get(name)!r} got {getattr(p, name)!r}")
                if diffs:
                    score.disagreements.append((doc, g["text"], diffs))
                break
        else:
            score.missed.append((doc, g["text"], g["value"], g["unit"], g.get("sentence", "")[:60]))
    occurrences = []
    for s in set(excluded):
        i = raw.find(s)
        while i >= 0:
            occurrences.append((i, i + len(s), s))
            i = raw.find(s, i + 1)
    for i, p in enumerate(preds):
        if used[i]:
            continue
        score.spurious.append((doc, p.text, p.value, p.unit, p.sentence[:60]))
        for a, b, s in occurrences:
            if a <= p.start < b or a < p.end <= b:
                score.excluded_hits.append((doc, p.text, s))
                break


def format_report(score: Score, verbose: bool = False) -> str:
    lines = []
    for w in score.warnings:
        lines.append(f"warning: {w}")
    lines.append(f"facts: gold {score.gold}, predicted {score.predicted}, matched {score.matched}")
    lines.append(f"overall   precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}")
    lines.append("per metric (metric agrees):      precision  recall     F1   gold  pred")
    for m in METRICS:
        tp, pred, gold = score.per_metric.get(m, [0, 0, 0])
        if not pred and not gold:
            continue
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(f"  {m:<30} {p:9.3f} {r:7.3f} {f:6.3f} {gold:6d} {pred:5d}")
    lines.append("agreement on matched facts:")
    for name in ("qualifier", "metric") + LEVELS:
        a = score.agreement(name)
        shown = "n/a" if a is None else f"{a:.3f}"
        lines.append(f"  {name:<10} {shown}  ({score.agree[name]}/{score.scored[name]})")
    lines.append(f"facts from EXCLUDED strings: {len(score.excluded_hits)}")
    if verbose:
        for doc, text, s in score.excluded_hits:
            lines.append(f"  EXCLUDED  {doc}  {text}  (inside {s!r})")
        for doc, text, value, unit, sent in score.missed:
            lines.append(f"  MISSED    {doc}  {text}  = {value:g} {unit}   | {sent}")
        for doc, text, value, unit, sent in score.spurious:
            lines.append(f"  SPURIOUS  {doc}  {text}  = {value:g} {unit}   | {sent}")
        for doc, text, diffs in score.disagreements:
            lines.append(f"  DISAGREE  {doc}  {text}  " + "; ".join(diffs))
    return "\n".join(lines)


def check_floors(score: Score, floors_path: Path) -> list[str]:
    """The scores that fell below the floors file (TOML: precision, recall, qualifier, metric, city, ...;
    excluded_hits_max)."""
    floors = tomllib.loads(floors_path.read_text(encoding="utf-8"))
    failures = []
    values = {"precision": score.precision, "recall": score.recall, "f1": score.f1}
    for name in ("qualifier", "metric") + LEVELS:
        values[name] = score.agreement(name)
    for name, floor in floors.items():
        if name == "excluded_hits_max":
            if len(score.excluded_hits) > floor:
                failures.append(f"facts from EXCLUDED strings: {len(score.excluded_hits)} > {floor}")
            continue
        if name not in values:
            failures.append(f"unknown floor {name!r} in {floors_path}")
            continue
        got = values[name]
        if got is None or got + 1e-9 < floor:
            failures.append(f"{name}: {got if got is None else round(got, 4)} < floor {floor}")
    return failures


def run(args: argparse.Namespace) -> int:
    try:
        score = evaluate(Path(args.gold), Path(args.articles), Path(args.excluded) if args.excluded else None)
    except GoldFileError as exc:
        print(f"facts evaluate: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(score.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(score, args.verbose))
    if args.floors:
        failures = check_floors(score, Path(args.floors))
        for f in failures:
            print(f"BELOW FLOOR: {f}", file=sys.stderr)
        if failures:
            return 1
    return 0


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="score the extractor against a gold file (precision, recall, F1, agreement)")
    p.add_argument("--gold", required=True, help="gold facts, one JSON object per line (FACTS.md)")
    p.add_argument("--articles", required=True, help="folder with the article files the gold refers to")
    p.add_argument("--excluded", help="EXCLUDED.md (default: beside the gold file)")
    p.add_argument("--floors", help="TOML file of minimum scores; exit 1 when a score falls below")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="list every missed, spurious and disagreeing fact")
    p.set_defaults(run=run)
