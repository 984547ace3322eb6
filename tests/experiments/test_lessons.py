"""The eight lessons, run with tiny settings: each reports its numbers, and where the effect is
robust (seeded) the claimed direction is asserted."""

import json
import math

import numpy as np
import pytest

from symnn import experiments as E


@pytest.fixture(scope="module")
def quick():
    cache = {}

    def get(name, **kw):
        key = (name, tuple(sorted(kw.items())))
        if key not in cache:
            cache[key] = E.run(name, quick=True, **kw)
        return cache[key]

    return get


def test_registry_lists_the_lessons_in_order_with_descriptions():
    assert E.names() == ["xor", "vanishing-gradient", "batchnorm", "optimizers", "lr-schedules",
                         "batch-size", "regularization", "generalization", "bias", "losses",
                         "lr-range", "bias-variance", "input-scaling", "conv-backward"]
    for name in E.names():
        text = E.describe(name)
        assert text and "\n" not in text
    with pytest.raises(ValueError, match="unknown experiment 'mnist'"):
        E.get("mnist")


def test_xor_perceptron_fails_and_mlp_solves(quick):
    for run in quick("xor").numbers["runs"]:
        assert run["variants"]["perceptron"]["accuracy"] <= 0.75
        assert run["variants"]["2-layer MLP"]["accuracy"] == 1.0
        assert run["variants"]["2-layer MLP"]["predictions"] == [0, 1, 1, 0]


def test_sigmoid_first_layer_gradient_vanishes_relative_to_relu(quick):
    n = quick("vanishing-gradient").numbers
    assert len(n["sigmoid"]["grad_norms"]) == 10
    assert n["sigmoid"]["grad_norms"][0] < 1e-3 * n["relu"]["grad_norms"][0]
    assert n["sigmoid"]["first_over_last"] < 1e-3 < n["relu"]["first_over_last"]
    assert n["leaky_relu"]["first_over_last"] > 1e-2


def test_large_learning_rate_fails_without_batchnorm_and_trains_with_it(quick):
    runs = quick("batchnorm").numbers["runs"]
    plain, bn = runs["plain, lr 3"], runs["BN, lr 3"]
    assert plain["diverged"] or plain["test_accuracy"] <= 0.2
    assert bn["test_accuracy"] >= 0.5
    # at the ordinary rate BN is ahead after the first epoch
    assert runs["BN, lr 0.2"]["val_accuracy"][0] > runs["plain, lr 0.2"]["val_accuracy"][0]


def test_optimizers_all_run_and_momentum_beats_plain_sgd(quick):
    opts = quick("optimizers").numbers["optimizers"]
    assert list(opts) == ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
    for o in opts.values():
        assert all(math.isfinite(v) for v in o["train_loss"]) and 0 <= o["test_accuracy"] <= 1
    assert opts["momentum"]["train_loss"][-1] < opts["sgd"]["train_loss"][-1]
    assert opts["nesterov"]["train_loss"][-1] < opts["sgd"]["train_loss"][-1]


def test_lr_schedules_shape_the_learning_rate(quick):
    s = quick("lr-schedules").numbers["schedules"]
    assert s["constant"]["lr"] == [0.1] * len(s["constant"]["lr"])
    cos = s["cosine"]["lr"]
    assert cos[0] == pytest.approx(0.1) and all(a > b for a, b in zip(cos, cos[1:]))
    plateau = s["plateau"]["lr"]
    assert all(a >= b for a, b in zip(plateau, plateau[1:]))
    assert len(set(np.round(s["cyclical"]["lr"], 8))) > 1


def test_small_batches_fit_more_in_the_same_epochs(quick):
    b = quick("batch-size").numbers["batch_sizes"]
    assert b["8"]["updates"] > b["64"]["updates"] > b["512"]["updates"]
    assert b["8"]["train_accuracy"] > b["512"]["train_accuracy"]
    for v in b.values():
        assert v["gap"] == pytest.approx(v["train_accuracy"] - v["test_accuracy"])


def test_regularization_trains_every_variant_from_the_same_start(quick):
    r = quick("regularization", n_train=40, hidden=16, epochs=3)
    for run in r.numbers["runs"]:
        v = run["variants"]
        assert list(v) == ["none", "L2 1e-2", "L1 1e-3", "dropout 0.5", "early stopping",
                           "crop + rotate", "flip", "input noise 0.2", "weight noise 0.15",
                           "label smoothing 0.3", "mixup 1.0"]
        assert all(1 <= n["epochs_run"] <= 3 for n in v.values())
        assert run["smoothed_target"] == pytest.approx([0.025, 0.95, 0.025])


def test_generalization_cv_and_ensembles_report_scores(quick):
    n = quick("generalization").numbers
    cv = n["cv"]
    assert len(cv["scores"]) == 2 and cv["mean"] == pytest.approx(np.mean(cv["scores"]))
    assert n["bagging"]["members"] == 2 and len(n["bagging"]["member_test_accuracy"]) == 2
    for alpha, err in zip(n["boosting"]["alphas"], n["boosting"]["weighted_errors"]):
        assert alpha == pytest.approx(math.log((1 - err) / err) + math.log(9))


def test_result_is_json_ready_and_printable(quick):
    r = quick("xor")
    data = json.loads(json.dumps(r.to_dict()))
    assert data["name"] == "xor" and "training loss (mean over seeds)" in data["curves"]
    assert [c["seeds"] for c in data["claims"]] == [5] * len(data["claims"])
    assert str(r).startswith(r.title) and r.summary[-1] in str(r)


def test_plot_writes_a_png(quick, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed")
    path = tmp_path / "xor.png"
    quick("xor").plot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
