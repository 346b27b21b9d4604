"""The engine side of porting, against PyTorch: devices, factories, random draws (shapes, dtypes,
ranges, statistics: the numbers themselves differ), histograms, Tensor methods, autograd.Function."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import autograd

from .compare import RG, TH, assert_same_dtype, assert_values_match, check_parity


def f64(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def both(fn):
    """fn(L) for autograd and torch."""
    return fn(RG), fn(TH)


def assert_like(rg, th, what="result") -> None:
    assert_values_match(rg, th, what)
    assert_same_dtype(rg, th, f"{what} dtype")


# -- devices -------------------------------------------------------------------------------------


def test_a_cpu_device_reads_as_pytorch_s():
    for spec in ("cpu", "cpu:0"):
        assert repr(autograd.device(spec)) == repr(torch.device(spec))
        assert str(autograd.device(spec)) == str(torch.device(spec))
    assert repr(autograd.device("cpu", 0)) == repr(torch.device("cpu", 0))
    rg, th = both(lambda L: L.zeros(2, device=L.device("cpu")).device)
    assert repr(rg) == repr(th) and rg.type == th.type


def test_conversions_return_the_tensor_itself_when_nothing_changes_as_pytorch_s():
    for L in (RG, TH):
        x = L.const(np.ones(3, np.float32))
        assert x.to(None) is x and x.to("cpu") is x and x.float() is x and x.to(L.float32) is x
        assert x.contiguous() is x and x.cpu() is x
        assert x.to(L.float64) is not x and x.to(copy=True) is not x
        assert x.to(None).dtype == L.float32


def test_integer_conversions_of_a_tensor_that_requires_grad_do_not_require_grad():
    for L in (RG, TH):
        x = L.leaf(f64([1.5, -2.5]))
        assert not x.long().requires_grad and not x.int().requires_grad and not x.bool().requires_grad
        assert x.double().requires_grad and x.float().requires_grad and x.half().requires_grad
    rg, th = both(lambda L: L.leaf(f64([1.7, -2.7])).long())
    assert_like(rg, th)


# -- factories -----------------------------------------------------------------------------------

FACTORIES = {
    "tensor float": lambda L: L.tensor([1.5, 2.0], device="cpu"),
    "tensor int": lambda L: L.tensor([[1, 2]], dtype=L.float64),
    "zeros": lambda L: L.zeros(2, 3),
    "zeros tuple dtype": lambda L: L.zeros((2,), dtype=L.int64),
    "ones": lambda L: L.ones((3,), dtype=L.float64),
    "full int": lambda L: L.full((2,), 7),
    "full float": lambda L: L.full((2, 2), 7.0),
    "full bool": lambda L: L.full((2,), True),
    "full scalar": lambda L: L.full((), -1.0, dtype=L.float64),
    "eye": lambda L: L.eye(3),
    "eye rectangular": lambda L: L.eye(2, 4),
    "eye int": lambda L: L.eye(2, dtype=L.int64),
    "arange": lambda L: L.arange(5),
    "arange start end": lambda L: L.arange(2, 7),
    "arange negative step": lambda L: L.arange(5, 0, -2),
    "arange float": lambda L: L.arange(0, 1, 0.25),
    "arange float end": lambda L: L.arange(0.0, 3),
    "linspace": lambda L: L.linspace(-math.pi, math.pi, 2000),
    "linspace float64": lambda L: L.linspace(-1, 1, 11, dtype=L.float64),
    "linspace int": lambda L: L.linspace(-3, 3, 7, dtype=L.int64),
    "linspace int truncates": lambda L: L.linspace(-2.5, 2.5, 4, dtype=L.int64),
    "linspace one step": lambda L: L.linspace(0, 1, 1),
    "linspace no step": lambda L: L.linspace(0, 1, 0),
    "logspace": lambda L: L.logspace(0, 2, 3),
    "logspace base 2": lambda L: L.logspace(0, 3, 4, base=2),
    "zeros_like": lambda L: L.zeros_like(L.const(np.ones((2, 3), np.float64))),
    "ones_like dtype": lambda L: L.ones_like(L.const(np.ones(2)), dtype=L.int64),
    "full_like": lambda L: L.full_like(L.const(np.ones(2, np.float32)), 3),
    "empty shape": lambda L: L.zeros_like(L.empty(2, 3)),
    "empty_like": lambda L: L.zeros_like(L.empty_like(L.const(np.ones(2, np.int64)))),
    "from_numpy float64": lambda L: L.from_numpy(np.arange(3.0)),
    "from_numpy int32": lambda L: L.from_numpy(np.arange(3, dtype=np.int32)),
    "new_zeros": lambda L: L.const(np.ones(2, np.float64)).new_zeros(2, 3),
    "new_ones": lambda L: L.const(np.ones(2, np.int64)).new_ones((2,)),
    "new_full": lambda L: L.const(np.ones(2, np.float32)).new_full((3,), 2),
    "new_tensor": lambda L: L.const(np.ones(2, np.float64)).new_tensor([1, 2]),
    "new_empty": lambda L: L.zeros_like(L.const(np.ones(2, np.float64)).new_empty(4)),
}


@pytest.mark.parametrize("make", FACTORIES.values(), ids=FACTORIES.keys())
def test_factories_give_torch_s_values_and_dtypes(make):
    rg, th = both(make)
    assert_values_match(rg, th, rtol=1e-6, atol=1e-6)
    assert_same_dtype(rg, th)


def test_factories_with_requires_grad_make_leaves():
    for L in (RG, TH):
        for made in (
            L.zeros(2, requires_grad=True),
            L.ones(2, requires_grad=True),
            L.full((), 0.0, requires_grad=True),
            L.eye(2, requires_grad=True),
            L.linspace(0, 1, 3, requires_grad=True),
            L.randn((), requires_grad=True),
            L.zeros_like(L.const(np.ones(2)), requires_grad=True),
        ):
            assert made.requires_grad and made.is_leaf


def test_from_numpy_shares_memory_as_torch_s():
    for L in (RG, TH):
        a = np.zeros(3)
        t = L.from_numpy(a)
        a[1] = 5.0
        assert t[1].item() == 5.0


# -- random draws: shapes, dtypes, ranges, statistics ---------------------------------------------

DRAWS = {
    "randn": lambda L, g: L.randn(3, 4, generator=g),
    "randn tuple float64": lambda L, g: L.randn((2,), generator=g, dtype=L.float64),
    "randn scalar": lambda L, g: L.randn((), generator=g),
    "rand": lambda L, g: L.rand(5, generator=g),
    "randint": lambda L, g: L.randint(0, 10, (6,), generator=g),
    "randint high only": lambda L, g: L.randint(4, (2, 3), generator=g),
    "randint float dtype": lambda L, g: L.randint(0, 3, (4,), generator=g, dtype=L.float32),
    "randperm": lambda L, g: L.randperm(7, generator=g),
    "multinomial": lambda L, g: L.multinomial(L.tensor([0.2, 0.8]), 5, replacement=True, generator=g),
    "multinomial rows": lambda L, g: L.multinomial(
        L.tensor([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]), 3, generator=g
    ),
    "multinomial method": lambda L, g: L.tensor([[0.5, 0.5]]).multinomial(1, generator=g),
    "normal numbers": lambda L, g: L.normal(2.0, 3.0, (4,), generator=g),
    "normal tensors": lambda L, g: L.normal(
        L.zeros(2, dtype=L.float64), L.ones(2, dtype=L.float64), generator=g
    ),
    "rand_like": lambda L, g: L.rand_like(L.const(np.ones(3))),
    "randn_like": lambda L, g: L.randn_like(L.const(np.ones(3, np.float32))),
    "randint_like": lambda L, g: L.randint_like(L.const(np.ones(3, np.int64)), 5),
}


@pytest.mark.parametrize("draw", DRAWS.values(), ids=DRAWS.keys())
def test_random_draws_have_torch_s_shapes_and_dtypes(draw):
    rg = draw(RG, autograd.Generator().manual_seed(0))
    th = draw(TH, torch.Generator().manual_seed(0))
    assert tuple(rg.shape) == tuple(th.shape)
    assert_same_dtype(rg, th)
    assert not rg.requires_grad and not th.requires_grad


def _draw_both(draw, n=20000):
    return (
        draw(RG, autograd.Generator().manual_seed(1), n).numpy().astype(np.float64),
        draw(TH, torch.Generator().manual_seed(1), n).numpy().astype(np.float64),
    )


STATISTICS = {
    "randn": lambda L, g, n: L.randn(n, generator=g),
    "rand": lambda L, g, n: L.rand(n, generator=g),
    "randint": lambda L, g, n: L.randint(-3, 4, (n,), generator=g),
    "normal": lambda L, g, n: L.normal(5.0, 0.5, (n,), generator=g),
    "uniform_": lambda L, g, n: L.zeros(n).uniform_(-2, 6, generator=g),
    "normal_": lambda L, g, n: L.zeros(n).normal_(1.0, 2.0, generator=g),
    "multinomial": lambda L, g, n: L.multinomial(L.tensor([1.0, 2.0, 7.0]), n, replacement=True, generator=g),
}


@pytest.mark.parametrize("draw", STATISTICS.values(), ids=STATISTICS.keys())
def test_random_draws_have_torch_s_range_and_statistics(draw):
    rg, th = _draw_both(draw)
    assert rg.min() >= th.min() - 0.5 * th.std() and rg.max() <= th.max() + 0.5 * th.std()
    assert abs(rg.mean() - th.mean()) < 0.05 * max(th.std(), 1.0)
    assert abs(rg.std() - th.std()) < 0.05 * th.std()
    if np.all(th == np.round(th)):  # integer draws: the same set of values
        assert set(np.unique(rg)) == set(np.unique(th))


def test_randperm_and_multinomial_without_replacement_never_repeat_as_torch_s():
    for L, g in ((RG, autograd.Generator().manual_seed(2)), (TH, torch.Generator().manual_seed(2))):
        assert sorted(L.randperm(50, generator=g).tolist()) == list(range(50))
        rows = L.multinomial(L.ones(4, 6), 6, generator=g).numpy()
        assert all(sorted(row) == list(range(6)) for row in rows)


BAD_DRAWS = {
    "negative weight": lambda L: L.multinomial(L.tensor([-0.1, 1.0]), 1),
    "zero-sum row": lambda L: L.multinomial(L.tensor([[1.0, 1.0], [0.0, 0.0]]), 1),
    "more than the categories": lambda L: L.multinomial(L.tensor([1.0, 1.0]), 3),
    "no samples": lambda L: L.multinomial(L.tensor([1.0, 1.0]), 0),
    "integer weights": lambda L: L.multinomial(L.tensor([1, 2]), 1),
    "randint empty range": lambda L: L.randint(5, 5, (2,)),
    "rand of integers": lambda L: L.rand(2, dtype=L.int64),
    "histc inverted range": lambda L: L.histc(L.tensor([1.0]), bins=2, min=3, max=1),
    "histc of integers": lambda L: L.histc(L.tensor([1, 2]), bins=2),
    "uniform_ on a leaf": lambda L: L.zeros(2, requires_grad=True).uniform_(),
    "cuda": lambda L: L.zeros(2, device="cuda"),
}


@pytest.mark.parametrize("call", BAD_DRAWS.values(), ids=BAD_DRAWS.keys())
def test_what_torch_refuses_is_refused_here_too(call):
    with pytest.raises(Exception):  # noqa: B017  (torch's own exception types vary: the parity is that both refuse)
        call(TH)
    with pytest.raises((ValueError, TypeError, RuntimeError)):
        call(RG)


# -- histograms ----------------------------------------------------------------------------------

DATA = f64([1.0, 2.0, 1.0, 4.0, 2.5, 9.0, -3.0, 0.0])
HISTOGRAMS = {
    "histc default": lambda L, x: L.histc(x),
    "histc bins": lambda L, x: L.histc(x, bins=4),
    "histc range": lambda L, x: L.histc(x, bins=5, min=0, max=3),
    "histc constant": lambda L, x: L.histc(x * 0 + 2, bins=4),
    "histc float32": lambda L, x: L.histc(x.float(), bins=3),
    "histogram hist": lambda L, x: L.histogram(x, bins=4).hist,
    "histogram edges": lambda L, x: L.histogram(x, bins=4).bin_edges,
    "histogram default": lambda L, x: L.histogram(x).hist,
    "histogram range": lambda L, x: L.histogram(x, bins=3, range=(0.0, 3.0))[0],
    "histogram edge tensor": lambda L, x: L.histogram(x, L.tensor([-5.0, 0.0, 1.0, 10.0], dtype=L.float64))[
        0
    ],
    "histogram density": lambda L, x: L.histogram(x, bins=4, density=True)[0],
    "histogram weight": lambda L, x: L.histogram(x, bins=4, weight=x.abs())[0],
    "histogram constant": lambda L, x: L.histogram(x * 0 + 2, bins=4).bin_edges,
}


@pytest.mark.parametrize("fn", HISTOGRAMS.values(), ids=HISTOGRAMS.keys())
def test_histograms_give_torch_s_counts_and_edges(fn):
    rg, th = fn(RG, RG.const(DATA)), fn(TH, TH.const(DATA))
    assert_values_match(rg, th, rtol=1e-6, atol=1e-6)
    assert_same_dtype(rg, th)


def test_histogram_returns_a_named_pair_as_torch_s():
    rg, th = RG.histogram(RG.const(DATA), 3), TH.histogram(TH.const(DATA), 3)
    assert type(rg).__name__ == type(th).__name__ == "histogram"
    assert_like(rg.hist, th.hist, "hist")
    assert_like(rg[1], th[1], "bin_edges")
    assert_like(rg.bin_edges, th.bin_edges, "bin_edges")


# -- Tensor methods, with gradients ---------------------------------------------------------------

MASK = np.array([[True, False, True], [False, False, True]])
METHODS = {
    "masked_fill": (lambda L, x: x.masked_fill(L.const(MASK), -1.5) * x, [f64([[1, 2, 3], [4, 5, 6]])]),
    "masked_fill row mask": (
        lambda L, x: x.masked_fill(L.const(np.array([True, False, True])), 0.0),
        [f64([[1, 2, 3], [4, 5, 6]])],
    ),
    "masked_fill 0-d value": (
        lambda L, x, v: x.masked_fill(L.const(MASK), v),
        [f64([[1, 2, 3], [4, 5, 6]]), f64(2.5)],
    ),
    "masked_fill_ in a graph": (
        lambda L, x: (x * 2).masked_fill_(L.const(MASK), 0.0) ** 2,
        [f64([[1, 2, 3], [4, 5, 6]])],
    ),
    "reshape_as": (lambda L, x: x.reshape_as(L.const(np.zeros((3, 2)))) * 3, [f64([[1, 2, 3], [4, 5, 6]])]),
    "view_as": (
        lambda L, x: x.view_as(L.const(np.zeros(6))) * L.const(np.arange(6.0)),
        [f64([[1, 2, 3], [4, 5, 6]])],
    ),
    "contiguous of a transpose": (
        lambda L, x: x.T.contiguous() * L.const(np.arange(6.0).reshape(3, 2)),
        [f64([[1, 2, 3], [4, 5, 6]])],
    ),
    "pow by an int tensor": (lambda L, x: x.unsqueeze(-1).pow(L.tensor([1, 2, 3])), [f64([0.5, -1.5, 2.0])]),
    "pow": (lambda L, x: x.pow(3), [f64([0.5, -1.5, 2.0])]),
    "log10": (lambda L, x: x.log10(), [f64([0.5, 1.5, 20.0])]),
    "log2": (lambda L, x: x.log2(), [f64([0.5, 1.5, 20.0])]),
    "float then double": (lambda L, x: x.float().double() * 2, [f64([0.5, 1.5])]),
    "to float32": (lambda L, x: x.to(L.float32) * x.to("cpu", L.float32), [f64([0.5, 1.5])]),
    "to copy": (lambda L, x: x.to(copy=True) * x, [f64([0.5, 1.5])]),
    "expand_as": (
        lambda L, x: x.expand_as(L.const(np.zeros((2, 3)))) * L.const(np.arange(6.0).reshape(2, 3)),
        [f64([1, 2, 3])],
    ),
    "topk values": (lambda L, x: x.topk(2).values * 2, [f64([[1, 5, 3, 4], [2, 0, 6, 7]])]),
    "topk indices": (
        lambda L, x: x.topk(2, dim=0, largest=False).indices,
        [f64([[1, 5, 3, 4], [2, 0, 6, 7]])],
    ),
    "topk with nan": (lambda L, x: x.topk(2)[0], [f64([1.0, np.nan, 3.0])]),
    "t of a matrix": (
        lambda L, x: x.t() * L.const(np.arange(6.0).reshape(3, 2)),
        [f64([[1, 5, 3], [7, 0, 2]])],
    ),
    "t of a vector": (lambda L, x: x.t() * 2, [f64([1, 5, 3])]),
    "argmax dim keepdim": (lambda L, x: x.argmax(dim=1, keepdim=True), [f64([[1, 5, 3], [7, 0, 2]])]),
    "eq with view_as": (
        lambda L, x: x.argmax(dim=1, keepdim=True).eq(
            L.tensor([1, 0]).view_as(x.argmax(dim=1, keepdim=True))
        ),
        [f64([[1, 5, 3], [7, 0, 2]])],
    ),
}


@pytest.mark.parametrize("fn, arrays", METHODS.values(), ids=METHODS.keys())
def test_tensor_methods_give_torch_s_values_and_gradients(fn, arrays):
    check_parity(fn, arrays, rtol=1e-6, atol=1e-7)


def test_uniform_and_normal_in_place_keep_the_tensor_and_its_dtype_as_torch_s():
    for L in (RG, TH):
        x = L.zeros(1000, dtype=L.float64)
        assert x.uniform_(-1, 1) is x and x.dtype == L.float64 and -1 <= x.min().item() and x.max().item() < 1
        assert x.normal_(0, 1) is x and x.dtype == L.float64
        with L.no_grad():
            w = L.zeros(3, requires_grad=True)
            w.uniform_(-0.1, 0.1)
        assert w.requires_grad and w.is_leaf


# -- autograd.Function ---------------------------------------------------------------------------


def _functions(L):
    """The same custom functions, written once, for either library."""

    class Legendre3(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return 0.5 * (5 * x**3 - 3 * x)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * x**2 - 1)

    class Exp(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out

    class MulScale(L.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            ctx.k = k
            return a * b * k

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return (
                g * b * ctx.k if ctx.needs_input_grad[0] else None,
                g * a * ctx.k if ctx.needs_input_grad[1] else None,
                None,
            )

    class SinCos(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin(), x.cos()

        @staticmethod
        def backward(ctx, g_sin, g_cos):
            (x,) = ctx.saved_tensors
            return g_sin * x.cos() - g_cos * x.sin()

    return {"Legendre3": Legendre3, "Exp": Exp, "MulScale": MulScale, "SinCos": SinCos}


FUNCTION_CASES = {
    "Legendre3": (lambda L, x: _functions(L)["Legendre3"].apply(x), [f64([0.3, -0.5, 0.9])]),
    "Exp saves its output": (lambda L, x: _functions(L)["Exp"].apply(x * 2), [f64([0.3, -0.5, 0.9])]),
    "non-tensor argument": (
        lambda L, a, b: _functions(L)["MulScale"].apply(a, b, 2.5),
        [f64([1.0, 2.0]), f64([3.0, -1.0])],
    ),
    "input without grad": (
        lambda L, a, b: _functions(L)["MulScale"].apply(a, b, 2.5),
        [f64([1.0, 2.0]), f64([3.0, -1.0])],
        [True, False],
    ),
    "two outputs": (lambda L, x: L.stack(list(_functions(L)["SinCos"].apply(x))), [f64([0.2, 1.1, -0.4])]),
    "one output used": (lambda L, x: _functions(L)["SinCos"].apply(x)[1] * 3, [f64([0.2, 1.1, -0.4])]),
    "inside a graph": (
        lambda L, x, w: (_functions(L)["Legendre3"].apply(x * w) ** 2).sum(),
        [f64([0.1, 0.2]), f64([2.0, -1.0])],
    ),
}


@pytest.mark.parametrize("case", FUNCTION_CASES.values(), ids=FUNCTION_CASES.keys())
def test_custom_functions_give_torch_s_values_and_gradients(case):
    fn, arrays, *requires = case
    check_parity(fn, arrays, requires[0] if requires else None)


@pytest.mark.parametrize("name", ["Legendre3", "Exp", "SinCos"])
def test_second_derivatives_through_custom_functions_match_torch(name):
    x_values = f64([0.3, -0.5, 0.9])
    results = []
    for L in (RG, TH):
        x = L.leaf(x_values)
        out = _functions(L)[name].apply(x)
        y = (out[0] * out[1] if isinstance(out, tuple) else out).sum()
        (g,) = L.grad(y, x, create_graph=True)
        (g2,) = L.grad((g * g).sum(), x)
        results.append((g, g2))
    assert_values_match(results[0][0], results[1][0], "first derivative")
    assert_values_match(results[0][1], results[1][1], "second derivative")


def test_a_saved_tensor_changed_in_place_is_refused_as_torch_does():
    for L in (RG, TH):
        Legendre3 = _functions(L)["Legendre3"]
        x = L.leaf(f64([0.3]))
        h = x * 1
        y = Legendre3.apply(h)
        h.add_(1.0)
        with pytest.raises(RuntimeError):
            y.sum().backward()


# -- the tutorial's polynomial fits, end to end ----------------------------------------------------


def _fit(L, variant: str, steps: int = 300):
    """PyTorch's "Learning PyTorch with Examples" fits of sin(x) by a cubic, from fixed starting values."""
    dtype = L.float64
    device = L.device("cpu")
    x = L.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = L.sin(x)
    start = f64([0.1, -0.2, 0.3, -0.05])
    learning_rate = 1e-6
    if variant == "tensors":
        a, b, c, d = (L.tensor(v, device=device, dtype=dtype) for v in start)
        for _ in range(steps):
            y_pred = a + b * x + c * x**2 + d * x**3
            grad_y_pred = 2.0 * (y_pred - y)
            a -= learning_rate * grad_y_pred.sum()
            b -= learning_rate * (grad_y_pred * x).sum()
            c -= learning_rate * (grad_y_pred * x**2).sum()
            d -= learning_rate * (grad_y_pred * x**3).sum()
        return L.stack([a, b, c, d])
    if variant == "autograd":
        params = [L.tensor(v, device=device, dtype=dtype, requires_grad=True) for v in start]
        a, b, c, d = params
        for _ in range(steps):
            loss = (a + b * x + c * x**2 + d * x**3 - y).pow(2).sum()
            loss.backward()
            with L.no_grad():
                for p in params:
                    p -= learning_rate * p.grad
                    p.grad = None
        return L.stack([p.detach() for p in params])
    # "function": y = a + b · P3(c + d · x), with P3 a custom Function
    P3 = _functions(L)["Legendre3"].apply
    a, b, c, d = (
        L.full((), v, device=device, dtype=dtype, requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3)
    )
    for _ in range(steps):
        loss = (a + b * P3(c + d * x) - y).pow(2).sum()
        loss.backward()
        with L.no_grad():
            for p in (a, b, c, d):
                p -= 5e-6 * p.grad
                p.grad = None
    return L.stack([p.detach() for p in (a, b, c, d)])


@pytest.mark.parametrize("variant", ["tensors", "autograd", "function"])
def test_the_tutorial_polynomial_fits_end_where_torch_s_do(variant):
    rg, th = _fit(RG, variant), _fit(TH, variant)
    assert_values_match(rg, th, f"coefficients ({variant})", rtol=1e-9, atol=1e-12)
