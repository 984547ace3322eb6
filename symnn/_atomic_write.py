"""Writing a file atomically, for model archives and figures.

The data goes to a temporary file in the target's directory, which is renamed over the
target only once it is complete (``os.replace`` is atomic on one file system), so a failed
write leaves no partial file and never damages an existing one. The finished file gets the
permissions an ordinary ``open(path, "w")`` would give it: those of the file it replaces, or
0o666 less the umask for a new file (a bare ``tempfile.mkstemp`` file would stay 0o600).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["atomic_path"]


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path beside ``path`` to write to; on a normal exit it replaces
    ``path``, on an exception it is removed and ``path`` is left as it was."""
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    while True:
        tmp = os.path.join(directory,
                           f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
        try:  # mode 0o666 goes through the umask, as for open(path, "w")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        break
    try:
        yield tmp
        if os.path.isfile(target):
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
