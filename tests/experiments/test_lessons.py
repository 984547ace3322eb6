"""The eight core lessons, run with tiny settings (their claims are checked with the default
settings in test_claims_hold.py), and the measuring tools they are built on."""

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


def test_vanishing_gradient_measures_every_layer_of_every_activation(quick):
    for run in quick("vanishing-gradient").numbers["runs"]:
        assert set(run["grad_norms"]) == {"relu", "leaky_relu", "tanh", "sigmoid"}
        for act, norms in run["grad_norms"].items():
            assert len(norms) == 10
            assert run["variants"][act]["first_over_last"] == pytest.approx(norms[0] / norms[-1])


def test_batchnorm_variants_share_initial_weights_and_scale_them(quick):
    from symnn.experiments.batchnorm import build

    plain, bn = build(16, 3, seed=4), build(16, 3, batchnorm=True, seed=4)
    scaled = build(16, 3, init_scale=5.0, seed=4)
    assert np.array_equal(plain[0].weight.data, bn[0].weight.data)
    assert np.allclose(scaled[0].weight.data, 5 * plain[0].weight.data)
    # He init: weight variance 2 / fan_in
    assert np.var(build(256, 2, seed=0)[0].weight.data) == pytest.approx(2 / 64, rel=0.1)
    run = quick("batchnorm", n_train=100).numbers["runs"][0]
    assert {"plain, lr 1", "BN, lr 1", "BN + noise, lr 0.1", "BN, lr 0.1, init x5"} <= set(
        run["variants"])


def test_noise_layer_changes_training_batches_only():
    from symnn.experiments.batchnorm import build
    from symnn.tensor import no_grad, tensor

    model = build(8, 2, batchnorm=True, noise=0.3, seed=0)
    x = tensor(np.random.default_rng(0).random((20, 64)))
    with no_grad():
        model.eval()
        a, b = model(x).data.copy(), model(x).data.copy()
        model.train()
        c, d = model(x).data.copy(), model(x).data.copy()
    assert np.array_equal(a, b) and not np.allclose(c, d)


def test_gamma_and_beta_set_to_batch_sd_and_mean_undo_batchnorm():
    from symnn.experiments.batchnorm import _undo_error

    X = np.random.default_rng(3).normal(5.0, 3.0, (50, 6))
    assert _undo_error(X) < 1e-9


def test_gradient_change_of_a_linear_model_with_mse_is_bounded_by_its_curvature():
    from symnn import nn
    from symnn.experiments.batchnorm import _gradient_change

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 3)), rng.standard_normal((30, 1))
    model = nn.Sequential(nn.Linear(3, 1))
    Xb = np.hstack([X, np.ones((30, 1))])
    top = np.linalg.eigvalsh(2 * Xb.T @ Xb / 30)[-1]
    change = _gradient_change(model, X, y, [0.01, 0.1], nn.MSELoss())
    assert 0 < change <= top * (1 + 1e-4)


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
        bag = run["variants"]["bagging"]
        # Jensen: -log of the mean probability <= the mean of -log probability
        assert bag["test_loss"] <= bag["member_test_loss"] + 1e-12


def test_generalization_log_loss_is_pytorchs_cross_entropy_even_for_extreme_logits():
    torch = pytest.importorskip("torch")
    from symnn.experiments.generalization import log_loss, log_softmax

    logits = np.array([[900.0, -900.0], [0.3, -1.2], [-50.0, 60.0]])
    y = np.array([1, 0, 0])
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(y)).item()
    assert log_loss(log_softmax(logits), y) == pytest.approx(expected, rel=1e-12)


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
