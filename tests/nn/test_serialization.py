"""save / load: round trip, atomic writes, and hostile files that must fail and run nothing."""

from __future__ import annotations

import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import symnn as sn
from symnn import nn


def _model():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(),
                         nn.Linear(8, 3))


def test_save_then_load_restores_every_parameter_and_buffer(tmp_path):
    sn.manual_seed(0)
    model = _model()
    model(sn.tensor(np.random.default_rng(0).standard_normal((4, 1, 4, 4))))  # moves buffers
    path = tmp_path / "model.npz"
    model.save(path)
    sn.manual_seed(1)
    fresh = _model()
    assert nn.load(path, model=fresh) is fresh
    for (key, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=key)
        assert a.dtype == b.dtype, key


def test_load_without_a_model_returns_the_state_dict_in_order(tmp_path):
    model = _model()
    nn.save(model, tmp_path / "m.npz")
    state = nn.load(tmp_path / "m.npz")
    assert list(state) == list(model.state_dict())
    assert state["1.num_batches_tracked"].dtype == np.int64


def test_loading_into_a_different_architecture_names_the_keys(tmp_path):
    nn.save(nn.Sequential(nn.Linear(2, 3)), tmp_path / "m.npz")
    with pytest.raises(RuntimeError, match=r"(?s)Sequential.*size mismatch for 0\.weight"):
        nn.load(tmp_path / "m.npz", model=nn.Sequential(nn.Linear(2, 4)))
    with pytest.raises(RuntimeError, match='(?s)Missing key.*"1.weight"'):
        nn.load(tmp_path / "m.npz", model=nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1)))


def test_a_failed_save_leaves_no_file_and_keeps_the_old_one(tmp_path):
    path = tmp_path / "m.npz"
    nn.Linear(2, 2).save(path)
    before = path.read_bytes()
    model = nn.Linear(2, 2)
    model.weight.data = np.array([[object(), 1], [2, 3]], dtype=object)
    with pytest.raises(TypeError, match="weight"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]


@pytest.mark.skipif(os.name != "posix", reason="file mode bits are POSIX")
def test_a_saved_file_is_readable_like_any_new_file_not_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        nn.Linear(2, 2).save(tmp_path / "m.npz")
    finally:
        os.umask(previous)
    assert os.stat(tmp_path / "m.npz").st_mode & 0o777 == 0o644


class _CreatesFile:
    """A pickle payload that would create a file if it were ever unpickled."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


def test_pickled_file_named_npz_fails_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps({"0.weight": _CreatesFile(marker)}))
    with pytest.raises(ValueError, match="pickled"):
        nn.load(path)
    assert not marker.exists()


def test_npz_with_a_pickled_member_fails_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    good = tmp_path / "good.npz"
    nn.Linear(1, 1).save(good)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        dst.writestr("__symnn_meta__.npy", src.read("__symnn_meta__.npy"))
        dst.writestr("bias.npy", src.read("bias.npy"))
        buf = io.BytesIO()
        np.save(buf, np.array([_CreatesFile(marker)], dtype=object), allow_pickle=True)
        dst.writestr("weight.npy", buf.getvalue())
    with pytest.raises(ValueError, match="not a readable symnn model file"):
        nn.load(path)
    assert not marker.exists()


def test_truncated_file_fails_with_a_clear_error(tmp_path):
    path = tmp_path / "m.npz"
    _model().save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable symnn model file"):
        nn.load(path, model=_model())


def test_text_file_named_npz_fails_with_a_clear_error(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("these are not weights\n")
    with pytest.raises(ValueError, match="not an .npz"):
        nn.load(path)


def test_foreign_npz_without_metadata_is_refused(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, weight=np.zeros(2))
    with pytest.raises(ValueError, match="__symnn_meta__"):
        nn.load(path)
