"""The fit loop, its history and the callbacks."""

import math

import numpy as np
import pytest

import symnn as sn
from symnn import nn, optim
from symnn.data.datasets import moons, xor
from symnn.train import callbacks as C
from symnn.train.loop import array_loader, evaluate, fit, layer_grad_norms, make_optimizer, predict
from symnn.train.models import mlp, small_cnn


def _moons_run(epochs=5, **kw):
    X, y = moons(n_samples=200, noise=0.1, seed=0)
    sn.manual_seed(0)
    model = mlp([2, 16, 2])
    opt = make_optimizer("adam", model.parameters(), 0.02)
    hist = fit(model, nn.CrossEntropyLoss(), opt, array_loader(X, y, 32, shuffle=True, seed=0),
               array_loader(X, y, 256), epochs=epochs, progress=False, **kw)
    return model, opt, hist, (X, y)


def test_history_has_one_entry_per_epoch_for_every_series():
    _, _, hist, _ = _moons_run(epochs=4)
    assert hist.epoch == [1, 2, 3, 4]
    for series in (hist.train_loss, hist.train_accuracy, hist.val_loss, hist.val_accuracy,
                   hist.lr, hist.grad_norms, hist.epoch_time):
        assert len(series) == 4
    assert set(hist.grad_norms[0]) == {"0", "2"}  # the two Linear layers of Sequential
    assert all(t > 0 for t in hist.epoch_time) and hist.lr == [0.02] * 4
    assert not hist.stopped_early


def test_training_reduces_loss_and_moons_mlp_reaches_high_accuracy():
    model, _, hist, (X, y) = _moons_run(epochs=30)
    assert hist.train_loss[-1] < 0.3 * hist.train_loss[0]
    assert hist.val_accuracy[-1] >= 0.97


def test_val_numbers_equal_evaluate_after_training():
    model, _, hist, (X, y) = _moons_run(epochs=2)
    result = evaluate(model, array_loader(X, y, 64), nn.CrossEntropyLoss())
    assert result["loss"] == pytest.approx(hist.val_loss[-1], rel=1e-5)
    assert result["accuracy"] == pytest.approx(hist.val_accuracy[-1])


def test_grad_norms_match_a_manual_backward():
    X, y = xor()
    sn.manual_seed(1)
    model = mlp([2, 4, 2])
    loss = nn.CrossEntropyLoss()(model(sn.tensor(X)), sn.tensor(y))
    loss.backward()
    norms = layer_grad_norms(model)
    w, b = model[0].weight.grad.data, model[0].bias.grad.data
    assert norms["0"] == pytest.approx(math.sqrt((w ** 2).sum() + (b ** 2).sum()), rel=1e-6)


def test_history_records_are_json_ready():
    import json

    _, _, hist, _ = _moons_run(epochs=2)
    data = json.loads(json.dumps(hist.to_dict()))
    assert data["epochs"][1]["epoch"] == 2 and "grad_norms" in data["epochs"][0]


def test_regression_history_has_no_accuracy():
    X = np.linspace(-1, 1, 32, dtype=np.float32)[:, None]
    y = 3 * X
    sn.manual_seed(0)
    model = nn.Linear(1, 1)
    hist = fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.3),
               array_loader(X, y, 8), epochs=30, progress=False)
    assert hist.train_accuracy == [None] * 30
    assert model.weight.data[0, 0] == pytest.approx(3.0, abs=0.05)


def test_early_stopping_stops_and_restores_best_weights():
    X, y = moons(n_samples=60, noise=0.3, seed=0)
    Xv, yv = moons(n_samples=60, noise=0.3, seed=1)
    sn.manual_seed(0)
    model = mlp([2, 64, 64, 2])
    stop = C.EarlyStopping(patience=3)
    hist = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.05),
               array_loader(X, y, 8, shuffle=True, seed=0), array_loader(Xv, yv, 64),
               epochs=200, callbacks=[stop], progress=False)
    assert hist.stopped_early and "did not improve for 3 epochs" in hist.stop_reason
    assert len(hist) == stop.best_epoch + 3 and hist.best_epoch == stop.best_epoch
    restored = evaluate(model, array_loader(Xv, yv, 64), nn.CrossEntropyLoss())["loss"]
    assert restored == pytest.approx(min(hist.val_loss), rel=1e-5)


def test_reduce_lr_on_plateau_is_stepped_with_validation_loss():
    X, y = xor()
    sn.manual_seed(0)
    model = nn.Linear(2, 2)  # cannot fit XOR: the loss plateaus
    opt = optim.SGD(model.parameters(), lr=0.5)
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0, threshold=0.5)
    hist = fit(model, nn.CrossEntropyLoss(), opt, array_loader(X, y, 4), array_loader(X, y, 4),
               epochs=4, scheduler=sched, progress=False)
    assert hist.lr == [0.5, 0.5, 0.25, 0.125]  # epoch 1 sets the best; then it halves


def test_plateau_scheduler_receives_the_validation_loss_not_the_training_loss():
    class ReduceLROnPlateau:
        def __init__(self):
            self.seen = []

        def step(self, metrics):
            self.seen.append(metrics)

    sched = ReduceLROnPlateau()
    _, _, hist, _ = _moons_run(epochs=3, scheduler=sched)
    assert sched.seen == hist.val_loss and sched.seen != hist.train_loss


def test_cyclic_lr_steps_every_batch():
    X, y = moons(n_samples=64, seed=0)
    sn.manual_seed(0)
    model = mlp([2, 4, 2])
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4)
    fit(model, nn.CrossEntropyLoss(), opt, array_loader(X, y, 16), epochs=1, scheduler=sched,
        progress=False)
    assert sched.last_epoch == 4  # 4 batches -> 4 steps -> at the top of the cycle
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)


def test_divergence_guard_stops_on_exploding_loss_with_advice():
    X, y = moons(n_samples=64, seed=0)
    X = X * 1e3  # badly scaled inputs and a huge learning rate
    sn.manual_seed(0)
    model = mlp([2, 16, 2])
    guard = C.DivergenceGuard()
    hist = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=10.0),
               array_loader(X, y, 16), epochs=50, callbacks=[guard], progress=False)
    assert hist.stopped_early and len(hist) < 50
    assert "diverged" in hist.stop_reason and "learning rate" in hist.stop_reason


def test_divergence_guard_catches_nan():
    class NanLoss:
        def __call__(self, out, y):
            return (out * float("nan")).sum()

    X, y = xor()
    model = nn.Linear(2, 2)
    guard = C.DivergenceGuard()
    hist = fit(model, NanLoss(), optim.SGD(model.parameters(), lr=0.1), array_loader(X, y, 2),
               epochs=3, callbacks=[guard], progress=False, metric=None)
    assert "became nan" in guard.message and hist.epoch == [1]


def test_gradient_norm_monitor_flags_vanishing_sigmoid_gradients():
    X, y = moons(n_samples=64, seed=0)
    sn.manual_seed(0)
    model = mlp([2] + [16] * 9 + [2], "sigmoid")
    monitor = C.GradientNormMonitor(vanish=1e-6)
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.01),
        array_loader(X, y, 32), epochs=1, callbacks=[monitor], progress=False)
    assert len(monitor.norms) == 2
    assert any(e[2] == "0" and e[4] == "vanishing" for e in monitor.events)
    summary = monitor.summary()
    assert summary["0"] < 1e-3 * summary["18"]


def test_mixup_batch_transform_trains_with_probability_targets():
    from symnn.data.transforms import Mixup

    _, _, hist, _ = _moons_run(epochs=3, augment=Mixup(n_classes=2, alpha=0.4, seed=0))
    assert len(hist) == 3 and all(math.isfinite(v) for v in hist.train_loss)


def test_input_augmentation_is_applied_to_training_batches_only():
    seen = []

    def spy(x):
        seen.append(x.shape)
        return x

    _moons_run(epochs=1, augment=spy)
    assert seen and sum(s[0] for s in seen) == 200  # training set only, not validation


def test_progress_bar_goes_to_stderr_not_stdout(capsys):
    _moons_run(epochs=2)
    assert capsys.readouterr().err == ""
    X, y = xor()
    model = nn.Linear(2, 2)
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), array_loader(X, y, 4),
        epochs=2, progress=True)
    out = capsys.readouterr()
    assert out.out == "" and "epoch" in out.err


def test_bad_arguments_are_named():
    X, y = xor()
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        fit(model, nn.CrossEntropyLoss(), opt, array_loader(X, y, 4), epochs=0)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, nn.CrossEntropyLoss(), opt, array_loader(X, y, 8, drop_last=True),
            epochs=1, progress=False)
    with pytest.raises(ValueError, match="unknown optimizer 'adamax'"):
        make_optimizer("adamax", model.parameters(), 0.1)


def test_predict_restores_training_mode_and_batches():
    model = mlp([2, 4, 2], dropout=0.5)
    model.train()
    out = predict(model, np.zeros((1030, 2), np.float32), batch_size=100)
    assert out.shape == (1030, 2) and model.training


def test_small_cnn_shapes_for_digits():
    model = small_cnn()
    assert predict(model, np.zeros((3, 1, 8, 8), np.float32)).shape == (3, 10)


def test_public_names_of_symnn_train_resolve():
    import importlib

    import symnn.train as T

    importlib.import_module("symnn.train.loop")  # importing the module must not shadow fit
    for name in T.__all__:
        assert getattr(T, name) is not None
    assert callable(T.fit) and T.fit.__name__ == "fit"


def test_a_divergence_guard_reused_for_a_second_fit_starts_afresh():
    class NanLoss:
        def __call__(self, out, y):
            return (out * float("nan")).sum()

    X, y = xor()
    guard = C.DivergenceGuard()
    model = nn.Linear(2, 2)
    fit(model, NanLoss(), optim.SGD(model.parameters(), lr=0.1), array_loader(X, y, 2),
        epochs=1, callbacks=[guard], progress=False, metric=None)
    assert "became nan" in guard.message
    model = nn.Linear(2, 2)
    hist = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
               array_loader(X, y, 2), epochs=3, callbacks=[guard], progress=False)
    assert not hist.stopped_early and hist.epoch == [1, 2, 3] and guard.message is None


def test_an_early_stopping_reused_for_a_second_fit_forgets_the_first_models_best():
    X, y = moons(n_samples=60, noise=0.3, seed=0)
    stop = C.EarlyStopping(patience=2)
    runs = []
    for seed in (0, 1):
        sn.manual_seed(seed)
        model = mlp([2, 16, 2])
        hist = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.05),
                   array_loader(X, y, 16, shuffle=True, seed=0), array_loader(X, y, 64),
                   epochs=6, callbacks=[stop], progress=False)
        runs.append((model, hist))
    model, hist = runs[1]
    # the second run's first epoch is its own best so far, whatever the first run reached
    assert hist.best_epoch is not None and stop.best == min(hist.val_loss[: len(hist)])
    restored = evaluate(model, array_loader(X, y, 64), nn.CrossEntropyLoss())["loss"]
    assert restored == pytest.approx(min(hist.val_loss), rel=1e-5)
