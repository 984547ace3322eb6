"""Dataset, TensorDataset, Subset, random_split and DataLoader."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import symnn as sn
from symnn.data import DataLoader, Dataset, Subset, TensorDataset, random_split


def _dataset(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    y = np.arange(n, dtype=np.int64)
    return TensorDataset(sn.tensor(x), sn.tensor(y))


def test_tensor_dataset_returns_rows_as_tensors():
    x, y = _dataset()[3]
    assert isinstance(x, sn.Tensor) and isinstance(y, sn.Tensor)
    np.testing.assert_array_equal(x.data, [6.0, 7.0])
    assert y.item() == 3


def test_tensor_dataset_with_different_lengths_names_the_shapes():
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(4,\)"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))


def test_loader_batches_in_order_and_keeps_the_last_partial_batch():
    batches = list(DataLoader(_dataset(10), batch_size=4))
    assert [b[1].data.tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].shape == (4, 2) and batches[0][0].dtype == np.float32
    assert batches[0][1].dtype == np.int64
    assert len(DataLoader(_dataset(10), batch_size=4)) == 3


def test_drop_last_drops_the_short_batch():
    loader = DataLoader(_dataset(10), batch_size=4, drop_last=True)
    assert [len(b[1].data) for b in loader] == [4, 4]
    assert len(loader) == 2


def test_shuffle_with_a_seed_is_repeatable_and_a_permutation():
    def epochs(seed):
        loader = DataLoader(_dataset(12), batch_size=5, shuffle=True, seed=seed)
        return [np.concatenate([b[1].data for b in loader]).tolist() for _ in range(2)]

    first, second = epochs(3)
    assert sorted(first) == list(range(12)) and first != list(range(12))
    assert first != second  # a new order each epoch
    assert epochs(3) == [first, second]  # the same sequence of epochs for the same seed
    assert epochs(4)[0] != first


def test_shuffle_without_a_seed_follows_manual_seed():
    loader = DataLoader(_dataset(12), batch_size=12, shuffle=True)
    sn.manual_seed(5)
    a = next(iter(loader))[1].data.tolist()
    sn.manual_seed(5)
    assert next(iter(loader))[1].data.tolist() == a


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.array([i, i * i], dtype=np.float64), "label": i % 2}


def test_default_collate_stacks_dict_samples_of_a_custom_dataset():
    batch = next(iter(DataLoader(Squares(), batch_size=3)))
    np.testing.assert_array_equal(batch["x"].data, [[0, 0], [1, 1], [2, 4]])
    np.testing.assert_array_equal(batch["label"].data, [0, 1, 0])


def test_random_split_partitions_the_dataset_repeatably():
    data = _dataset(10)
    a, b = random_split(data, [7, 3], seed=0)
    assert isinstance(a, Subset) and len(a) == 7 and len(b) == 3
    assert sorted(a.indices + b.indices) == list(range(10))
    assert random_split(data, [7, 3], seed=0)[0].indices == a.indices
    x, y = b[0]
    assert y.item() == b.indices[0]


def test_random_split_accepts_fractions_like_pytorch():
    parts = random_split(_dataset(10), [0.5, 0.25, 0.25], seed=1)
    # floor(10·f) = 5, 2, 2; the one left over goes to the first subset (torch gives 6, 2, 2)
    assert [len(p) for p in parts] == [6, 2, 2]


def test_random_split_with_wrong_total_names_both_lengths():
    with pytest.raises(ValueError, match=r"\(9\).*\(10\)"):
        random_split(_dataset(10), [5, 4])


def test_loader_over_a_subset_yields_the_subset_rows():
    data = _dataset(10)
    subset = Subset(data, [9, 2, 4])
    (x, y), = list(DataLoader(subset, batch_size=3))
    assert y.data.tolist() == [9, 2, 4]
    np.testing.assert_array_equal(x.data[1], [4.0, 5.0])


def test_batches_keep_the_dtype_of_float64_dataset_tensors():
    x = sn.tensor(np.arange(6.0).reshape(3, 2), dtype=np.float64)
    data = TensorDataset(x, sn.tensor(np.arange(3)))
    (bx, by), = list(DataLoader(data, batch_size=3))
    assert bx.dtype == np.float64 and by.dtype == np.int64
    assert data[0][0].dtype == np.float64


def test_a_custom_collate_fn_receives_the_list_of_samples():
    seen = []
    loader = DataLoader(_dataset(5), batch_size=2, collate_fn=lambda b: seen.append(b) or len(b))
    assert list(loader) == [2, 2, 1]
    assert [int(y.item()) for _, y in seen[0]] == [0, 1]


@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), shuffle=st.booleans(),
       drop_last=st.booleans(), seed=st.integers(0, 2**16))
def test_loader_visits_every_index_once_per_epoch(n, batch_size, shuffle, drop_last, seed):
    loader = DataLoader(_dataset(n), batch_size=batch_size, shuffle=shuffle,
                        drop_last=drop_last, seed=seed)
    batches = [b[1].data.tolist() for b in loader]
    seen = [i for b in batches for i in b]
    assert len(batches) == len(loader)
    assert all(len(b) == batch_size for b in batches[:-1])
    if drop_last:
        assert len(seen) == (n // batch_size) * batch_size and len(set(seen)) == len(seen)
    else:
        assert sorted(seen) == list(range(n))
    if not shuffle:
        assert seen == sorted(seen)


@given(n=st.integers(0, 30), parts=st.lists(st.integers(0, 10), min_size=1, max_size=4),
       seed=st.integers(0, 2**16))
def test_random_split_subsets_are_disjoint_and_cover_the_dataset(n, parts, seed):
    lengths = parts[:-1] + [max(n - sum(parts[:-1]), 0)]
    if sum(lengths) != n:
        with pytest.raises(ValueError, match="Sum of input lengths"):
            random_split(_dataset(n), lengths, seed=seed)
        return
    subsets = random_split(_dataset(n), lengths, seed=seed)
    assert [len(s) for s in subsets] == lengths
    assert sorted(i for s in subsets for i in s.indices) == list(range(n))
