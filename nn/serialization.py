"""Saving weights: a state dict as NumPy's .npz (a zip of .npy arrays), read without pickle.

Loading never unpickles, so a file cannot run code when read: object arrays and
pickles are refused. Every way a file can fail to be a saved state dict
(truncated, corrupted, another kind of file) is reported as a ValueError that
names the file and what was found.
"""

from __future__ import annotations

import math
import os
import secrets
import zipfile
from typing import IO, Any

import numpy as np

from autograd import Tensor

from .module import Module

__all__ = ["save", "load"]

PathOrFile = str | os.PathLike | IO[bytes]

# The archive's comment says how many arrays were saved, so that a damaged directory that
# drops entries is caught on load instead of silently giving fewer keys.
_SIGNATURE = b"readgrad state dict, arrays: "
# What zipfile raises for a damaged archive (bad flags read as "encrypted" or "unsupported").
_DAMAGED = (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError)


def save(obj: Module | dict[str, Any], path: PathOrFile) -> None:
    """Write a module's state dict (or a state dict) to `path` as .npz; the file appears whole or not at all."""
    state = obj.state_dict() if isinstance(obj, Module) else obj
    if not hasattr(state, "items"):
        raise TypeError(f"nn.save: expected a Module or a dict of name -> array, got {type(obj).__name__}")
    arrays = {}
    for key, value in state.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"nn.save: state dict keys must be non-empty strings, got {key!r}")
        if hasattr(value, "items"):  # PyTorch's checkpoint habit: {"model": state_dict, "epoch": 3}
            raise TypeError(
                f"nn.save: {key!r} holds a dict; a saved file is one flat state dict (name -> array), "
                "so save each state dict to its own file"
            )
        array = np.asarray(value)
        if array.dtype.kind not in "fiub":
            raise TypeError(f"nn.save: {key!r} holds {array.dtype} data; only numeric arrays can be saved")
        arrays[key] = array
    if hasattr(path, "write"):
        _write(path, arrays)
        return
    # Written beside the target and renamed into place, so a crash never leaves half a file.
    handle, temporary = _create_beside(path)
    try:
        with os.fdopen(handle, "wb") as file:
            _write(file, arrays)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _create_beside(path: str | os.PathLike) -> tuple[int, str]:
    """A new empty file in `path`'s folder, open for writing: (descriptor, its path).

    Created with mode 0o666, which the system reduces by the umask, so the saved file gets
    the permissions any new file would (0o644 under the usual umask of 0o022).
    """
    folder, name = os.path.split(os.path.abspath(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = os.path.join(folder, f"{name}.{secrets.token_hex(4)}.partial")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"nn.save: could not create a temporary file beside {os.fspath(path)!r}")


def _write(file: IO[bytes], arrays: dict[str, np.ndarray]) -> None:
    """An uncompressed zip of `key.npy` members, as np.savez writes, but never pickling."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.comment = _SIGNATURE + str(len(arrays)).encode()
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def load(path: PathOrFile) -> dict[str, Tensor]:
    """Read a state dict saved by `save` (or any .npz of numeric arrays): {name: Tensor}, in saved order."""
    where = repr(os.fspath(path)) if not hasattr(path, "read") else "the file"

    def refuse(reason: str) -> ValueError:
        return ValueError(f"nn.load: {where} is not a saved state dict: {reason}")

    head = _peek(path, 8)
    if head.startswith(b"\x93NUMPY"):
        raise refuse("it is a single .npy array; nn.save writes an .npz archive of named arrays")
    if head[:1] == b"\x80":
        raise refuse("it looks like a Python pickle, which nn.load never reads (unpickling can run code)")
    if not head.startswith(b"PK"):
        raise refuse(f"it is not a zip/.npz archive (it starts with {head[:8]!r})")
    state: dict[str, Tensor] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            _check_count(archive, refuse)
            for name in archive.namelist():
                key, array = _read_entry(archive, name, refuse)
                if key in state:
                    raise refuse(f"it holds the key {key!r} twice")
                state[key] = Tensor(array)
    except _DAMAGED as error:
        raise refuse(f"it is truncated or corrupted ({error})") from None
    return state


def _check_count(archive: zipfile.ZipFile, refuse) -> None:
    """Our own files say how many arrays they hold; an .npz from elsewhere is taken as it is."""
    comment = archive.comment
    if comment and _SIGNATURE.startswith(comment):
        raise refuse("it is truncated or corrupted (its last bytes are missing)")
    if comment.startswith(_SIGNATURE):
        saved = comment[len(_SIGNATURE) :]
        found = len(archive.namelist())
        if saved != str(found).encode():
            raise refuse(
                f"it is truncated or corrupted (saved with {saved.decode(errors='replace')} arrays, holds {found})"
            )


_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _read_entry(archive: zipfile.ZipFile, name: str, refuse) -> tuple[str, np.ndarray]:
    """(key, array) for one member `key.npy`, read with pickling off; a damaged archive raises as it is."""
    if not name.endswith(".npy"):
        raise refuse(f"it holds {name!r}, which is not a .npy array")
    key = name[: -len(".npy")]
    try:
        member = archive.open(name)
    except ValueError as error:  # zipfile seeks to wherever a damaged directory points
        raise zipfile.BadZipFile(str(error)) from None
    with member:
        try:
            version = np.lib.format.read_magic(member)
            read_header = _HEADER_READERS.get(version)
            if read_header is None:
                raise ValueError(f".npy format version {version} is not one nn.save writes")
            shape, fortran_order, dtype = read_header(member)
        except _DAMAGED:
            raise  # the archive itself is damaged: load reports it
        except Exception as error:  # NumPy's header parser raises several kinds
            raise refuse(f"{key!r} is not a valid array ({error})") from None
        if dtype.hasobject:
            raise refuse(
                f"{key!r} is an object array (pickled Python objects), which nn.load "
                "refuses to read because unpickling can run code"
            )
        # Check the size the header declares against the bytes really there, before
        # allocating anything: a crafted header must not make us reserve gigabytes.
        declared = math.prod(shape) * dtype.itemsize
        present = archive.getinfo(name).file_size - member.tell()
        if declared != present:
            raise refuse(f"{key!r} declares shape {shape} ({declared} bytes) but holds {present} bytes")
        data = member.read(declared)
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order else "C").copy()
    if array.dtype.kind not in "fiub":
        raise refuse(f"{key!r} holds {array.dtype} data; a state dict holds only numbers")
    return key, array


def _peek(path: PathOrFile, n: int) -> bytes:
    """The first n bytes of a path or file, leaving a file's position where it was."""
    if hasattr(path, "read"):
        start = path.tell()
        head = path.read(n)
        path.seek(start)
        return head
    with open(path, "rb") as file:
        return file.read(n)
