"""PyTorch parity for every layer and loss (float64): forward values, input gradients and
parameter gradients, with weights copied through state_dict; BatchNorm running statistics
over several batches; state_dict keys of a mixed model."""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
from symnn import nn

torch = pytest.importorskip("torch", reason="PyTorch not installed")
tnn = torch.nn

RTOL, ATOL = 1e-10, 1e-12

# torch notes that its own 'same' padding with an even kernel copies the input
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


@pytest.fixture(autouse=True)
def float64(float64_default):
    sn.manual_seed(0)


def _copy_weights(ours: nn.Module, theirs) -> None:
    theirs.load_state_dict({k: torch.from_numpy(np.array(v))
                            for k, v in ours.state_dict().items()})


def _close(a, b, what):
    np.testing.assert_allclose(np.asarray(a), b.detach().numpy(), rtol=RTOL, atol=ATOL,
                               err_msg=what)


LAYERS = {
    "Linear": (lambda: nn.Linear(3, 2), lambda: tnn.Linear(3, 2), (4, 3)),
    "Linear_no_bias": (lambda: nn.Linear(3, 2, bias=False),
                       lambda: tnn.Linear(3, 2, bias=False), (2, 5, 3)),
    "Conv1d": (lambda: nn.Conv1d(2, 4, 3, stride=2, padding=1, dilation=2),
               lambda: tnn.Conv1d(2, 4, 3, stride=2, padding=1, dilation=2), (2, 2, 9)),
    "Conv2d": (lambda: nn.Conv2d(3, 4, 3, padding=1), lambda: tnn.Conv2d(3, 4, 3, padding=1),
               (2, 3, 5, 5)),
    "Conv2d_groups_stride": (lambda: nn.Conv2d(4, 6, (2, 3), stride=(2, 1), groups=2),
                             lambda: tnn.Conv2d(4, 6, (2, 3), stride=(2, 1), groups=2),
                             (2, 4, 5, 6)),
    "Conv2d_same_even_kernel": (lambda: nn.Conv2d(2, 2, 4, padding="same"),
                                lambda: tnn.Conv2d(2, 2, 4, padding="same"), (1, 2, 5, 5)),
    "Conv2d_unbatched": (lambda: nn.Conv2d(2, 3, 2), lambda: tnn.Conv2d(2, 3, 2), (2, 4, 4)),
    "Conv3d": (lambda: nn.Conv3d(2, 3, 2, padding=1), lambda: tnn.Conv3d(2, 3, 2, padding=1),
               (1, 2, 3, 4, 3)),
    "MaxPool1d": (lambda: nn.MaxPool1d(3, stride=2, padding=1),
                  lambda: tnn.MaxPool1d(3, stride=2, padding=1), (2, 3, 8)),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), lambda: tnn.MaxPool2d(2), (2, 3, 6, 6)),
    "MaxPool2d_overlap_ceil": (lambda: nn.MaxPool2d(3, stride=2, ceil_mode=True),
                               lambda: tnn.MaxPool2d(3, stride=2, ceil_mode=True), (1, 2, 6, 6)),
    "MaxPool3d": (lambda: nn.MaxPool3d(2), lambda: tnn.MaxPool3d(2), (1, 2, 4, 4, 4)),
    "AvgPool1d": (lambda: nn.AvgPool1d(2), lambda: tnn.AvgPool1d(2), (2, 3, 7)),
    "AvgPool2d_pad_exclude": (lambda: nn.AvgPool2d(3, stride=2, padding=1,
                                                   count_include_pad=False),
                              lambda: tnn.AvgPool2d(3, stride=2, padding=1,
                                                    count_include_pad=False), (1, 2, 5, 5)),
    "AvgPool3d": (lambda: nn.AvgPool3d(2, padding=1), lambda: tnn.AvgPool3d(2, padding=1),
                  (1, 1, 3, 4, 4)),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), lambda: tnn.BatchNorm1d(3), (6, 3)),
    "BatchNorm1d_3d": (lambda: nn.BatchNorm1d(3), lambda: tnn.BatchNorm1d(3), (4, 3, 5)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), lambda: tnn.BatchNorm2d(3), (2, 3, 4, 4)),
    "LayerNorm": (lambda: nn.LayerNorm([3, 4]), lambda: tnn.LayerNorm([3, 4]), (2, 3, 4)),
    "LayerNorm_no_bias": (lambda: nn.LayerNorm(4, bias=False),
                          lambda: tnn.LayerNorm(4, bias=False), (3, 4)),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), lambda: tnn.GroupNorm(2, 4), (3, 4, 2, 3)),
    "GroupNorm_no_bias": (lambda: nn.GroupNorm(2, 4, bias=False),
                          lambda: tnn.GroupNorm(2, 4, bias=False), (3, 4, 5)),
    "BatchNorm1d_no_bias_momentum_none": (lambda: nn.BatchNorm1d(3, momentum=None, bias=False),
                                          lambda: tnn.BatchNorm1d(3, momentum=None, bias=False),
                                          (5, 3)),
    "InstanceNorm2d": (lambda: nn.InstanceNorm2d(3), lambda: tnn.InstanceNorm2d(3),
                       (2, 3, 4, 4)),
    "InstanceNorm2d_affine_tracked": (
        lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
        lambda: tnn.InstanceNorm2d(3, affine=True, track_running_stats=True), (2, 3, 4, 4)),
    "Flatten": (lambda: nn.Flatten(), lambda: tnn.Flatten(), (2, 3, 2, 2)),
    "ReLU": (lambda: nn.ReLU(), lambda: tnn.ReLU(), (3, 5)),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.1), lambda: tnn.LeakyReLU(0.1), (3, 5)),
    "Sigmoid": (lambda: nn.Sigmoid(), lambda: tnn.Sigmoid(), (3, 5)),
    "Tanh": (lambda: nn.Tanh(), lambda: tnn.Tanh(), (3, 5)),
    "Softmax": (lambda: nn.Softmax(dim=1), lambda: tnn.Softmax(dim=1), (3, 5)),
    "LogSoftmax": (lambda: nn.LogSoftmax(dim=0), lambda: tnn.LogSoftmax(dim=0), (3, 5)),
    "Sequential_mlp": (lambda: nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2)),
                       lambda: tnn.Sequential(tnn.Linear(4, 5), tnn.Tanh(), tnn.Linear(5, 2)),
                       (3, 4)),
}


def _run_both(ours, theirs, x, upstream):
    xs = sn.tensor(x, requires_grad=True, dtype=np.float64)
    xt = torch.tensor(x, requires_grad=True)
    ys, yt = ours(xs), theirs(xt)
    _close(ys.data, yt, "forward")
    ys.backward(sn.tensor(upstream(yt.shape), dtype=np.float64))
    yt.backward(torch.from_numpy(upstream(yt.shape)))
    _close(xs.grad.data, xt.grad, "input gradient")
    their_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad.data, their_params[name].grad, f"gradient of {name}")
    for name, value in ours.state_dict().items():
        _close(value, theirs.state_dict()[name], f"state {name}")


@pytest.mark.parametrize("case", sorted(LAYERS))
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_layer_matches_torch(case, training):
    make_ours, make_theirs, shape = LAYERS[case]
    ours, theirs = make_ours(), make_theirs().double()
    rng = np.random.default_rng(len(case))
    if case.startswith(("Batch", "Layer", "Group", "Instance")):  # affine away from 1 and 0
        for p in ours.parameters():
            p.data[...] = rng.uniform(0.5, 1.5, p.shape)
    _copy_weights(ours, theirs)
    ours.train(training)
    theirs.train(training)
    x = rng.standard_normal(shape)
    _run_both(ours, theirs, x, lambda s: np.random.default_rng(1).standard_normal(tuple(s)))


def test_normalization_affine_parameters_get_the_same_gradients_when_not_trivial():
    ours, theirs = nn.GroupNorm(3, 6), tnn.GroupNorm(3, 6).double()
    ours.weight.data[...] = np.linspace(0.5, 2.0, 6)
    ours.bias.data[...] = np.linspace(-1.0, 1.0, 6)
    _copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal((2, 6, 3))
    _run_both(ours, theirs, x, lambda s: np.random.default_rng(2).standard_normal(tuple(s)))


def test_maxpool_ties_send_the_gradient_to_the_first_maximum_like_torch():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 2:, 2:] = 1.0
    _run_both(nn.MaxPool2d(2), tnn.MaxPool2d(2), x, lambda s: np.ones(tuple(s)))


def test_dropout_matches_torch_scaling_and_gradient():
    x = np.random.default_rng(0).standard_normal((50, 40)) + 5.0
    for layer in (nn.Dropout(0.3),):
        xs = sn.tensor(x, requires_grad=True, dtype=np.float64)
        out = layer(xs)
        out.sum().backward()
        kept = out.data != 0
        np.testing.assert_allclose(out.data[kept], x[kept] / 0.7, rtol=1e-15)
        np.testing.assert_allclose(xs.grad.data, kept / 0.7, rtol=1e-15)
    xt = torch.tensor(x, requires_grad=True)
    out_t = tnn.Dropout(0.3)(xt)
    kept_t = out_t.detach().numpy() != 0
    np.testing.assert_allclose(out_t.detach().numpy()[kept_t], x[kept_t] / 0.7, rtol=1e-15)
    assert abs(kept.mean() - kept_t.mean()) < 0.03  # both keep ~70% (std 0.0072 each)
    assert nn.Dropout(0.3).eval()(xs) is xs and tnn.Dropout(0.3).eval()(xt) is xt


def _classes(n, c, ignore=False, extra=()):
    t = np.random.default_rng(3).integers(0, c, size=(n,) + extra)
    if ignore:
        t.reshape(-1)[[0, 2]] = -100
    return t


def _probs(*shape):
    p = np.random.default_rng(4).random(shape)
    return p / p.sum(axis=1, keepdims=True)


W4 = np.array([0.3, 1.0, 2.5, 0.8])

LOSSES = {
    "MSELoss": (lambda r: nn.MSELoss(reduction=r), lambda r: tnn.MSELoss(reduction=r),
                (3, 4), lambda: np.random.default_rng(5).standard_normal((3, 4))),
    "L1Loss": (lambda r: nn.L1Loss(reduction=r), lambda r: tnn.L1Loss(reduction=r),
               (3, 4), lambda: np.random.default_rng(5).standard_normal((3, 4))),
    "NLLLoss_weight_ignore": (
        lambda r: nn.NLLLoss(weight=W4, reduction=r),
        lambda r: tnn.NLLLoss(weight=torch.tensor(W4), reduction=r),
        (6, 4), lambda: _classes(6, 4, ignore=True)),
    "CrossEntropyLoss": (lambda r: nn.CrossEntropyLoss(reduction=r),
                         lambda r: tnn.CrossEntropyLoss(reduction=r),
                         (5, 4), lambda: _classes(5, 4)),
    "CrossEntropyLoss_weight_ignore_smoothing": (
        lambda r: nn.CrossEntropyLoss(weight=W4, ignore_index=-100, label_smoothing=0.15,
                                      reduction=r),
        lambda r: tnn.CrossEntropyLoss(weight=torch.tensor(W4), label_smoothing=0.15,
                                       reduction=r),
        (6, 4), lambda: _classes(6, 4, ignore=True)),
    "CrossEntropyLoss_spatial_smoothing": (
        lambda r: nn.CrossEntropyLoss(label_smoothing=0.1, reduction=r),
        lambda r: tnn.CrossEntropyLoss(label_smoothing=0.1, reduction=r),
        (2, 4, 3, 2), lambda: _classes(2, 4, extra=(3, 2))),
    "CrossEntropyLoss_unbatched": (lambda r: nn.CrossEntropyLoss(reduction=r),
                                   lambda r: tnn.CrossEntropyLoss(reduction=r),
                                   (4,), lambda: np.array(2)),
    "CrossEntropyLoss_probabilities_weight_smoothing": (
        lambda r: nn.CrossEntropyLoss(weight=W4, label_smoothing=0.2, reduction=r),
        lambda r: tnn.CrossEntropyLoss(weight=torch.tensor(W4), label_smoothing=0.2,
                                       reduction=r),
        (3, 4), lambda: _probs(3, 4)),
    "BCELoss_weight": (
        lambda r: nn.BCELoss(weight=np.linspace(0.5, 2, 4), reduction=r),
        lambda r: tnn.BCELoss(weight=torch.linspace(0.5, 2, 4, dtype=torch.float64),
                              reduction=r),
        (3, 4), lambda: np.random.default_rng(6).random((3, 4))),
    "BCEWithLogitsLoss_pos_weight": (
        lambda r: nn.BCEWithLogitsLoss(weight=np.linspace(0.5, 2, 4), pos_weight=W4,
                                       reduction=r),
        lambda r: tnn.BCEWithLogitsLoss(weight=torch.linspace(0.5, 2, 4, dtype=torch.float64),
                                        pos_weight=torch.tensor(W4), reduction=r),
        (3, 4), lambda: np.random.default_rng(6).random((3, 4))),
}


@pytest.mark.parametrize("case", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_matches_torch(case, reduction):
    make_ours, make_theirs, shape, make_target = LOSSES[case]
    x = np.random.default_rng(9).standard_normal(shape) * 2
    if case.startswith("BCELoss"):
        x = 1 / (1 + np.exp(-x))
    target = make_target()
    xs = sn.tensor(x, requires_grad=True, dtype=np.float64)
    xt = torch.tensor(x, requires_grad=True)
    ls = make_ours(reduction)(xs, sn.tensor(target))
    lt = make_theirs(reduction)(xt, torch.from_numpy(np.asarray(target)))
    _close(ls.data, lt, "loss")
    upstream = np.random.default_rng(1).standard_normal(tuple(lt.shape))
    ls.backward(sn.tensor(upstream, dtype=np.float64))
    lt.backward(torch.from_numpy(upstream))
    _close(xs.grad.data, xt.grad, "input gradient")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("pos_weight", [None, [2.0, 0.5, 1.0, 3.0, 1.5, 0.7, 2.2]])
def test_bce_with_logits_matches_torch_at_extreme_logits(dtype, pos_weight):
    x = np.array([-200.0, -30.0, 0.0, 30.0, 200.0, 9.0, -9.0], dtype=dtype)
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.3, 0.7], dtype=dtype)
    xs, ys = sn.tensor(x, requires_grad=True, dtype=dtype), sn.tensor(y, requires_grad=True,
                                                                      dtype=dtype)
    xt, yt = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    pw = None if pos_weight is None else np.array(pos_weight)
    loss = nn.BCEWithLogitsLoss(reduction="sum", pos_weight=pw)(xs, ys)
    pw_t = None if pw is None else torch.tensor(pw, dtype=xt.dtype)
    loss_t = tnn.BCEWithLogitsLoss(reduction="sum", pos_weight=pw_t)(xt, yt)
    loss.backward()
    loss_t.backward()
    assert loss.dtype == dtype  # a float64 pos_weight does not promote a float32 loss
    rtol = 1e-6 if dtype == np.float32 else RTOL
    np.testing.assert_allclose(loss.item(), loss_t.item(), rtol=rtol)
    np.testing.assert_allclose(xs.grad.data, xt.grad.numpy(), rtol=rtol, atol=0)
    np.testing.assert_allclose(ys.grad.data, yt.grad.numpy(), rtol=rtol, atol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bce_gradients_match_torch_at_saturated_probabilities(dtype):
    x = np.array([0.0, 1.0, 1.0, 0.0, 0.3, 1e-30], dtype=dtype)
    y = np.array([1.0, 1.0, 0.0, 0.0, 0.6, 1.0], dtype=dtype)
    xs, ys = sn.tensor(x, requires_grad=True, dtype=dtype), sn.tensor(y, requires_grad=True,
                                                                      dtype=dtype)
    xt, yt = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    loss = nn.BCELoss(reduction="sum")(xs, ys)
    loss_t = tnn.BCELoss(reduction="sum")(xt, yt)
    loss.backward()
    loss_t.backward()
    assert loss.dtype == dtype and xs.grad.dtype == dtype
    rtol = 1e-6 if dtype == np.float32 else RTOL
    np.testing.assert_allclose(loss.item(), loss_t.item(), rtol=rtol)
    np.testing.assert_allclose(xs.grad.data, xt.grad.numpy(), rtol=rtol)
    np.testing.assert_allclose(ys.grad.data, yt.grad.numpy(), rtol=rtol)


def test_batchnorm_running_statistics_match_torch_over_several_batches_then_eval():
    for momentum in (0.1, None):
        ours = nn.BatchNorm2d(3, momentum=momentum)
        theirs = tnn.BatchNorm2d(3, momentum=momentum).double()
        rng = np.random.default_rng(0)
        for step in range(4):
            x = rng.standard_normal((4, 3, 2, 2)) * (step + 1) + step
            _close(ours(sn.tensor(x, dtype=np.float64)).data, theirs(torch.tensor(x)), "train")
        for name, value in ours.state_dict().items():
            _close(value, theirs.state_dict()[name], f"{name} (momentum={momentum})")
        ours.eval()
        theirs.eval()
        x = rng.standard_normal((2, 3, 2, 2))
        _close(ours(sn.tensor(x, dtype=np.float64)).data, theirs(torch.tensor(x)), "eval")


def _mixed(lib):
    return lib.Sequential(
        lib.Conv2d(1, 4, 3), lib.BatchNorm2d(4), lib.ReLU(), lib.MaxPool2d(2),
        lib.Dropout(0.1), lib.GroupNorm(2, 4), lib.InstanceNorm2d(4), lib.Flatten(),
        lib.Linear(16, 6), lib.LayerNorm(6), lib.BatchNorm1d(6, momentum=None),
        lib.LeakyReLU(), lib.Linear(6, 2), lib.LogSoftmax(dim=1),
    )


def test_state_dict_keys_and_shapes_of_a_mixed_sequential_equal_torch():
    ours, theirs = _mixed(nn), _mixed(tnn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (key, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert a.shape == tuple(b.shape), key
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_weights_copied_from_torch_give_the_same_model_output():
    ours, theirs = _mixed(nn).eval(), _mixed(tnn).double().eval()
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(1).standard_normal((3, 1, 6, 6))
    _close(ours(sn.tensor(x, dtype=np.float64)).data, theirs(torch.tensor(x)), "output")


def test_repr_of_layers_equals_torch():
    for make in (lambda lib: lib.Linear(2, 3), lambda lib: lib.Conv2d(1, 2, 3, padding=1),
                 lambda lib: lib.Conv1d(2, 4, 3, stride=2, groups=2, bias=False),
                 lambda lib: lib.BatchNorm2d(4), lambda lib: lib.MaxPool2d(2),
                 lambda lib: lib.AvgPool2d(2), lambda lib: lib.LayerNorm(5),
                 lambda lib: lib.GroupNorm(2, 4), lambda lib: lib.Dropout(0.2),
                 lambda lib: lib.LeakyReLU(0.2), lambda lib: lib.Softmax(dim=1),
                 lambda lib: lib.Flatten(), lambda lib: lib.InstanceNorm2d(3),
                 lambda lib: lib.BatchNorm1d(3, affine=False),
                 lambda lib: lib.LayerNorm(4, bias=False),
                 lambda lib: lib.GroupNorm(2, 4, bias=False), lambda lib: lib.ReLU(inplace=True),
                 lambda lib: lib.Conv3d(2, 2, 3, padding="same", dilation=2),
                 lambda lib: lib.MaxPool1d(3, stride=1, padding=1, ceil_mode=True)):
        assert repr(make(nn)) == repr(make(tnn))
