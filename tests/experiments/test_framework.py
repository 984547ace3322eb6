"""The lesson framework: a lesson's numbers over seeds as mean ± std, its claims checked on
every seed, the verdict ``holds`` only when every seed agrees."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import math

import pytest

from symnn import experiments as E
from symnn.experiments.claims import Claim, check_claims
from symnn.experiments.seeds import aggregate, format_mean_std, seed_range, variant_table


@pytest.fixture
def fake(monkeypatch):
    """Register tests/experiments/fake_lesson.py as the lesson "fake"."""
    path = Path(__file__).with_name("fake_lesson.py")
    spec = importlib.util.spec_from_file_location("symnn_test_fake_lesson", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "symnn_test_fake_lesson", module)
    monkeypatch.setitem(E.EXPERIMENTS, "fake", "symnn_test_fake_lesson")
    return "fake"


def test_claim_holds_only_when_it_holds_on_every_seed():
    claim = Claim("x is positive", lambda n: (n["x"] > 0, {"x": n["x"]}))
    [all_pos] = check_claims([claim], [{"x": 1}, {"x": 2}], [0, 1])
    [one_neg] = check_claims([claim], [{"x": 1}, {"x": -2}, {"x": 3}], [0, 1, 2])
    assert (all_pos.holds, all_pos.seeds_holding, all_pos.seeds) == (True, 2, 2)
    assert (one_neg.holds, one_neg.seeds_holding, one_neg.seeds) == (False, 2, 3)
    assert one_neg.evidence[1] == {"seed": 1, "holds": False, "x": -2}
    assert one_neg.verdict() == "fails: holds on 2 of 3 seeds"
    assert all_pos.verdict() == "holds on 2 of 2 seeds"


def test_check_claims_refuses_runs_and_seeds_of_different_lengths():
    with pytest.raises(ValueError, match="2 runs for 3 seeds"):
        check_claims([], [{}, {}], [0, 1, 2])


def test_aggregate_gives_mean_and_population_std_of_numbers_and_equal_length_lists():
    mean, std = aggregate([{"a": 1.0, "b": [1, 2], "c": "x", "d": [1]},
                           {"a": 3.0, "b": [3, 6], "c": "y", "d": [1, 2]}])
    assert mean == {"a": 2.0, "b": [2.0, 4.0]} and std == {"a": 1.0, "b": [1.0, 2.0]}
    assert aggregate([True, False]) is None


def test_format_mean_std_shows_counts_plain_and_small_numbers_in_scientific_notation():
    assert format_mean_std(0.9123, 0.0111) == "0.912 ± 0.011"
    assert format_mean_std(12.0, 0.0, integer=True) == "12"
    assert format_mean_std(12.4, 1.25, integer=True) == "12.4 ± 1.2"
    assert format_mean_std(1.5e-4, 2e-5) == "1.50e-04 ± 2.0e-05"


def test_seed_range_names_consecutive_seeds_as_a_range():
    assert seed_range([0, 1, 2, 3, 4]) == "seeds 0-4"
    assert seed_range([7]) == "seed 7"
    assert seed_range([0, 3]) == "seeds 0, 3"


def test_variant_table_has_a_row_per_variant_with_mean_and_std():
    runs = [{"variants": {"a": {"acc": 0.5, "n": 3}}}, {"variants": {"a": {"acc": 0.7, "n": 3}}}]
    header, row = variant_table(runs)
    assert header.split() == ["variant", "acc", "n"]
    assert row.split() == ["a", "0.600", "±", "0.100", "3"]


def test_run_uses_the_lessons_default_seeds_and_checks_each_claim_on_each(fake):
    r = E.run(fake)
    assert r.numbers["seeds"] == [0, 1, 2] and len(r.numbers["runs"]) == 3
    assert r.numbers["mean"]["variants"]["small"]["score"] == pytest.approx(1.0)
    assert r.numbers["mean"]["curve"] == pytest.approx([1.0, 2.0])
    assert "ragged" not in r.numbers["mean"] and "label" not in r.numbers["mean"]
    beats, below = r.claims
    assert beats.holds and beats.seeds_holding == 3
    assert not below.holds and below.seeds_holding == 2 and not below.evidence[2]["holds"]
    assert not r.all_hold


def test_run_passes_seeds_quick_and_options_to_the_lesson(fake):
    r = E.run(fake, seeds=[4], quick=True, scale=0.25)
    [run] = r.numbers["runs"]
    assert run["quick"] is True and run["variants"]["small"]["score"] == 1.0
    assert r.claims[1].holds and r.numbers["seeds"] == [4]


def test_run_reports_progress_after_each_seed(fake):
    calls = []
    E.run(fake, seeds=2, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


@pytest.mark.parametrize("seeds", [0, [], [-1]])
def test_run_refuses_no_seeds_or_negative_seeds(fake, seeds):
    with pytest.raises(ValueError, match="seeds must be"):
        E.run(fake, seeds=seeds)


def test_summary_shows_table_and_each_claims_verdict_with_per_seed_evidence(fake):
    text = str(E.run(fake))
    assert text.startswith("A fake lesson\n=============")
    assert "mean ± std over seeds 0-2:" in text
    assert "11.000 ± 0.816" in text  # large: 10, 11, 12
    assert "[holds on 3 of 3 seeds] large always beats small" in text
    assert "[fails: holds on 2 of 3 seeds] small is below 1.5" in text
    assert "seed 2 (fails): small 2" in text


def test_to_dict_adds_claims_to_name_title_numbers_summary(fake):
    data = json.loads(json.dumps(E.run(fake).to_dict()))
    assert {"name", "title", "numbers", "summary", "claims"} <= set(data)
    assert data["claims"][1] == {
        "text": "small is below 1.5", "holds": False, "seeds_holding": 2, "seeds": 3,
        "evidence": [{"seed": 0, "holds": True, "small": 0.0},
                     {"seed": 1, "holds": True, "small": 1.0},
                     {"seed": 2, "holds": False, "small": 2.0}]}
    assert data["curves"]["curve"]["s0"] == {"x": [0, 1], "y": [0.0, 0.0]}


def test_claims_of_lists_a_lessons_sentences(fake):
    assert E.claims_of(fake) == ["large always beats small", "small is below 1.5"]


def test_aggregate_reports_inf_and_nan_as_such_and_huge_numbers_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert aggregate([1.0, float("inf"), 2.0]) == (float("inf"), pytest.approx(float("nan"),
                                                                                  nan_ok=True))
        mean, std = aggregate([{"a": [1e308, -float("inf")], "b": [float("nan"), 1.0]},
                               {"a": [1.7e308, -float("inf")], "b": [1.0, 1.0]}])
        assert mean["a"] == [pytest.approx(1.35e308), -float("inf")]
        assert std["a"][0] == pytest.approx(0.35e308) and math.isnan(std["a"][1])
        assert math.isnan(mean["b"][0]) and math.isnan(std["b"][0])
        assert (mean["b"][1], std["b"][1]) == (1.0, 0.0)
        both = aggregate([float("inf"), -float("inf")])
        assert math.isnan(both[0]) and math.isnan(both[1])
    assert format_mean_std(float("inf"), float("nan")) == "inf (on some seed)"
    assert format_mean_std(float("nan"), float("nan")) == "nan (on some seed)"
