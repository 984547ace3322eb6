"""Writing a file atomically, for model archives and figures.

The data goes to a temporary file in the target's directory, which is renamed over the
target only once it is complete (``os.replace`` is atomic on one file system), so a failed
write leaves no partial file and never damages an existing one. The file written is the one
the path names:

- a symbolic link is followed, and its target (existing or new) is written, so the link
  stays a link;
- a file with other hard links is written through, in place, once the complete data exists,
  so every name keeps seeing the same file (only that last copy is not atomic);
- anything that is not a regular file (a directory, a FIFO, a device, a socket) is refused
  before anything is written.

The finished file gets the permissions an ordinary ``open(path, "w")`` would give it: those of
the file it replaces, or 0o666 less the umask for a new file (a bare ``tempfile.mkstemp`` file
would stay 0o600).
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["NotARegularFileError", "atomic_path"]

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


class NotARegularFileError(ValueError):
    """The path names something other than a regular file or a new name, so it is not
    replaced by a file."""


def _resolve(path: str | os.PathLike) -> tuple[str, os.stat_result | None]:
    """The real path a write to ``path`` should reach (symbolic links followed) and its
    status, or None when nothing is there yet."""
    target = os.path.realpath(os.fspath(path))
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return target, None
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a regular file")
        raise NotARegularFileError(
            f"{os.fspath(path)} is {kind}, not a regular file; symnn only writes regular "
            "files (choose a new file name)")
    return target, status


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path beside ``path``'s real target to write to; on a normal exit the
    data replaces that target, on an exception the temporary file is removed and the target is
    left as it was."""
    target, status = _resolve(path)
    directory = os.path.dirname(target)
    while True:
        tmp = os.path.join(directory, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
        try:  # mode 0o666 goes through the umask, as for open(path, "w")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:  # name the file asked for, not the temporary one
            raise type(exc)(exc.errno, exc.strerror, os.fspath(path)) from None
        os.close(fd)
        break
    try:
        yield tmp
        target, status = _resolve(path)  # it may have changed while the data was written
        if status is not None and status.st_nlink > 1:
            _write_through(tmp, target)
            os.unlink(tmp)
            return
        if status is not None:
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_through(source: str, target: str) -> None:
    """Copy ``source``'s bytes into the existing file ``target`` in place (its inode, and so
    all its hard links, stay the same)."""
    with open(source, "rb") as src, open(target, "r+b") as dst:
        shutil.copyfileobj(src, dst)
        dst.truncate()
        dst.flush()
        os.fsync(dst.fileno())
