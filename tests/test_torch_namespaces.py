"""`import autograd as torch`: torch.nn, torch.optim, torch.utils.data, torch.autograd reach their parts,
and importing autograd alone imports neither nn nor graphviz."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import autograd
import nn

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_autograd_imports_neither_nn_nor_graphviz_until_asked():
    out = _run(
        """
        import sys
        import autograd as torch
        print("nn" in sys.modules, "graphviz" in sys.modules)
        x = torch.linspace(0, 1, 5, device=torch.device("cpu"))
        g = torch.Generator().manual_seed(0)
        torch.multinomial(torch.ones(3), 2, generator=g)
        print("nn" in sys.modules)
        torch.nn
        print("nn" in sys.modules, "graphviz" in sys.modules)
        """
    )
    assert out.split() == ["False", "False", "False", "True", "False"]


@pytest.mark.parametrize("name", ["optim", "utils.data", "save", "load"])
def test_each_forwarding_alias_imports_nn_on_first_use(name):
    out = _run(
        f"""
        import sys
        import autograd as torch
        from operator import attrgetter
        attrgetter({name!r})(torch)
        print("nn" in sys.modules)
        """
    )
    assert out.split() == ["True"]


def test_the_aliases_are_nn_and_its_parts():
    assert autograd.nn is nn
    assert autograd.nn.functional is nn.functional
    assert autograd.optim is nn.optim and autograd.optim.SGD is nn.optim.SGD
    assert autograd.utils.data is nn.data and autograd.utils.data.DataLoader is nn.data.DataLoader
    assert autograd.save is nn.save and autograd.load is nn.load


def test_torch_autograd_is_the_package_itself():
    assert autograd.autograd is autograd
    assert autograd.autograd.Function is autograd.Function and autograd.autograd.grad is autograd.grad


def test_unknown_attributes_are_still_attribute_errors():
    with pytest.raises(AttributeError, match="module 'autograd' has no attribute 'nonsense'"):
        autograd.nonsense  # noqa: B018
    with pytest.raises(AttributeError, match="module 'autograd.utils' has no attribute 'checkpoint'"):
        autograd.utils.checkpoint  # noqa: B018


def test_pytorch_dtype_names():
    assert (
        autograd.float is autograd.float32
        and autograd.int is autograd.int32
        and autograd.long is autograd.int64
    )
    assert autograd.double is autograd.float64 and autograd.half is autograd.float16
    assert autograd.zeros(2, dtype=autograd.int).dtype == autograd.int32


def test_every_public_name_resolves():
    for name in autograd.__all__:
        assert getattr(autograd, name) is not None, name
