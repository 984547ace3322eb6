"""Saving and loading a model's ``state_dict`` as a pickle-free ``.npz`` archive.

The archive holds one ``.npy`` member per state_dict key plus ``__symnn_meta__``: a
one-element string array with JSON (format, version, model class, keys, shapes, dtypes), so a
file can be checked against a model before anything is copied.  Files are read with
``allow_pickle=False`` (nothing in a file is ever executed) and written atomically: to a
temporary file in the same directory, then ``os.replace``, so a failed save leaves no partial
file and never damages an existing one.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import OrderedDict
from typing import Any, Mapping

import numpy as np

from symnn._atomic_write import atomic_path
from symnn.nn.module import Module, _as_array

META_KEY = "__symnn_meta__"
FORMAT = "symnn.state_dict"
VERSION = 1


def save(obj: Module | Mapping[str, Any], path: str | os.PathLike) -> None:
    """Write a Module's ``state_dict()`` (or a state dict) to ``path`` atomically."""
    if isinstance(obj, Module):
        model_name: str | None = type(obj).__name__
        state = obj.state_dict()
    elif isinstance(obj, Mapping):
        model_name, state = None, obj
    else:
        raise TypeError(f"save expects a Module or a state dict, got {type(obj).__name__}")
    arrays: OrderedDict[str, np.ndarray] = OrderedDict()
    for key, value in state.items():
        if not isinstance(key, str) or not key or key == META_KEY:
            raise ValueError(f"state dict key {key!r} cannot be saved")
        arr = np.asarray(_as_array(value))
        if arr.dtype.hasobject:
            raise TypeError(
                f"cannot save {key!r}: it holds Python objects (dtype=object), and symnn files "
                "store numeric arrays only"
            )
        arrays[key] = arr
    meta = {
        "format": FORMAT, "version": VERSION, "model": model_name, "keys": list(arrays),
        "shapes": [list(a.shape) for a in arrays.values()],
        "dtypes": [a.dtype.str for a in arrays.values()],
    }
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as archive:
            _write_member(archive, META_KEY, np.array([json.dumps(meta)]))
            for key, arr in arrays.items():
                _write_member(archive, key, arr)
        fh.flush()
        os.fsync(fh.fileno())


def _write_member(archive: zipfile.ZipFile, key: str, arr: np.ndarray) -> None:
    with archive.open(key + ".npy", "w", force_zip64=True) as member:
        np.lib.format.write_array(member, arr, allow_pickle=False)


def _describe_foreign(head: bytes) -> str:
    if head.startswith(b"\x80") or head[:1] in (b"(", b"]", b"}"):
        return "it holds pickled Python data, which symnn never loads"
    if head.startswith(b"\x93NUMPY"):
        return "it is a single .npy array, not an .npz archive"
    if not head:
        return "it is empty"
    return "it is not an .npz (zip) archive"


def load(path: str | os.PathLike, model: Module | None = None) -> Any:
    """Read a file written by ``save``: the state dict (OrderedDict of ndarrays), or, given a
    ``model``, load it into the model (strictly) and return the model.

    A file that is not a symnn archive (pickled, truncated, text, foreign) raises ValueError;
    one that does not fit ``model`` raises RuntimeError naming the keys or shapes.
    """
    path = os.fspath(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise ValueError(f"{path} is not a symnn model file: {_describe_foreign(head)}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if META_KEY not in archive.files:
                raise ValueError("it has no __symnn_meta__ entry (not written by symnn)")
            meta = _read_meta(archive[META_KEY])
            state: OrderedDict[str, np.ndarray] = OrderedDict()
            for key, shape, dtype in zip(meta["keys"], meta["shapes"], meta["dtypes"]):
                if key not in archive.files:
                    raise ValueError(f"the entry {key!r} listed in its metadata is missing")
                arr = archive[key]
                if list(arr.shape) != list(shape) or arr.dtype.str != dtype:
                    raise ValueError(
                        f"the entry {key!r} has shape {arr.shape} and dtype {arr.dtype}, its "
                        f"metadata says {tuple(shape)} and {np.dtype(dtype)}"
                    )
                state[key] = arr
            extra = set(archive.files) - set(meta["keys"]) - {META_KEY}
            if extra:
                raise ValueError(f"it holds entries not listed in its metadata: {sorted(extra)}")
    except (ValueError, TypeError, OSError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        reason = exc.args[0] if exc.args else type(exc).__name__
        raise ValueError(f"{path} is not a readable symnn model file: {reason}") from exc
    if model is None:
        return state
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        saved = meta.get("model") or "state dict"
        raise RuntimeError(
            f"{path} (saved from a {saved}) does not fit this {type(model).__name__}: "
            f"{exc.args[0]}"
        ) from exc
    return model


def _read_meta(value: np.ndarray) -> dict:
    if value.dtype.kind != "U" or value.shape != (1,):
        raise ValueError("its metadata entry is not a JSON string")
    meta = json.loads(str(value[0]))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError("its metadata does not describe a symnn state dict")
    if meta.get("version") != VERSION:
        raise ValueError(f"it was written in format version {meta.get('version')}, "
                         f"this symnn reads version {VERSION}")
    keys, shapes, dtypes = meta.get("keys"), meta.get("shapes"), meta.get("dtypes")
    if not (isinstance(keys, list) and isinstance(shapes, list) and isinstance(dtypes, list)
            and len(keys) == len(shapes) == len(dtypes)):
        raise ValueError("its metadata lists are malformed")
    return meta
