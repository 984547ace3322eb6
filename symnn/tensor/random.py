"""symnn's global random number generator: one ``numpy.random.Generator`` for everything.

Weight initialization, dropout masks, DataLoader shuffling, ``randn`` and ``rand`` draw from
``generator()``; ``manual_seed(s)`` makes all of them reproducible. The generator object
stays the same across reseeding, so a reference kept by a module remains valid.
"""

from __future__ import annotations

import numpy as np

_GENERATOR = np.random.Generator(np.random.PCG64())


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the global generator (in place) and return it."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed expects a non-negative integer, got {seed!r}")
    _GENERATOR.bit_generator.state = np.random.PCG64(int(seed)).state
    return _GENERATOR


def generator() -> np.random.Generator:
    """The global ``numpy.random.Generator`` that symnn draws from."""
    return _GENERATOR
