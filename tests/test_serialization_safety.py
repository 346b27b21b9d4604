"""nn.load on hostile files: a clear error naming the file, and never any code run.

test_nn_serialization.py covers the ordinary refusals (truncated, corrupted, .npy,
object arrays, a protocol-2+ pickle). These are the crafted cases around them: every
way a pickle could be smuggled in carries a payload that would create a marker file
if it ever ran, and each test checks the marker is still absent.
"""

from __future__ import annotations

import io
import os
import pickle
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn

REFUSED = "is not a saved state dict: "


class Payload:
    """Unpickling this calls open(marker, "w"): if the marker exists, code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "code-ran"
    yield path
    assert not path.exists(), "loading ran code from the file"


def npz_with_member(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_the_payload_really_runs_when_unpickled(tmp_path):
    # The guard for every test below: this payload does create its marker.
    witness = tmp_path / "witness"
    pickle.loads(pickle.dumps(Payload(witness)))
    assert witness.exists()


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_pickle_of_any_protocol_renamed_npz_is_refused(tmp_path, marker, protocol):
    # Protocols 0 and 1 have no b"\x80" header: they are refused as "not a zip" instead.
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps(Payload(marker), protocol=protocol))
    with pytest.raises(ValueError, match=rf"nn.load: '{path}' {REFUSED}"):
        nn.load(path)


def test_an_object_array_whose_element_runs_code_is_refused(tmp_path, marker):
    path = tmp_path / "model.npz"
    np.savez(path, weight=np.array([Payload(marker)], dtype=object))
    with pytest.raises(ValueError, match="'weight' is an object array .*unpickling can run code"):
        nn.load(path)


def test_a_pickle_stored_as_an_array_member_is_refused(tmp_path, marker):
    path = tmp_path / "model.npz"
    path.write_bytes(npz_with_member("weight.npy", pickle.dumps(Payload(marker))))
    with pytest.raises(ValueError, match=rf"{REFUSED}'weight' is not a valid array"):
        nn.load(path)


def test_an_npy_of_objects_renamed_npz_is_refused(tmp_path, marker):
    path = tmp_path / "model.npz"
    with open(path, "wb") as file:
        np.save(file, np.array([Payload(marker)], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="it is a single .npy array"):
        nn.load(path)


def test_a_member_named_to_escape_the_folder_writes_nothing(tmp_path):
    # nn.load reads members into memory; it never extracts, so a name is only a key.
    path = tmp_path / "inner" / "model.npz"
    path.parent.mkdir()
    buffer = io.BytesIO()
    np.save(buffer, np.ones(2))
    path.write_bytes(npz_with_member("../escaped.npy", buffer.getvalue()))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    state = nn.load(path)
    assert list(state) == ["../escaped"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    with pytest.raises(RuntimeError, match=r"unexpected key '../escaped'"):
        nn.Linear(2, 1).load_state_dict(state)


def test_a_header_declaring_a_huge_array_is_refused(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    path = tmp_path / "model.npz"
    path.write_bytes(npz_with_member("weight.npy", header.getvalue() + bytes(64)))
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError, match=rf"{REFUSED}'weight' declares shape \(1000000000000,\) .* but holds 64 bytes"
        ):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, "the declared size must be checked before anything is allocated"


def test_a_directory_names_the_path(tmp_path):
    with pytest.raises(IsADirectoryError, match=f"Is a directory: '{tmp_path}'"):
        nn.load(tmp_path)


def test_a_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "absent.npz"
    with pytest.raises(FileNotFoundError, match=f"No such file or directory: '{missing}'"):
        nn.load(missing)
    assert not os.path.exists(missing)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=600),
    prefix=st.sampled_from([b"", b"PK", b"PK\x03\x04", b"\x93NUMPY", b"\x80\x04"]),
)
def test_random_bytes_are_always_a_clear_value_error(data, prefix):
    try:
        state = nn.load(io.BytesIO(prefix + data))
    except ValueError as error:
        assert str(error).startswith(f"nn.load: the file {REFUSED}")
    else:  # a few random bytes can be a valid, empty zip: then there is nothing in it
        assert state == {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    version=st.sampled_from([b"\x01\x00", b"\x02\x00", b"\x03\x00", b"\x09\x00"]),
    header=st.one_of(
        st.binary(max_size=200),
        st.fixed_dictionaries(
            {
                "descr": st.sampled_from(
                    ["<f8", "<f4", "<i8", "|b1", "|O", "<U3", "|V8", [("a", "<f8")], "bad", 3]
                ),
                "fortran_order": st.sampled_from([False, True, "no"]),
                "shape": st.one_of(
                    st.tuples(), st.tuples(st.integers(-2, 10)), st.tuples(st.integers(0, 10**13))
                ),
            },
            optional={"extra": st.integers()},
        ).map(lambda d: repr(d).encode()),
    ),
    body=st.binary(max_size=64),
)
def test_a_member_with_a_crafted_array_header_is_a_clear_value_error(version, header, body):
    # Random headers drive NumPy's header parser (a Python-literal reader) into each of its errors.
    padded = header + b" " * (-(len(header) + 10) % 64)
    length = len(padded).to_bytes(2 if version == b"\x01\x00" else 4, "little")
    member = b"\x93NUMPY" + version + length + padded + body
    try:
        state = nn.load(io.BytesIO(npz_with_member("w.npy", member)))
    except ValueError as error:
        assert str(error).startswith(f"nn.load: the file {REFUSED}'w' "), str(error)
    else:
        assert list(state) == ["w"] and state["w"].dtype.kind in "fiub"
