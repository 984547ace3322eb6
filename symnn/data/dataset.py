"""Datasets (PyTorch's ``torch.utils.data`` API): Dataset, TensorDataset, Subset, random_split."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from symnn.tensor import Tensor, tensor


class Dataset:
    """A map-style dataset: ``dataset[i]`` returns one sample, ``len(dataset)`` the count."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")


class TensorDataset(Dataset):
    """Samples are the i-th rows of the given Tensors (or arrays): ``(x[i], y[i], ...)``.

    Arrays become Tensors by ``Tensor``'s rules (floats to the default dtype); Tensors keep
    their dtype, and so do the samples and batches taken from them."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor(np.asarray(t))
                             for t in tensors)
        sizes = [t.shape[0] if t.ndim else None for t in self.tensors]
        if None in sizes or len(set(sizes)) != 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
            raise ValueError(f"Size mismatch between tensors: the first dimensions of {shapes} "
                             "must be equal")

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(tensor(t.data[index], dtype=t.dtype) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, indices: np.ndarray) -> list[Tensor]:
        """The samples at ``indices``, already stacked (what default collate would build)."""
        return [tensor(t.data[indices], dtype=t.dtype) for t in self.tensors]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def _batch(self, indices: np.ndarray) -> Any:
        inner = np.asarray(self.indices, dtype=np.int64)[indices]
        batch = getattr(self.dataset, "_batch", None)
        return None if batch is None else batch(inner)


def random_split(dataset: Dataset, lengths: Sequence[int | float],
                 generator: np.random.Generator | None = None,
                 seed: int | None = None) -> list[Subset]:
    """Split into non-overlapping random Subsets of the given lengths (or fractions summing to
    1, the remainder given one by one to the first subsets, as PyTorch does).  The permutation
    comes from ``generator``, a fresh generator seeded with ``seed``, or symnn's generator."""
    n = len(dataset)  # type: ignore[arg-type]
    lengths = list(lengths)
    if lengths and all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1):
        if any(not 0 <= x <= 1 for x in lengths):
            raise ValueError(f"fractions must be between 0 and 1, got {lengths}")
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(int(x) != x or x < 0 for x in lengths):
        raise ValueError(f"lengths must be non-negative integers or fractions summing to 1, "
                         f"got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"Sum of input lengths ({sum(lengths)}) does not equal the length of "
                         f"the input dataset ({n})")
    if generator is None:
        if seed is not None:
            generator = np.random.default_rng(seed)
        else:
            from symnn.tensor.random import generator as global_generator

            generator = global_generator()
    order = generator.permutation(n)
    splits, offset = [], 0
    for length in lengths:
        length = int(length)
        splits.append(Subset(dataset, order[offset:offset + length].tolist()))
        offset += length
    return splits
