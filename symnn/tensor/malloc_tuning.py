"""Keep large temporary arrays in the heap instead of fresh ``mmap`` pages (glibc only).

A training step allocates and frees the same large arrays every iteration. Past glibc's
default threshold (128 KiB, adapted upwards only slowly) each one is a new ``mmap``: its pages
fault on first touch and go back to the OS on ``free``, which costs more than the arithmetic
(a small CNN step went from 3.6 ms to 9.2 ms). Raising the mmap threshold to 32 MiB and the
trim threshold to 1 GiB, once, makes the allocator reuse those pages. Elsewhere this does
nothing; set ``SYMNN_NO_MALLOPT=1`` to skip it.
"""

from __future__ import annotations

import ctypes
import os
import platform

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 1024 * 1024 * 1024

_applied = False


def raise_malloc_thresholds() -> bool:
    """Apply the two ``mallopt`` settings once; True if glibc accepted them."""
    global _applied
    if _applied:
        return True
    if os.environ.get("SYMNN_NO_MALLOPT") or platform.system() != "Linux":
        return False
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    ok = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    _applied = ok
    return ok
