"""`facts evaluate`: matching by unit and value to 6 significant digits, greedy in document order; floors."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, shared_path

from extract.evaluate import GoldFileError, check_floors, evaluate, same_value

ARTICLE = "今年港口吞吐量完成587.07万吨，同比增长41.3%。建成2个2000吨级泊位。\n"


def _gold(tmp_path, lines):
    g = tmp_path / "gold.jsonl"
    g.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return g


def _fact(text, value, unit, metric="throughput", qualifier="exact", **kw):
    return json.dumps({"doc": "a", "text": text, "value": value, "unit": unit, "metric": metric,
                       "qualifier": qualifier, "province": kw.get("province", ""), "city": "", "district": "",
                       "place": ""}, ensure_ascii=False)


@pytest.mark.parametrize("a, b, same", [(5870700, 5870700.0, True), (1.0, 1.0000001, True), (41.3, 41.31, False),
                                        (66.6667, 66.66666667, True)])
def test_same_value_to_six_significant_digits(a, b, same):
    assert same_value(a, b) is same


def test_scores_match_miss_and_spurious(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    gold = _gold(tmp_path, [
        _fact("587.07万吨", 5870700, "吨"),
        _fact("41.3%", 41.3, "%", metric="percent"),
        _fact("9999吨", 9999, "吨"),  # not in the text: missed
    ])
    score = evaluate(gold, tmp_path / "articles")
    assert (score.gold, score.predicted, score.matched) == (3, 3, 2)
    assert score.precision == pytest.approx(2 / 3) and score.recall == pytest.approx(2 / 3)
    assert [m[1] for m in score.missed] == ["9999吨"]
    assert [s[1] for s in score.spurious] == ["2个"]
    assert score.agreement("metric") == 1.0
    assert score.agreement("province") is None  # gold levels left empty are not scored


def test_a_broken_gold_line_is_reported_and_skipped(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    gold = _gold(tmp_path, [_fact("587.07万吨", 5870700, "吨"), "{not json"])
    score = evaluate(gold, tmp_path / "articles")
    assert score.gold == 1 and any("broken gold line" in w for w in score.warnings)


def test_a_missing_gold_file_is_an_error(tmp_path):
    with pytest.raises(GoldFileError):
        evaluate(tmp_path / "none.jsonl", tmp_path)


def test_floors_fail_when_a_score_drops(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    score = evaluate(_gold(tmp_path, [_fact("587.07万吨", 5870700, "吨")]), tmp_path / "articles")
    floors = tmp_path / "floors.toml"
    floors.write_text("precision = 0.9\nrecall = 0.9\nexcluded_hits_max = 0\n", encoding="utf-8")
    assert check_floors(score, floors) == ["precision: 0.3333 < floor 0.9"]


def test_the_command_prints_scores_per_metric_and_the_seed_meets_the_floor():
    seed = shared_path("eval", "seed")
    out = subprocess.run([sys.executable, "-m", "extract", "evaluate", "--gold", str(seed / "gold.jsonl"),
                          "--articles", str(seed / "articles"), "--floors", str(ROOT / "tests" / "floors.toml")],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "precision" in out.stdout and "throughput" in out.stdout and "city" in out.stdout
