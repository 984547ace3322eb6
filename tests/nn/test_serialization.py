"""save / load: round trip, atomic writes, and hostile files that must fail and run nothing."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import stat
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symnn as sn
from symnn import nn
from symnn._atomic_write import NotARegularFileError
from symnn.nn import CheckpointError, CheckpointMismatchError
from symnn.nn.serialization import META_KEY


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


# ---------------------------------------------------------------- the file the path names
posix_only = pytest.mark.skipif(os.name != "posix", reason="links and FIFOs are POSIX")


@posix_only
def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "weights" / "m.npz"
    target.parent.mkdir()
    nn.Linear(2, 2).save(target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    model = nn.Linear(2, 2)
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    np.testing.assert_array_equal(nn.load(target)["weight"], model.weight.data)
    assert sorted(os.listdir(target.parent)) == ["m.npz"]


@posix_only
def test_saving_through_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "latest.npz"
    link.symlink_to(tmp_path / "new.npz")
    nn.Linear(1, 1).save(link)
    assert link.is_symlink() and (tmp_path / "new.npz").is_file()


@posix_only
def test_saving_to_a_hard_link_writes_through_so_every_name_sees_the_new_weights(tmp_path):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    nn.Linear(2, 2).save(first)
    os.link(first, second)
    model = nn.Linear(2, 2)
    model.save(second)
    assert os.stat(first).st_ino == os.stat(second).st_ino and os.stat(first).st_nlink == 2
    np.testing.assert_array_equal(nn.load(first)["weight"], model.weight.data)
    assert sorted(os.listdir(tmp_path)) == ["a.npz", "b.npz"]


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_saving_onto_what_is_not_a_regular_file_is_refused_and_leaves_it(tmp_path, kind):
    path = tmp_path / "m.npz"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to("/dev/null")  # through a link, so a wrong save could only hit the link
    before = os.stat(path).st_mode
    with pytest.raises(NotARegularFileError, match="not a regular file"):
        nn.Linear(1, 1).save(path)
    assert os.stat(path).st_mode == before
    assert os.listdir(tmp_path) == ["m.npz"]


@posix_only
def test_saving_onto_a_device_node_is_refused_and_leaves_it(tmp_path):
    path = tmp_path / "null"
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
    except (PermissionError, OSError):
        pytest.skip("creating a device node needs root")
    with pytest.raises(NotARegularFileError, match="is a character device"):
        nn.Linear(1, 1).save(path)
    assert stat.S_ISCHR(os.stat(path).st_mode) and os.listdir(tmp_path) == ["null"]


@posix_only
def test_loading_a_fifo_is_refused_at_once_instead_of_blocking(tmp_path):
    os.mkfifo(tmp_path / "m.npz")
    with pytest.raises(CheckpointError, match="not a regular file"):
        nn.load(tmp_path / "m.npz")


# ---------------------------------------------------------------- keys save can write
@pytest.mark.parametrize("keys", [["x", "x.npy"], ["x.npy.npy", "x.npy"], ["a/b", "a\\b", "/x"],
                                  ["é", "日本", " "], [META_KEY + "x"]])
def test_every_key_save_accepts_loads_back_as_the_same_key(tmp_path, keys):
    state = {k: np.full(2, i, dtype=np.float32) for i, k in enumerate(keys)}
    nn.save(state, tmp_path / "m.npz")
    loaded = nn.load(tmp_path / "m.npz")
    assert list(loaded) == keys
    for key in keys:
        np.testing.assert_array_equal(loaded[key], state[key], err_msg=key)


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=4, unique=True))
@settings(max_examples=40, deadline=None)
def test_save_either_refuses_a_key_or_loads_every_key_back(keys):
    import tempfile

    state = {k: np.arange(i + 1, dtype=np.int64) for i, k in enumerate(keys)}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.npz")
        try:
            nn.save(state, path)
        except ValueError:
            assert os.listdir(tmp) == []
            return
        loaded = nn.load(path)
    assert list(loaded) == keys
    assert all(np.array_equal(loaded[k], state[k]) for k in keys)


@pytest.mark.parametrize("key, reason", [("a\0b", "NUL"), ("", "non-empty"),
                                         ("\ud800", "surrogate"), (META_KEY, "reserved"),
                                         (3, "strings"), ("k" * 5000, "limit")])
def test_save_refuses_a_key_it_could_not_load_back_and_writes_nothing(tmp_path, key, reason):
    with pytest.raises(ValueError, match=reason):
        nn.save({key: np.zeros(1)}, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_save_refuses_text_arrays(tmp_path):
    with pytest.raises(TypeError, match="numeric arrays only"):
        nn.save({"w": np.array(["a", "b"])}, tmp_path / "m.npz")


# ---------------------------------------------------------------- hostile files
def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(arr), allow_pickle=False)
    return buf.getvalue()


def _meta(keys, shapes, dtypes) -> bytes:
    return _npy(np.array([json.dumps({"format": "symnn.state_dict", "version": 1, "model": None,
                                      "keys": keys, "shapes": shapes, "dtypes": dtypes})]))


def _archive(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _npy_header(shape, dtype="<f8") -> bytes:
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue()


def test_a_text_array_in_a_file_is_refused_and_nothing_is_copied(tmp_path):
    model = nn.Linear(2, 2)
    before = {k: v.copy() for k, v in model.state_dict().items()}
    path = tmp_path / "m.npz"
    _archive(path, {META_KEY + ".npy": _meta(["weight", "bias"], [[2, 2], [2]], ["<f4", "<U1"]),
                    "weight.npy": _npy(np.ones((2, 2), np.float32)),
                    "bias.npy": _npy(np.array(["a", "b"]))})
    with pytest.raises(CheckpointError, match="'bias' holds <U1 values, not numbers"):
        nn.load(path, model=model)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_a_zip_bomb_is_refused_without_allocating_its_expanded_size(tmp_path):
    path = tmp_path / "bomb.npz"
    n = 200 * 2**20 // 8  # 200 MB of float64 zeros compress to about 200 kB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(META_KEY + ".npy", _meta(["w"], [[n]], ["<f8"]))
        with archive.open("w.npy", "w", force_zip64=True) as member:
            member.write(_npy_header((n,)))
            zeros = bytes(2**20)
            for _ in range(200):
                member.write(zeros)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match="compressed"):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f"loading the bomb allocated {peak:,} bytes"


def test_a_header_declaring_a_huge_shape_is_refused_without_allocating_it(tmp_path):
    path = tmp_path / "m.npz"
    _archive(path, {META_KEY + ".npy": _meta(["w"], [[10**12]], ["<f8"]),
                    "w.npy": _npy_header((10**12,)) + bytes(80)})
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match=r"declares shape \(1000000000000,\)"):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


def _forge_sizes(data: bytes, name: str, size: int) -> bytes:
    """``data`` (a stored archive) with ``name``'s sizes in its local and central headers
    set to ``size``, as a forged file would declare them."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, sizes_at, name_at in ((b"PK\x03\x04", 18, 30), (b"PK\x01\x02", 20, 46)):
        at = out.find(signature)
        while out[at + name_at:at + name_at + len(encoded)] != encoded:
            at = out.find(signature, at + 1)
        struct.pack_into("<II", out, at + sizes_at, size, size)
    return bytes(out)


def test_an_entry_declaring_more_bytes_than_the_file_holds_is_refused_before_allocating(tmp_path):
    n = 2**27  # 1 GiB of float64 declared by a file of about 1 kB
    header = _npy_header((n,))
    buf = io.BytesIO()
    _archive(buf, {META_KEY + ".npy": _meta(["w"], [[n]], ["<f8"]), "w.npy": header + bytes(64)})
    path = tmp_path / "m.npz"
    path.write_bytes(_forge_sizes(buf.getvalue(), "w.npy", len(header) + 8 * n))
    assert path.stat().st_size < 2**11
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match="declare 1,073,742,552 bytes, more than the file"):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f"loading the forged file allocated {peak:,} bytes"


def _one_entry_zip(name: str, data: bytes) -> tuple[bytes, bytes]:
    """(local record, central-directory entry) of ``name`` alone in an archive at offset 0."""
    buf = io.BytesIO()
    _archive(buf, {name: data})
    raw = buf.getvalue()
    end = raw.rfind(b"PK\x05\x06")
    size, offset = struct.unpack_from("<II", raw, end + 12)
    return raw[:offset], raw[offset:offset + size]


def _nested_archive(depth: int) -> bytes:
    """An archive whose entry w_k holds, as a uint8 array, the whole record of w_(k+1): each
    entry is valid alone, and all of them share one stretch of the file's bytes."""
    names = [f"w{k}" for k in range(depth)]
    record, offsets, shapes, centrals = b"", {}, {}, {}
    for name in reversed(names):
        inner = np.frombuffer(record, np.uint8) if record else np.zeros(8, np.uint8)
        local, centrals[name] = _one_entry_zip(name + ".npy", _npy(inner))
        offsets = {n: o + len(local) - len(record) for n, o in offsets.items()}
        offsets[name], shapes[name], record = 0, [inner.size], local
    meta_local, meta_central = _one_entry_zip(
        META_KEY + ".npy", _meta(names, [shapes[n] for n in names], ["|u1"] * depth))
    directory = [meta_central]
    for name in names:
        entry = bytearray(centrals[name])
        struct.pack_into("<I", entry, 42, len(meta_local) + offsets[name])
        directory.append(bytes(entry))
    body, cd = meta_local + record, b"".join(directory)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, depth + 1, depth + 1, len(cd), len(body), 0)
    return body + cd + end


def test_entries_that_share_the_same_bytes_are_refused(tmp_path):
    # nested entries: a 0.6 MB file of 2,000 of them would load as 330 MB (and 6 MB as 30 GB)
    path = tmp_path / "m.npz"
    path.write_bytes(_nested_archive(3))
    with pytest.raises(CheckpointError, match="more than the file"):
        nn.load(path)


def test_metadata_nested_100000_deep_is_refused_without_recursing(tmp_path):
    path = tmp_path / "m.npz"
    deep = "[" * 100_000 + "]" * 100_000
    text = '{"format": "symnn.state_dict", "version": 1, "keys": [], "shapes": [], "dtypes": [], "x": %s}' % deep
    _archive(path, {META_KEY + ".npy": _npy(np.array([text]))})
    with pytest.raises(CheckpointError, match="nested 100001 deep"):
        nn.load(path)


def test_a_json_depth_count_skips_brackets_inside_strings():
    from symnn.nn.serialization import _json_depth

    assert _json_depth('{"a": [[1], "[[[[{"], "b\\"[": 2}') == 3


@pytest.mark.parametrize("members, message", [
    ({META_KEY + ".npy": _meta(["w"], [[2]], ["<f8"]), "w.npy": _npy(np.zeros(2)),
      "v.npy": _npy(np.zeros(2))}, "not listed"),
    ({META_KEY + ".npy": _meta(["w"], [[2]], ["<f8"])}, "missing"),
    ({META_KEY + ".npy": _meta(["w"], [[3]], ["<f8"]), "w.npy": _npy(np.zeros(2))},
     "metadata says"),
    ({META_KEY + ".npy": _meta(["w"], [[2]], ["<f8"]),
      "w.npy": _npy(np.zeros(2))[:-3]}, "holds"),
    ({META_KEY + ".npy": _meta(["w", "w"], [[2], [2]], ["<f8", "<f8"]),
      "w.npy": _npy(np.zeros(2))}, "distinct"),
    ({META_KEY + ".npy": _meta(["w"], [[-2]], ["<f8"]), "w.npy": _npy(np.zeros(2))}, "sizes"),
    ({META_KEY + ".npy": _npy(np.array(['{"format": "symnn.state_dict", "version": 2}']))},
     "version 2"),
    ({META_KEY + ".npy": _npy(np.array(["not json"]))}, "Expecting value"),
    ({META_KEY + ".npy": _npy(np.zeros(3))}, "not numbers|JSON"),
], ids=["extra-entry", "missing-entry", "shape-disagrees", "short-data", "duplicate-keys",
        "negative-size", "future-version", "bad-json", "numeric-metadata"])
def test_every_malformed_archive_raises_checkpoint_error_naming_the_problem(tmp_path, members,
                                                                             message):
    path = tmp_path / "m.npz"
    _archive(path, members)
    with pytest.raises(CheckpointError, match=message):
        nn.load(path)


def test_every_single_bit_flip_is_refused_or_changes_nothing_loaded(tmp_path):
    path = tmp_path / "m.npz"
    sn.manual_seed(0)
    nn.save({"w": np.arange(3.0), "n": np.array(2)}, path)
    data = path.read_bytes()
    original = nn.load(path)
    rng = np.random.default_rng(0)
    refused = 0
    for position in range(len(data)):
        flipped = bytearray(data)
        flipped[position] ^= 1 << int(rng.integers(8))
        path.write_bytes(bytes(flipped))
        try:
            loaded = nn.load(path)
        except CheckpointError:
            refused += 1
            continue
        assert list(loaded) == list(original), position
        for key in original:
            assert loaded[key].dtype == original[key].dtype, (position, key)
            np.testing.assert_array_equal(loaded[key], original[key], err_msg=f"byte {position}")
    assert refused > len(data) // 2


# ---------------------------------------------------------------- casts that lose values
@pytest.mark.parametrize("key, value, message", [
    ("weight", np.full((2, 2), 1e300), "1e\\+300, beyond the largest float32"),
    ("weight", np.full((2, 2), 1 + 2j), "imaginary part"),
    ("weight", np.array([["a", "b"], ["c", "d"]]), "not numbers"),
])
def test_load_state_dict_refuses_a_lossy_cast_and_changes_nothing(key, value, message):
    model = nn.Linear(2, 2)
    before = model.weight.data.copy()
    state = {"weight": value, "bias": np.zeros(2)}
    with pytest.raises(RuntimeError, match=message):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model.weight.data, before)


@pytest.mark.parametrize("bad", [np.array(["a", "b"]), np.full(2, 1e300), np.full(2, 1j),
                                 np.zeros(3)], ids=["text", "overflow", "complex", "shape"])
def test_load_state_dict_copies_nothing_when_a_later_key_is_bad(bad):
    # weight comes first and is valid: a load that copied as it went would change it
    model = nn.Linear(2, 2)
    before = {k: v.copy() for k, v in model.state_dict().items()}
    with pytest.raises(RuntimeError, match="bias"):
        model.load_state_dict({"weight": np.ones((2, 2)), "bias": bad})
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_a_fraction_into_the_integer_batch_counter_is_refused():
    bn = nn.BatchNorm1d(2)
    state = dict(bn.state_dict(), num_batches_tracked=np.array(2.5))
    with pytest.raises(RuntimeError, match="num_batches_tracked.*not whole"):
        bn.load_state_dict(state)
    assert bn.num_batches_tracked.data == 0


def test_exact_casts_still_load_float64_rounded_into_float32_and_real_complex():
    model = nn.Linear(1, 1)
    model.load_state_dict({"weight": np.array([[0.1]]), "bias": np.array([2 + 0j])})
    assert model.weight.data.dtype == np.float32
    assert model.weight.data[0, 0] == np.float32(0.1) and model.bias.data[0] == 2


def test_a_file_with_values_the_model_cannot_hold_raises_mismatch_and_changes_nothing(tmp_path):
    path = tmp_path / "m.npz"
    nn.save({"weight": np.full((1, 1), 1e300), "bias": np.zeros(1)}, path)
    model = nn.Linear(1, 1)
    before = model.weight.data.copy()
    with pytest.raises(CheckpointMismatchError, match="weight.*beyond the largest float32"):
        nn.load(path, model=model)
    assert isinstance(CheckpointMismatchError("x"), (RuntimeError, CheckpointError, ValueError))
    np.testing.assert_array_equal(model.weight.data, before)
