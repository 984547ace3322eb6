"""atomic_path: a finished write replaces the target with ordinary permissions; a failed one
leaves the target and the directory as they were."""

from __future__ import annotations

import os
import stat

import pytest

from symnn._atomic_write import atomic_path

posix_only = pytest.mark.skipif(os.name != "posix", reason="file mode bits are POSIX")


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_finished_write_replaces_the_target_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with atomic_path(target) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path) and tmp != str(target)
        with open(tmp, "wb") as fh:
            fh.write(b"new")
        assert target.read_bytes() == b"old"  # untouched until the block ends
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk full"):
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as fh:
                fh.write(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]


@posix_only
def test_a_new_file_gets_0666_less_the_umask_not_the_0600_of_a_temporary_file(tmp_path, umask_022):
    target = tmp_path / "new.bin"
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(b"x")
    assert _mode(target) == 0o644


@posix_only
def test_a_replaced_file_keeps_its_permissions(tmp_path, umask_022):
    target = tmp_path / "shared.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o664)
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(b"new")
    assert _mode(target) == 0o664


def test_a_missing_directory_is_reported_with_the_path_asked_for_not_a_temporary_name(tmp_path):
    target = tmp_path / "no-such-dir" / "model.npz"
    with pytest.raises(FileNotFoundError) as error:
        with atomic_path(target):
            pass
    assert error.value.filename == str(target) and ".tmp" not in str(error.value)

