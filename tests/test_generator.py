"""Generator: seeded draws repeat, draws with generator= leave the default generator alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd
from autograd import Tensor

ROOT = Path(__file__).resolve().parent.parent

DRAWS = {
    "randn": lambda g: autograd.randn(2, 3, generator=g),
    "rand": lambda g: autograd.rand((4,), generator=g),
    "randint": lambda g: autograd.randint(0, 10, (5,), generator=g),
    "randperm": lambda g: autograd.randperm(6, generator=g),
    "multinomial": lambda g: autograd.multinomial(Tensor([0.2, 0.3, 0.5]), 2, generator=g),
    "multinomial method": lambda g: Tensor([[1.0, 2.0], [3.0, 1.0]]).multinomial(3, True, generator=g),
    "normal": lambda g: autograd.normal(1.0, 2.0, (3,), generator=g),
    "normal tensors": lambda g: autograd.normal(Tensor([0.0, 10.0]), Tensor([1.0, 0.1]), generator=g),
    "rand_like": lambda g: autograd.rand_like(Tensor([1.0, 2.0]), generator=g),
    "randn_like": lambda g: autograd.randn_like(Tensor([1.0, 2.0]), generator=g),
    "randint_like": lambda g: autograd.randint_like(Tensor([1, 2]), 5, generator=g),
    "uniform_": lambda g: autograd.zeros(3).uniform_(-1, 1, generator=g),
    "normal_": lambda g: autograd.zeros(3).normal_(5, 0.1, generator=g),
}


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS.keys())
def test_the_same_seed_gives_the_same_draws(draw):
    first = draw(autograd.Generator().manual_seed(1234)).numpy()
    again = draw(autograd.Generator().manual_seed(1234)).numpy()
    other = draw(autograd.Generator().manual_seed(4321)).numpy()
    np.testing.assert_array_equal(first, again)
    if first.size > 2:
        assert not np.array_equal(first, other)


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS.keys())
def test_draws_from_a_generator_leave_the_default_one_alone(draw):
    autograd.manual_seed(7)
    expected = autograd.rand(5).numpy()
    autograd.manual_seed(7)
    draw(autograd.Generator().manual_seed(0))
    np.testing.assert_array_equal(autograd.rand(5).numpy(), expected)


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS.keys())
def test_draws_without_a_generator_follow_manual_seed(draw):
    autograd.manual_seed(99)
    first = draw(None).numpy()
    autograd.manual_seed(99)
    np.testing.assert_array_equal(draw(None).numpy(), first)


def test_manual_seed_returns_the_generator_and_the_seed_is_kept():
    g = autograd.Generator()
    assert g.manual_seed(2147483647) is g and g.initial_seed() == 2147483647
    assert autograd.manual_seed(5).initial_seed() == 5 and autograd.initial_seed() == 5
    assert g.device == "cpu"


def test_negative_seeds_wrap_around_as_pytorch_s():
    assert autograd.Generator().manual_seed(-1).initial_seed() == 2**64 - 1


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1])
def test_a_seed_out_of_range_is_an_error(seed):
    with pytest.raises(ValueError, match="outside"):
        autograd.Generator().manual_seed(seed)


def test_a_seed_that_is_not_an_int_is_an_error():
    with pytest.raises(TypeError, match="the seed must be an int, got float"):
        autograd.Generator().manual_seed(1.5)


def test_an_unseeded_generator_starts_from_fresh_entropy():
    seeds = {autograd.Generator().initial_seed() for _ in range(4)}
    assert len(seeds) == 4


def test_seed_reseeds_from_entropy_and_returns_the_seed():
    g = autograd.Generator()
    s = g.seed()
    assert g.initial_seed() == s
    replay = autograd.Generator().manual_seed(s)
    np.testing.assert_array_equal(
        autograd.rand(3, generator=g).numpy(), autograd.rand(3, generator=replay).numpy()
    )
    assert autograd.seed() == autograd.initial_seed()


def test_get_state_and_set_state_replay_the_draws():
    g = autograd.Generator().manual_seed(3)
    autograd.randn(4, generator=g)
    state = g.get_state()
    assert isinstance(state, Tensor) and state.dtype == np.uint8 and state.ndim == 1
    after = autograd.randn(5, generator=g).numpy()
    assert g.set_state(state) is g
    np.testing.assert_array_equal(autograd.randn(5, generator=g).numpy(), after)
    other = autograd.Generator().set_state(state)  # the state moves to another generator too
    assert other.initial_seed() == 3
    np.testing.assert_array_equal(autograd.randn(5, generator=other).numpy(), after)


def test_a_state_drawn_halfway_through_a_32_bit_pair_replays_exactly():
    g = autograd.Generator().manual_seed(8)
    g._numpy.integers(0, 10, dtype=np.int32)  # NumPy keeps half of a 64-bit draw for later
    state = g.get_state()
    after = g._numpy.integers(0, 2**31, size=3, dtype=np.int32)
    g.set_state(state)
    np.testing.assert_array_equal(g._numpy.integers(0, 2**31, size=3, dtype=np.int32), after)


def test_the_default_generator_state_round_trips():
    autograd.manual_seed(11)
    state = autograd.get_rng_state()
    first = autograd.rand(3).numpy()
    autograd.set_rng_state(state)
    np.testing.assert_array_equal(autograd.rand(3).numpy(), first)


@pytest.mark.parametrize("bad", [Tensor([1, 2, 3]), np.zeros(45, np.int64), np.zeros(3, np.uint8)])
def test_set_state_refuses_anything_but_a_state(bad):
    with pytest.raises(ValueError, match="set_state: expected the uint8 tensor"):
        autograd.Generator().set_state(bad)


def test_a_generator_of_the_wrong_type_is_an_error():
    with pytest.raises(TypeError, match="randn: generator must be an autograd.Generator, got int"):
        autograd.randn(2, generator=3)


def test_a_numpy_generator_is_accepted_too():
    a = autograd.rand(3, generator=np.random.default_rng(0)).numpy()
    np.testing.assert_array_equal(a, np.random.default_rng(0).random(3).astype(np.float32))


def test_the_same_seed_gives_the_same_draws_in_a_new_process():
    code = (
        "import autograd; g = autograd.Generator().manual_seed(2147483647); "
        "print(autograd.randn(3, generator=g).tolist(), autograd.multinomial(autograd.ones(5), 3, generator=g).tolist()); "
        "autograd.manual_seed(0); print(autograd.rand(2).tolist())"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and runs[0].count("[") >= 3
