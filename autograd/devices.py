"""Devices: this engine computes on the CPU with NumPy, so "cpu" is the one device there is.

PyTorch code names devices everywhere (`device=` on factories, `.to(device)`,
`torch.device("cuda" if torch.cuda.is_available() else "cpu")`). Here `"cpu"` and
`device("cpu")` are accepted wherever PyTorch takes a device, and any other device is a
clear error when it is used, naming the device asked for.
"""

from __future__ import annotations


class device:  # noqa: N801  (PyTorch's name: torch.device)
    """A device, as PyTorch's `torch.device`: `device("cpu")`, `device("cpu:0")`, `device("cpu", 0)`.

    Any type can be named (so `device("cuda")` can be built and compared, as in PyTorch),
    but only the CPU can hold a tensor: using another device is an error.
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str | device, index: int | None = None):  # noqa: A002  (PyTorch's name)
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise TypeError(f"device: expected a device name such as 'cpu', got {type!r}")
        name, colon, number = type.partition(":")
        if not name or not name.isidentifier() or (colon and not number.isdigit()):
            raise RuntimeError(f"device: {type!r} is not a device name; expected 'cpu' or 'cpu:0'")
        if colon and index is not None:
            raise RuntimeError(f"device: the index is given twice, in {type!r} and as index={index}")
        if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
            raise RuntimeError(f"device: the index must be a non-negative int, got {index!r}")
        self.type = name
        self.index = int(number) if colon else index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        """Equal to the same device, or to its name: `device("cpu") == "cpu"`."""
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def check(spec, where: str) -> device:
    """The CPU, if `spec` names it (None means the default device, which is the CPU too).

    Anything else (another device, an index such as 0, which PyTorch reads as cuda:0)
    raises an error that names `where` it was asked for and the device.
    """
    if spec is None or spec is CPU:
        return CPU
    if isinstance(spec, int) and not isinstance(spec, bool):
        asked = f"cuda:{spec}"  # PyTorch reads a bare index as a CUDA device
    elif isinstance(spec, (str, device)):
        asked = device(spec)
        if asked.type == "cpu":
            return CPU
    else:
        raise TypeError(f"{where}: device must be 'cpu', a device or None, got {type(spec).__name__}")
    raise RuntimeError(
        f"{where}: device {str(asked)!r} is not available: this engine computes on the CPU with NumPy, "
        "so the only device is 'cpu' (pass device='cpu', or leave device out)"
    )


def set_default_device(spec) -> None:
    """PyTorch's set_default_device: "cpu" (or None) is accepted; it is already the default."""
    check(spec, "set_default_device")


def get_default_device() -> device:
    """The device new tensors are made on: always the CPU here."""
    return CPU
