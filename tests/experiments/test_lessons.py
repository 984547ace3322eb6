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


def test_optimizers_each_sweep_its_own_rates_from_the_same_start(quick):
    for run in quick("optimizers", n_train=100).numbers["runs"]:
        v = run["variants"]
        assert list(v) == ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
        for name, sweep in run["sweeps"].items():
            best = min(range(len(sweep["lrs"])), key=lambda i: sweep["train_loss"][i])
            assert v[name]["best_lr"] == sweep["lrs"][best]
            assert v[name]["train_loss"] == sweep["train_loss"][best]


def test_lr_schedules_shape_the_learning_rate(quick):
    run = quick("lr-schedules", steps=40).numbers["runs"][0]
    rates = run["lr_curves"]
    assert rates["constant"] == [0.01] * 40
    cos = rates["cosine"]
    assert cos[0] == pytest.approx(0.2) and all(a > b for a, b in zip(cos, cos[1:]))
    assert all(a >= b for a, b in zip(rates["plateau"], rates["plateau"][1:]))
    cyc = rates["cyclical"]
    assert min(cyc) == pytest.approx(0.0025) and max(cyc) > 0.15


def test_lr_schedule_loss_has_its_deepest_dip_at_zero_and_a_dip_at_each_integer():
    from symnn.experiments.lr_schedules import gradient, loss

    w = np.arange(-4, 5, dtype=float)
    assert np.argmin(loss(w)) == 4 and loss(np.array([0.0]))[0] == -1.0
    assert np.allclose(gradient(w), 2 * w / 5, atol=1e-12)
    h = 1e-6
    x = np.linspace(-3, 3, 13) + 0.1
    assert np.allclose(gradient(x), (loss(x + h) - loss(x - h)) / (2 * h), atol=1e-5)


def test_small_batches_make_more_updates_per_epoch(quick):
    for run in quick("batch-size", n_train=32, hidden=8).numbers["runs"]:
        v = run["variants"]
        assert v["batch 1, 1 epochs"]["updates"] == 32 and v["batch full, 1 epochs"]["updates"] == 1
        assert v["batch 16, 20 updates"]["epochs"] == 10


def test_top_hessian_eigenvalue_of_a_linear_least_squares_model_is_that_of_2_xtx_over_n():
    from symnn import nn
    from symnn.experiments.batch_size import top_hessian_eigenvalue

    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3)) * np.array([3.0, 1.0, 0.5])
    y = rng.standard_normal((40, 1))
    model = nn.Linear(3, 1)
    before = model.weight.data.copy()
    Xb = np.hstack([X, np.ones((40, 1))])
    expected = np.linalg.eigvalsh(2 * Xb.T @ Xb / 40)[-1]
    assert top_hessian_eigenvalue(model, nn.MSELoss(), X, y) == pytest.approx(expected, rel=1e-4)
    assert np.array_equal(model.weight.data, before) and model.weight.data.dtype == np.float32


def test_gradient_noise_matches_sampling_theory_for_a_linear_model():
    from symnn import nn
    from symnn.experiments.batch_size import gradient_noise

    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((64, 4)), rng.standard_normal((64, 1))
    noise = gradient_noise(nn.Linear(4, 1), nn.MSELoss(), X, y, (4, 16), draws=400, seed=0)
    for v in noise.values():
        assert v["measured"] == pytest.approx(v["theory"], rel=0.2)
    assert noise[4]["theory"] > 3 * noise[16]["theory"]


def test_regularization_trains_every_variant_from_the_same_start(quick):
    r = quick("regularization", n_train=40, hidden=16, epochs=3)
    for run in r.numbers["runs"]:
        v = run["variants"]
        assert list(v) == ["none", "L2 1e-2", "L1 1e-3", "dropout 0.5", "early stopping",
                           "crop + rotate", "flip", "input noise 0.2", "weight noise 0.15",
                           "label smoothing 0.3", "mixup 1.0"]
        assert all(1 <= n["epochs_run"] <= 3 for n in v.values())
        assert run["smoothed_target"] == pytest.approx([0.025, 0.95, 0.025])


def test_generalization_reports_folds_bootstrap_and_ensembles(quick):
    for run in quick("generalization", n_test=200).numbers["runs"]:
        cv = run["cv"]
        assert len(cv["scores"]) == 2 and cv["mean"] == pytest.approx(np.mean(cv["scores"]))
        lo, hi = run["bootstrap"]["interval"]
        assert lo <= run["bootstrap"]["accuracy"] <= hi
        assert run["variants"]["bagging"]["members"] == 2
        for alpha, err in zip(run["boosting_alphas"], run["boosting_errors"]):
            assert alpha == pytest.approx(math.log((1 - err) / err) + math.log(1))


def test_result_is_json_ready_and_printable(quick):
    r = quick("xor")
    data = json.loads(json.dumps(r.to_dict()))
    assert data["name"] == "xor" and "training loss (mean over seeds)" in data["curves"]
    assert [c["seeds"] for c in data["claims"]] == [2] * len(data["claims"])
    assert str(r).startswith(r.title) and r.summary[-1] in str(r)


def test_plot_writes_a_png(quick, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed")
    path = tmp_path / "xor.png"
    quick("xor").plot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
