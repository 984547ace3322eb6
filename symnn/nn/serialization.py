"""Saving and loading a model's ``state_dict`` as a pickle-free ``.npz`` archive.

The archive holds one uncompressed ``.npy`` member per state_dict key plus
``__symnn_meta__``: a one-element string array with JSON (format, version, model class, keys,
shapes, dtypes), so a file can be checked against a model before anything is copied. Files
are written atomically (``symnn._atomic_write``): a failed save leaves no partial file and
never damages an existing one.

Reading trusts nothing in the file. Every member is checked before any array is built: only
numeric arrays, each the size its header declares, which is the size the member holds, and
all members together no larger than the file (so a file cannot make symnn allocate more memory
than its own size: compressed members, which could expand without bound, are refused, and so
are forged sizes and members that share bytes), with the CRC-32 the archive records, and
metadata of bounded size and nesting. Any file that fails a check raises ``CheckpointError``
(a ValueError) saying what is wrong; nothing in a file is ever executed, and nothing is copied
into a model unless every array is valid and fits.
"""

from __future__ import annotations

import json
import os
import re
import stat
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np

from symnn._atomic_write import atomic_path
from symnn.nn._arrays import as_array

__all__ = ["CheckpointError", "CheckpointMismatchError", "load", "save"]

META_KEY = "__symnn_meta__"
FORMAT = "symnn.state_dict"
VERSION = 1
SUFFIX = ".npy"
MAX_META_BYTES = 16 * 2**20  # JSON metadata: about 100,000 keys' names, shapes and dtypes
MAX_META_DEPTH = 4  # {"shapes": [[2, 3], ...]} is 3 deep
MAX_KEY_BYTES = 4096  # a key's UTF-8 bytes (zip allows 65,535 for the whole member name)
NUMERIC_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex


class CheckpointError(ValueError):
    """A file that is not a readable symnn model file: not an archive, damaged, truncated,
    foreign, or holding something other than what its metadata declares."""


class CheckpointMismatchError(CheckpointError, RuntimeError):
    """A readable model file whose keys, shapes or values do not fit the model it is loaded
    into (a RuntimeError too, as ``load_state_dict`` raises)."""


def check_key(key: Any) -> str:
    """``key`` if ``save`` can write it so that ``load`` reads it back as the same key."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"state dict key {key!r} cannot be saved: keys are non-empty strings")
    if key == META_KEY:
        raise ValueError(f"state dict key {key!r} is reserved for the file's metadata")
    if "\0" in key:
        raise ValueError(f"state dict key {key!r} cannot be saved: it contains a NUL character")
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValueError(f"state dict key {key!r} cannot be saved: it is not valid Unicode "
                         "text (a lone surrogate)") from None
    if size > MAX_KEY_BYTES:
        raise ValueError(f"state dict key {key[:40]!r}... cannot be saved: it is {size} bytes "
                         f"long, the limit is {MAX_KEY_BYTES}")
    return key


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write a Module's ``state_dict()`` (or a state dict) to ``path`` atomically.

    A symbolic link is followed and its target written; a file with other hard links is
    written in place; a directory, FIFO or device is refused. Keys must be non-empty strings
    without NUL characters, and values numeric arrays (ndarrays, symnn or torch tensors).
    """
    if isinstance(obj, Mapping):
        model_name, state = None, obj
    elif callable(getattr(obj, "state_dict", None)):
        model_name, state = type(obj).__name__, obj.state_dict()
    else:
        raise TypeError(f"save expects a Module or a state dict, got {type(obj).__name__}")
    arrays: OrderedDict[str, np.ndarray] = OrderedDict()
    for key, value in state.items():
        arr = np.asarray(as_array(value))
        if arr.dtype.kind not in NUMERIC_KINDS or arr.dtype.fields is not None:
            raise TypeError(
                f"cannot save {key!r}: it holds {arr.dtype} values, and symnn files store "
                "numeric arrays only (bool, integer, float or complex)")
        arrays[check_key(key)] = arr
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
    with archive.open(key + SUFFIX, "w", force_zip64=True) as member:
        np.lib.format.write_array(member, arr, allow_pickle=False)


def _describe_foreign(head: bytes) -> str:
    if head.startswith(b"\x80") or head[:1] in (b"(", b"]", b"}"):
        return "it holds pickled Python data, which symnn never loads"
    if head.startswith(b"\x93NUMPY"):
        return "it is a single .npy array, not an .npz archive"
    if not head:
        return "it is empty"
    return "it is not an .npz (zip) archive"


def load(path: str | os.PathLike, model: Any = None) -> Any:
    """Read a file written by ``save``: the state dict (OrderedDict of ndarrays), or, given a
    ``model``, load it into the model (strictly) and return the model.

    A file that is not a readable symnn model file raises ``CheckpointError``; one that does
    not fit ``model`` (keys, shapes, or values its dtypes cannot hold) raises
    ``CheckpointMismatchError``, and the model is left unchanged. A path that cannot be
    opened raises the usual OSError (FileNotFoundError, PermissionError).
    """
    name = os.fspath(path)
    try:
        state, meta = _read(name)
    except CheckpointError as exc:
        raise CheckpointError(f"{name} is not a readable symnn model file: {exc}") from None
    except (ValueError, TypeError, KeyError, EOFError, OverflowError, NotImplementedError,
            RecursionError, MemoryError, UnicodeDecodeError, zipfile.BadZipFile, zlib.error,
            struct.error) as exc:  # damage the checks above did not name
        reason = str(exc) or type(exc).__name__
        raise CheckpointError(f"{name} is not a readable symnn model file: {reason}") from exc
    if model is None:
        return state
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        saved = meta.get("model") or "state dict"
        raise CheckpointMismatchError(
            f"{name} (saved from a {saved}) does not fit this {type(model).__name__}: "
            f"{exc.args[0]}") from None
    return model


def _read(name: str) -> tuple[OrderedDict[str, np.ndarray], dict]:
    status = os.stat(name)  # FileNotFoundError / PermissionError pass through
    if not stat.S_ISREG(status.st_mode):
        raise CheckpointError("it is not a regular file")  # a FIFO would block a read forever
    with open(name, "rb") as fh:
        head = fh.read(8)
        if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            raise CheckpointError(_describe_foreign(head))
        size = fh.seek(0, os.SEEK_END)
        fh.seek(0)
        try:
            return _read_archive(fh, size)
        except OSError as exc:  # a damaged directory can send reads anywhere in the file
            raise CheckpointError(f"it is damaged ({exc.strerror or exc})") from exc


def _read_archive(fh: Any, size: int) -> tuple[OrderedDict[str, np.ndarray], dict]:
    """The state dict and metadata of an open archive of ``size`` bytes, every member
    checked."""
    with zipfile.ZipFile(fh) as archive:
        members = {}
        for info in archive.infolist():
            if info.filename in members:
                raise CheckpointError(f"it holds the entry {info.filename!r} twice")
            members[info.filename] = info
        declared = sum(info.compress_size for info in members.values())
        if declared > size:  # sizes forged, or entries sharing bytes (nested entries)
            raise CheckpointError(f"its entries declare {declared:,} bytes, more than the "
                                  f"file's {size:,}")
        meta_info = members.pop(META_KEY + SUFFIX, None)
        if meta_info is None:
            raise CheckpointError("it has no __symnn_meta__ entry (not written by symnn)")
        meta = _read_meta(archive, meta_info)
        listed = {key + SUFFIX for key in meta["keys"]}
        extra = sorted(set(members) - listed)
        if extra:
            raise CheckpointError(f"it holds entries not listed in its metadata: {extra}")
        state: OrderedDict[str, np.ndarray] = OrderedDict()
        for key, shape, dtype in zip(meta["keys"], meta["shapes"], meta["dtypes"]):
            info = members.get(key + SUFFIX)
            if info is None:
                raise CheckpointError(f"the entry {key!r} listed in its metadata is missing")
            arr = _read_member(archive, info, key, NUMERIC_KINDS)
            if list(arr.shape) != list(shape) or arr.dtype.str != dtype:
                raise CheckpointError(
                    f"the entry {key!r} has shape {arr.shape} and dtype {arr.dtype}, its "
                    f"metadata says {tuple(shape)} and {np.dtype(dtype)}")
            state[key] = arr
    return state, meta


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str,
                 kinds: str) -> np.ndarray:
    """One ``.npy`` member, checked before any memory is given to its data: stored (not
    compressed), a plain dtype of one of ``kinds``, and exactly as many bytes as its header's
    shape needs; the CRC-32 is checked as the data is read."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise CheckpointError(
            f"the entry {key!r} is compressed; symnn writes entries uncompressed, and a "
            "compressed entry could expand far beyond the file's size")
    if info.file_size != info.compress_size:
        raise CheckpointError(f"the entry {key!r} is stored but declares two different sizes")
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise CheckpointError(f"the entry {key!r} uses .npy format {version}, "
                                  "which symnn does not write")
        if dtype.kind not in kinds or dtype.fields is not None or dtype.subdtype is not None:
            raise CheckpointError(f"the entry {key!r} holds {dtype} values, not numbers")
        count = 1
        for n in shape:
            count *= n
        needed, held = count * dtype.itemsize, info.file_size - member.tell()
        if needed != held:
            raise CheckpointError(
                f"the entry {key!r} declares shape {shape} ({needed:,} bytes of {dtype}) but "
                f"holds {held:,} bytes")
        data = bytearray(needed)
        view, done = memoryview(data), 0
        while done < needed:
            got = member.readinto(view[done:])
            if not got:
                raise CheckpointError(f"the entry {key!r} ends early")
            done += got
        member.read(1)  # reaching the end checks the CRC-32
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def _read_meta(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict:
    if info.file_size > MAX_META_BYTES:
        raise CheckpointError(f"its metadata is {info.file_size:,} bytes, more than the "
                              f"{MAX_META_BYTES:,} symnn accepts")
    value = _read_member(archive, info, META_KEY, "U")
    if value.shape != (1,):
        raise CheckpointError("its metadata entry is not a JSON string")
    text = str(value[0])
    depth = _json_depth(text)
    if depth > MAX_META_DEPTH:
        raise CheckpointError(f"its metadata is nested {depth} deep, more than the "
                              f"{MAX_META_DEPTH} symnn accepts")
    meta = json.loads(text)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError("its metadata does not describe a symnn state dict")
    if meta.get("version") != VERSION:
        raise CheckpointError(f"it was written in format version {meta.get('version')!r}, "
                              f"this symnn reads version {VERSION}")
    keys, shapes, dtypes = meta.get("keys"), meta.get("shapes"), meta.get("dtypes")
    if not (isinstance(keys, list) and isinstance(shapes, list) and isinstance(dtypes, list)
            and len(keys) == len(shapes) == len(dtypes)):
        raise CheckpointError("its metadata lists are malformed")
    if not all(isinstance(k, str) and k for k in keys) or len(set(keys)) != len(keys):
        raise CheckpointError("its metadata keys are not distinct non-empty strings")
    if not all(isinstance(s, list) and all(type(n) is int and n >= 0 for n in s)
               for s in shapes):
        raise CheckpointError("its metadata shapes are not lists of sizes")
    if not all(isinstance(d, str) for d in dtypes):
        raise CheckpointError("its metadata dtypes are not dtype names")
    return meta


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _json_depth(text: str) -> int:
    """How deeply ``text``'s JSON arrays and objects nest (strings skipped), found without
    parsing, so a hostile file cannot exhaust the parser's recursion."""
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", _JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest
