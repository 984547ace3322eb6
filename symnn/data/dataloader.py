"""DataLoader: mini-batches of a Dataset as Tensors (PyTorch's ``torch.utils.data.DataLoader``)."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from symnn.data.dataset import Dataset
from symnn.tensor import Tensor, tensor


def default_collate(batch: list) -> Any:
    """Stack a list of samples field by field: Tensors (keeping their dtype), arrays and numbers
    (by ``Tensor``'s rules: floats to the default dtype) become one Tensor with a new leading
    batch dimension; tuples, lists and dicts are collated per field (a tuple
    sample gives a list of Tensors, as in PyTorch)."""
    first = batch[0]
    if isinstance(first, Tensor):
        return tensor(np.stack([s.data for s in batch]), dtype=first.dtype)
    if isinstance(first, (np.ndarray, np.generic, int, float, bool)):
        return Tensor(np.stack([np.asarray(s) for s in batch]))
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in batch):
            raise ValueError("each sample in a batch must have the same number of fields")
        return [default_collate(list(field)) for field in zip(*batch)]
    raise TypeError(f"default_collate cannot batch samples of type {type(first).__name__}")


class DataLoader:
    """Iterate a Dataset in mini-batches.

    ``shuffle=True`` draws a new permutation each epoch, from a generator seeded with
    ``seed`` (the same sequence of epochs every run) or, without a seed, from symnn's generator
    (``sn.manual_seed``).  ``drop_last=True`` drops a final batch smaller than ``batch_size``.
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool = False,
                 drop_last: bool = False, seed: int | None = None,
                 collate_fn: Callable[[list], Any] | None = None) -> None:
        if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
            raise ValueError(f"batch_size should be a positive integer, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self.collate_fn = collate_fn
        self._generator = np.random.default_rng(seed) if seed is not None else None

    def _order(self) -> np.ndarray:
        n = len(self.dataset)  # type: ignore[arg-type]
        if not self.shuffle:
            return np.arange(n)
        if self._generator is not None:
            return self._generator.permutation(n)
        from symnn.tensor.random import generator

        return generator().permutation(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        if self.batch_size is None:  # no batching: samples one by one
            for i in order:
                yield self.dataset[int(i)]
            return
        fast = getattr(self.dataset, "_batch", None) if self.collate_fn is None else None
        for start in range(0, len(order), self.batch_size):
            indices = order[start:start + self.batch_size]
            if self.drop_last and len(indices) < self.batch_size:
                return
            batch = fast(indices) if fast is not None else None
            if batch is None:
                samples = [self.dataset[int(i)] for i in indices]
                batch = (self.collate_fn or default_collate)(samples)
            yield batch

    def __len__(self) -> int:
        n = len(self.dataset)  # type: ignore[arg-type]
        if self.batch_size is None:
            return n
        if self.drop_last:
            return n // self.batch_size
        return -(-n // self.batch_size)
