"""nn.save / nn.load: an .npz round trip, and a clear refusal of anything that is not a saved state dict."""

from __future__ import annotations

import io
import os
import pickle
import stat
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Tensor


def model_pair():
    return nn.MLP([3, 5, 2]), nn.MLP([3, 5, 2])


def test_a_saved_module_loads_back_into_another(tmp_path):
    source, target = model_pair()
    path = tmp_path / "model.npz"
    nn.save(source, path)
    state = nn.load(path)
    assert list(state) == [name for name, _ in source.named_parameters()]  # saved order kept
    assert all(isinstance(v, Tensor) for v in state.values())
    target.load_state_dict(state)
    x = Tensor(np.ones((1, 3), dtype=np.float32))
    np.testing.assert_array_equal(source(x).numpy(), target(x).numpy())


def test_a_state_dict_of_arrays_keeps_its_dtypes_and_awkward_keys(tmp_path):
    path = tmp_path / "state.npz"
    state = {"file": np.arange(3, dtype=np.int32), "allow_pickle": np.ones((2, 2)), "a.b/c": np.float32(2.5)}
    nn.save(state, str(path))
    loaded = nn.load(str(path))
    assert list(loaded) == ["file", "allow_pickle", "a.b/c"]
    assert loaded["file"].dtype == np.int32 and loaded["a.b/c"].dtype == np.float32
    np.testing.assert_array_equal(loaded["allow_pickle"].numpy(), 1.0)
    assert loaded["a.b/c"].shape == ()


def test_save_and_load_work_on_file_objects():
    source, target = model_pair()
    buffer = io.BytesIO()
    nn.save(source, buffer)
    buffer.seek(0)
    target.load_state_dict(nn.load(buffer))
    for a, b in zip(source.parameters(), target.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_the_file_is_a_plain_npz_that_numpy_reads_without_pickle(tmp_path):
    source, _ = model_pair()
    path = tmp_path / "model.npz"
    nn.save(source, path)
    with np.load(path, allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["layers.0.weight"], source.layers[0].weight.numpy())


def test_save_leaves_no_partial_file_behind(tmp_path):
    path = tmp_path / "model.npz"
    nn.save(nn.Linear(2, 2), path)
    assert os.listdir(tmp_path) == ["model.npz"]


def test_a_failed_save_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    nn.save(nn.Linear(2, 2), path)
    before = path.read_bytes()

    def crash(file, arrays):
        file.write(b"PK half a file")
        raise OSError("disk full")

    monkeypatch.setattr("nn.serialization._write", crash)
    with pytest.raises(OSError, match="disk full"):
        nn.save(nn.Linear(2, 2), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


def test_save_refuses_what_it_cannot_store_safely(tmp_path):
    with pytest.raises(TypeError, match="'names' holds <U3 data; only numeric arrays can be saved"):
        nn.save({"names": np.array(["abc"])}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="expected a Module or a dict"):
        nn.save([1, 2], tmp_path / "x.npz")
    checkpoint = {"model": nn.Linear(2, 1).state_dict(), "epoch": 3}
    with pytest.raises(TypeError, match="'model' holds a dict; a saved file is one flat state dict"):
        nn.save(checkpoint, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="keys must be non-empty strings, got 3"):
        nn.save({3: np.zeros(1)}, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


# -- files that are not saved state dicts ---------------------------------------------------


def saved_bytes() -> bytes:
    buffer = io.BytesIO()
    nn.save(nn.MLP([3, 5, 2]), buffer)
    return buffer.getvalue()


def write(tmp_path, data: bytes, name: str = "bad.npz"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_truncated_file_is_refused(tmp_path):
    data = saved_bytes()
    for cut in (len(data) // 2, len(data) - 10, 30):
        with pytest.raises(
            ValueError, match="bad.npz' is not a saved state dict: it is truncated or corrupted"
        ):
            nn.load(write(tmp_path, data[:cut]))


def test_a_file_cut_anywhere_is_refused_unless_every_array_survived():
    data = saved_bytes()
    original = nn.load(io.BytesIO(data))
    refused = 0
    for cut in range(len(data)):
        try:
            state = nn.load(io.BytesIO(data[:cut]))
        except ValueError as error:
            assert "truncated or corrupted" in str(error) or "not a zip" in str(error)
            refused += 1
        else:  # only the archive comment was cut off: the arrays are all there
            assert list(state) == list(original)
            assert all(np.array_equal(state[k].numpy(), original[k].numpy()) for k in state)
    assert refused >= len(data) - 1


def test_a_corrupted_file_is_refused(tmp_path):
    data = bytearray(saved_bytes())
    data[200:210] = b"\xff" * 10  # inside the first array's bytes: the CRC no longer matches
    with pytest.raises(
        ValueError, match=r"not a saved state dict: it is truncated or corrupted \(Bad CRC-32"
    ):
        nn.load(write(tmp_path, bytes(data)))


def test_a_file_of_another_type_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"it is not a zip/.npz archive \(it starts with b'hello wo'\)"):
        nn.load(write(tmp_path, b"hello world"))
    with pytest.raises(ValueError, match="it is not a zip/.npz archive"):
        nn.load(write(tmp_path, b""))
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    with pytest.raises(ValueError, match="it is a single .npy array"):
        nn.load(write(tmp_path, buffer.getvalue()))


def test_a_zip_holding_something_else_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not an array")
    with pytest.raises(ValueError, match="it holds 'notes.txt', which is not a .npy array"):
        nn.load(write(tmp_path, buffer.getvalue()))


def test_an_archive_holding_fewer_arrays_than_it_was_saved_with_is_refused(tmp_path):
    # A damaged central directory can hide entries; the count saved in the comment catches it.
    buffer = io.BytesIO(saved_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = archive.comment.replace(b"4", b"5")
    with pytest.raises(ValueError, match=r"truncated or corrupted \(saved with 5 arrays, holds 4\)"):
        nn.load(write(tmp_path, buffer.getvalue()))


def test_a_zip_with_a_key_twice_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        for _ in range(2):
            with archive.open("w.npy", "w") as member:
                np.lib.format.write_array(member, np.zeros(2))
    with pytest.raises(ValueError, match="it holds the key 'w' twice"):
        nn.load(write(tmp_path, buffer.getvalue()))


def test_a_malformed_array_header_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("w.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': 'nonsense'}")
    with pytest.raises(ValueError, match="'w' is not a valid array"):
        nn.load(write(tmp_path, buffer.getvalue()))


def test_an_npz_holding_object_arrays_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, weight=np.array([{"a": 1}, None], dtype=object))  # NumPy pickles object arrays
    with pytest.raises(ValueError, match="'weight' is an object array .*refuses to read"):
        nn.load(path)


def test_an_npz_of_strings_is_refused(tmp_path):
    path = tmp_path / "strings.npz"
    np.savez(path, names=np.array(["a", "b"]))
    with pytest.raises(ValueError, match="'names' holds <U1 data; a state dict holds only numbers"):
        nn.load(path)


class Exploit:
    """Unpickling this would call `touch(path)`: proof that code ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_pickle_renamed_to_npz_is_refused_and_never_run(tmp_path):
    witness = tmp_path / "pwned"
    with pytest.raises(ValueError, match="looks like a Python pickle, which nn.load never reads"):
        nn.load(write(tmp_path, pickle.dumps(Exploit(str(witness))), "model.npz"))
    assert not witness.exists()


def test_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "absent.npz")


@settings(max_examples=60, deadline=None)
@given(position=st.integers(0, 10_000), byte=st.integers(0, 255))
def test_any_single_damaged_byte_loads_or_gives_the_clear_error(position, byte):
    data = bytearray(SAVED)
    data[position % len(data)] = byte
    try:
        state = nn.load(io.BytesIO(bytes(data)))
    except ValueError as error:
        assert str(error).startswith("nn.load: the file is not a saved state dict: ")
    else:  # the byte was one the format does not check (a timestamp, say): the arrays must be intact
        assert list(state) == list(ORIGINAL)
        for key in state:
            np.testing.assert_array_equal(state[key].numpy(), ORIGINAL[key].numpy())


SAVED = saved_bytes()
ORIGINAL = nn.load(io.BytesIO(SAVED))


@pytest.mark.skipif(os.name != "posix", reason="file modes and the umask are POSIX's")
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_saved_file_gets_the_mode_the_umask_gives_any_new_file(tmp_path, umask, mode):
    path = tmp_path / "model.npz"
    path.write_bytes(b"an older file, replaced by the save")
    path.chmod(0o600)
    previous = os.umask(umask)
    try:
        nn.save(nn.Linear(2, 2), path)
        nn.save(nn.Linear(2, 2), tmp_path / "new.npz")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "new.npz").stat().st_mode) == mode
    assert sorted(os.listdir(tmp_path)) == ["model.npz", "new.npz"]
