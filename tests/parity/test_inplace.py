"""In-place ops and versions against PyTorch.

- `+= -= *= /=`, `add_ sub_ mul_ div_ zero_ fill_ copy_ clamp_` and `t[index] = value` change
  the tensor itself: the same object, the same array, the same requires_grad and .grad.
- On a leaf that requires grad, with grad mode on, they raise RuntimeError; under
  `no_grad()` they are allowed (an optimizer step), and so are writes through `.data`.
- On a tensor inside a recorded graph they are recorded, and gradients flow as in PyTorch.
- `t._version` counts in-place changes and is shared by views of one array. A backward that
  needs a value changed in place since its op ran raises a RuntimeError naming the op,
  exactly where PyTorch raises; writes through `.data` are not tracked.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autograd

from .compare import RG, TH, assert_grad_matches, assert_values_match, seed_gradient, values

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

X = np.array([0.5, -1.0, 2.0, -0.3])
W = np.array([1.5, 0.2, -0.7, 1.1])


def array_of(t) -> np.ndarray:
    """The array behind a tensor, sharing its memory (torch: through detach, as .numpy() needs)."""
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.numpy()


# -- graph scenarios: recorded in-place ops, and where backward must refuse -------------

OK = "ok"
SCENARIOS: dict[str, tuple] = {}


def scenario(*raises_naming: str):
    """Register fn(L, x, w) -> output. With names: torch raises at backward, and readgrad must
    raise a RuntimeError whose message names one of them (the op whose saved value changed)."""

    def register(fn):
        SCENARIOS[fn.__name__] = (fn, raises_naming)
        return fn

    return register


@scenario()
def iadd_after_mul(L, x, w):
    y = x * 2
    y += 1
    return y


@scenario()
def iadd_then_setitem_then_sum(L, x, w):  # the contract's example
    y = x * 2
    y += 1
    y[0] = 0
    return y.sum()


@scenario()
def isub_imul_itruediv_by_numbers(L, x, w):
    y = x * 2
    y -= 1
    y *= 3
    y /= 4
    return y


@scenario()
def add_sub_mul_div_methods(L, x, w):
    y = x * 2
    y.add_(1.0)
    y.sub_(0.5)
    y.mul_(3.0)
    y.div_(4.0)
    return y


@scenario()
def iadd_tensor_that_requires_grad(L, x, w):
    y = x * 2
    y += w
    return y


@scenario()
def imul_by_tensor_that_requires_grad(L, x, w):
    y = x + 1
    y *= w
    return y


@scenario()
def idiv_by_tensor_that_requires_grad(L, x, w):
    y = x + 1
    y /= w
    return y


@scenario()
def zero_(L, x, w):
    y = x * 2
    y.zero_()
    return y


@scenario()
def fill_(L, x, w):
    y = x * 2
    y.fill_(3.0)
    return y


@scenario()
def copy_from_tensor_that_requires_grad(L, x, w):
    y = x * 2
    y.copy_(w)
    return y


@scenario()
def clamp_(L, x, w):
    y = x * 2
    y.clamp_(-1.0, 1.0)
    return y


@scenario()
def setitem_int_with_number(L, x, w):
    y = x * 2
    y[1] = 5.0
    return y


@scenario()
def setitem_slice_with_tensor_that_requires_grad(L, x, w):
    y = x * 2
    y[1:3] = w[:2]
    return y


@scenario()
def setitem_int_list(L, x, w):
    y = x * 2
    y[[0, 2]] = w[[1, 3]]
    return y


@scenario()
def setitem_bool_mask(L, x, w):
    y = x * 2
    y[L.const(np.array([True, False, False, True]))] = 0.0
    return y


@scenario()
def setitem_mask_from_comparison(L, x, w):
    y = x * 2
    y[y > 0] = w[y > 0]
    return y


@scenario()
def setitem_int_tensor(L, x, w):
    y = x * 2
    y[L.const(np.array([3, 1]))] = w[:2]
    return y


@scenario()
def setitem_2d_forms(L, x, w):
    y = x.reshape(2, 2) * 1
    y[0, 1] = 0.0
    y[:, 0] = w[:2]
    y[[1], [1]] = w[3]
    return y


@scenario()
def inplace_through_reshape_view(L, x, w):
    y = x * 2
    y.view(2, 2).add_(1.0)
    return y


@scenario()
def inplace_through_basic_index_view(L, x, w):
    y = x * 2
    y[1:3].mul_(5.0)
    return y


@scenario()
def inplace_through_view_with_tensor_that_requires_grad(L, x, w):
    y = x * 2
    y[1:3].mul_(w[:2])
    return y


@scenario()
def inplace_after_add_which_saves_nothing(L, x, w):  # the contract's example: no raise
    y = x * 2
    z = y + 1
    y += 1
    return z


@scenario()
def inplace_after_mul_by_number_which_saves_nothing(L, x, w):
    y = x * 1
    z = y * 2.0
    y.add_(1.0)
    return z


@scenario()
def inplace_after_sum_which_saves_nothing(L, x, w):
    y = x * 1
    z = y.sum()
    y.add_(1.0)
    return z


@scenario()
def inplace_after_neg_which_saves_nothing(L, x, w):
    y = x * 1
    z = -y
    y.mul_(2.0)
    return z


@scenario()
def inplace_after_getitem_which_saves_nothing(L, x, w):
    y = x * 1
    z = y[[0, 1]]
    y.add_(1.0)
    return z


@scenario()
def inplace_after_where_which_saves_only_the_condition(L, x, w):
    y = x * 1
    z = L.where(L.const(np.array([True, False, True, False])), y, 0.0)
    y.add_(1.0)
    return z


@scenario()
def inplace_on_input_of_relu_which_saves_its_result(L, x, w):
    y = x * 2
    z = y.relu()
    y.zero_()
    return z


@scenario()
def inplace_on_nonleaf_under_no_grad(L, x, w):
    y = x * 2
    with L.no_grad():
        y += 1
    return y


@scenario()
def iadd_tensor_that_requires_grad_into_plain_tensor(L, x, w):
    t = L.const(np.zeros(4))
    t += x
    return t * 3.0


@scenario()
def data_write_after_sin_is_not_tracked(L, x, w):
    y = x.sin()
    x.data.add_(1.0)
    return y


@scenario("exp")
def exp_result_changed_by_iadd(L, x, w):  # the contract's example
    y = x.exp()
    y += 1
    return y.sum()


@scenario("exp")
def exp_result_changed_by_mul_(L, x, w):
    y = x.exp()
    y.mul_(2.0)
    return y


@scenario("exp")
def exp_result_changed_by_setitem(L, x, w):
    y = x.exp()
    y[0] = 1.0
    return y


@scenario("exp")
def exp_result_changed_through_a_view(L, x, w):
    y = x.exp()
    y[1:].mul_(2.0)
    return y


@scenario("exp")
def exp_result_changed_through_a_reshape(L, x, w):
    y = x.exp()
    y.view(2, 2).add_(1.0)
    return y


@scenario("mul")
def mul_input_changed(L, x, w):  # the contract's example
    v = w * 1
    z = v * x
    v.add_(1.0)
    return z


@scenario("sigmoid")
def sigmoid_result_changed(L, x, w):
    y = x.sigmoid()
    y.sub_(1.0)
    return y


@scenario("tanh")
def tanh_result_changed(L, x, w):
    y = x.tanh()
    y[0] = 0.0
    return y


@scenario("relu")
def relu_result_changed(L, x, w):
    y = x.relu()
    y.mul_(2.0)
    return y


@scenario("sqrt")
def sqrt_result_changed(L, x, w):
    y = (x * x + 1.0).sqrt()
    y.zero_()
    return y


@scenario("log_softmax")
def log_softmax_result_changed(L, x, w):
    y = x.log_softmax(dim=0)
    y.add_(1.0)
    return y


@scenario("softmax", "div", "exp")
def softmax_result_changed(L, x, w):
    y = x.softmax(dim=0)
    y.mul_(2.0)
    return y


@scenario("sin")
def sin_input_changed(L, x, w):
    y = x * 2
    z = y.sin()
    y.add_(1.0)
    return z


@scenario("pow")
def pow_input_changed(L, x, w):
    y = x * 2
    z = y**2
    y.mul_(3.0)
    return z


@scenario("div")
def div_denominator_changed(L, x, w):
    y = x * 2 + 3.0
    z = w / y
    y.add_(1.0)
    return z


@scenario("matmul", "mm")
def matmul_input_changed(L, x, w):
    y = x.reshape(2, 2) * 1
    z = y @ w.reshape(2, 2)
    y.add_(1.0)
    return z


@scenario("max", "amax")
def max_input_changed(L, x, w):
    y = x * 1
    z = y.max()
    y.add_(1.0)
    return z


@scenario("clamp", "clip")
def clamp_input_changed(L, x, w):
    y = x * 1
    z = y.clamp(-0.5, 0.5)
    y.add_(1.0)
    return z


@scenario("abs")
def abs_input_changed(L, x, w):
    y = x * 1
    z = y.abs()
    y.mul_(-1.0)
    return z


@scenario("sin")
def leaf_changed_through_detach(L, x, w):
    y = x.sin()
    x.detach().add_(1.0)
    return y


@scenario("sin")
def leaf_changed_under_no_grad(L, x, w):
    y = x.sin()
    with L.no_grad():
        x += 1.0
    return y


def _run_scenario(L, fn):
    """('ok', (x, w)) after out.backward(G), or (phase, exception)."""
    x, w = L.leaf(X), L.leaf(W)
    try:
        out = fn(L, x, w)
    except Exception as error:
        return "forward", error
    g = seed_gradient(tuple(out.shape))
    try:
        out.backward(torch.from_numpy(g) if L.is_torch else autograd.Tensor(g))
    except Exception as error:
        return "backward", error
    return OK, (x, w)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_inplace_in_a_graph_matches_torch(name):
    fn, raises_naming = SCENARIOS[name]
    th_phase, th_result = _run_scenario(TH, fn)
    # The table says what PyTorch does; check that first, so that the table stays honest.
    if raises_naming:
        assert th_phase == "backward" and isinstance(th_result, RuntimeError), (th_phase, th_result)
    else:
        assert th_phase == OK, (th_phase, th_result)

    rg_phase, rg_result = _run_scenario(RG, fn)
    if raises_naming:
        assert rg_phase == "backward", f"readgrad: {rg_phase} ({rg_result!r}); torch raises at backward"
        assert isinstance(rg_result, RuntimeError), f"readgrad raises {rg_result!r}, not a RuntimeError"
        message = str(rg_result).lower()
        assert any(n in message for n in raises_naming), f"the error does not name {raises_naming}: {message}"
    else:
        assert rg_phase == OK, f"readgrad: {rg_phase} raises {rg_result!r}; torch gives gradients"
        for label, r, t in zip(("x", "w"), rg_result, th_result):
            assert_grad_matches(r, t, f"{label}.grad")


# -- the same object, the same array ---------------------------------------------------


def _iadd(t, v):
    t += v
    return t


def _isub(t, v):
    t -= v
    return t


def _imul(t, v):
    t *= v
    return t


def _itruediv(t, v):
    t /= v
    return t


def _setitem(t, v):
    t[1] = v
    return t


INPLACE = {
    "iadd": _iadd,
    "isub": _isub,
    "imul": _imul,
    "itruediv": _itruediv,
    "add_": lambda t, v: t.add_(v),
    "sub_": lambda t, v: t.sub_(v),
    "mul_": lambda t, v: t.mul_(v),
    "div_": lambda t, v: t.div_(v),
    "zero_": lambda t, v: t.zero_(),
    "fill_": lambda t, v: t.fill_(v),
    "copy_": lambda t, v: t.copy_(t * 0 + v),
    "clamp_": lambda t, v: t.clamp_(-0.4, v),
    "setitem": _setitem,
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_changes_the_same_object_and_array(name):
    op = INPLACE[name]
    for L in (RG, TH):
        t = L.const(X)
        array, ident = array_of(t), id(t)
        out = op(t, 2.5)
        assert out is t and id(t) == ident, f"{L}: {name} made a new object"
        assert np.shares_memory(array_of(t), array), f"{L}: {name} made a new array"
        np.testing.assert_allclose(array, values(t), err_msg=f"{L}: the old array does not show {name}")
        assert not t.requires_grad
    assert_values_match(op(RG.const(X), 2.5), op(TH.const(X), 2.5))


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_on_a_leaf_that_requires_grad_raises(name):
    op = INPLACE[name]
    for L in (RG, TH):
        x = L.leaf(X)
        with pytest.raises(RuntimeError):
            op(x, 2.5)
        np.testing.assert_array_equal(values(x), X, err_msg=f"{L}: the failed {name} changed the leaf")


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_on_a_leaf_is_allowed_under_no_grad(name):
    op = INPLACE[name]
    results = []
    for L in (RG, TH):
        x = L.leaf(X)
        array, ident = array_of(x), id(x)
        with L.no_grad():
            op(x, 2.5)
        assert id(x) == ident and np.shares_memory(array_of(x), array), f"{L}: a new object or array"
        assert x.requires_grad and x.is_leaf and x.grad is None, f"{L}: the leaf lost requires_grad"
        results.append(x)
    assert_values_match(*results)


def _sgd_step(L, how: str):
    p = L.leaf(X)
    ((p * L.const(W)).sum() + (p * p).sum()).backward()
    grad, array, ident, lr = p.grad, array_of(p), id(p), 0.1
    if how == "isub-under-no-grad":
        with L.no_grad():
            p -= lr * p.grad
    elif how == "sub_-under-no-grad":
        with L.no_grad():
            p.sub_(lr * p.grad)
    elif how == "data-isub":
        p.data -= lr * p.grad
    elif how == "data-sub_":
        p.data.sub_(lr * p.grad)
    assert id(p) == ident, f"{L}: {how} made a new object"
    assert np.shares_memory(array_of(p), array), f"{L}: {how} made a new array"
    assert p.requires_grad and p.is_leaf, f"{L}: {how} lost requires_grad"
    assert p.grad is grad, f"{L}: {how} changed .grad"
    return p


@pytest.mark.parametrize("how", ["isub-under-no-grad", "sub_-under-no-grad", "data-isub", "data-sub_"])
def test_sgd_step_updates_the_parameter_in_place(how):
    assert_values_match(_sgd_step(RG, how), _sgd_step(TH, how))


def test_inplace_keeps_the_dtype():
    for L in (RG, TH):
        t = L.const(np.ones(3, dtype=np.float32))
        t += L.const(np.ones(3))  # float64
        assert str(t.dtype).removeprefix("torch.") == "float32", f"{L}: {t.dtype}"
        t *= np.float64(2.0)
        assert str(t.dtype).removeprefix("torch.") == "float32", f"{L}: {t.dtype}"


def test_inplace_float_into_int_tensor_raises():
    for L in (RG, TH):
        t = L.const(np.array([1, 2]))
        with pytest.raises(RuntimeError):
            t += 1.5


def test_inplace_on_a_nonleaf_keeps_it_a_nonleaf_that_requires_grad():
    for L in (RG, TH):
        y = L.leaf(X) * 2
        y.retain_grad()
        y += 1
        assert y.requires_grad and not y.is_leaf, f"{L}"
        y.sum().backward()
        np.testing.assert_array_equal(values(y.grad), np.ones(4), err_msg=f"{L}")


# -- setitem with every index form getitem takes ----------------------------------------

_M = np.array([True, False, True])
INDEX_FORMS = {
    "int": lambda L: 1,
    "negative-int": lambda L: -1,
    "int-int": lambda L: (1, 2),
    "slice": lambda L: slice(0, 2),
    "slice-step": lambda L: (slice(None, None, 2), slice(1, None)),
    "ellipsis": lambda L: (Ellipsis, 0),
    "none": lambda L: (None, 1),
    "int-list": lambda L: [0, 2],
    "negative-int-list": lambda L: [-1, 0],
    "int-tensor": lambda L: L.const(np.array([2, 0])),
    "two-int-lists": lambda L: ([0, 1], [2, 0]),
    "slice-and-list": lambda L: (slice(None), [2, 0]),
    "bool-mask": lambda L: L.const(_M),
    "bool-mask-2d": lambda L: L.const(np.arange(12).reshape(3, 4) % 3 == 0),
    "bool-list": lambda L: [True, False, True],
    "numpy-int": lambda L: np.int64(2),
}


@pytest.mark.parametrize("form", list(INDEX_FORMS))
@pytest.mark.parametrize("value", ["number", "tensor-that-requires-grad"])
def test_setitem_matches_torch(form, value):
    base = np.arange(12.0).reshape(3, 4) / 7
    target_shape = tuple(TH.const(base)[INDEX_FORMS[form](TH)].shape)  # the shape the value broadcasts to
    results = []
    for L in (RG, TH):
        x = L.leaf(base)
        w = L.leaf(np.linspace(-1, 1, int(np.prod(target_shape))).reshape(target_shape))
        y = x * 1
        y[INDEX_FORMS[form](L)] = -3.0 if value == "number" else w * 2
        y.backward(L.const(seed_gradient(base.shape)))
        results.append((y, x, w))
    (rg_y, rg_x, rg_w), (th_y, th_x, th_w) = results
    assert_values_match(rg_y, th_y)
    assert_grad_matches(rg_x, th_x, "x.grad")
    assert_grad_matches(rg_w, th_w, "w.grad")


def test_setitem_with_negative_step_matches_numpy():
    """PyTorch has no negative steps; NumPy is the reference for y[::-1] = w."""
    x, w = RG.leaf(X), RG.leaf(W[:2])
    y = x * 1
    y[::-2] = w * 2
    g = seed_gradient((4,))
    y.backward(autograd.Tensor(g))
    expected = X.copy()
    expected[::-2] = W[:2] * 2
    np.testing.assert_allclose(values(y), expected)
    x_grad = g.copy()
    x_grad[::-2] = 0
    np.testing.assert_allclose(values(x.grad), x_grad)
    np.testing.assert_allclose(values(w.grad), 2 * g[::-2])


# -- versions, views, .data ----------------------------------------------------------------


def test_version_starts_at_zero_and_each_inplace_change_bumps_it():
    for L in (RG, TH):
        t = L.const(X)
        assert t._version == 0, f"{L}"
        for name, op in INPLACE.items():
            before = t._version
            op(t, 0.5)
            assert isinstance(t._version, int) and t._version > before, f"{L}: {name} did not bump _version"


def test_out_of_place_ops_do_not_bump_the_version():
    for L in (RG, TH):
        t = L.const(X)
        _ = (t + 1, t * 2, t.exp(), t[[0, 1]], t.reshape(2, 2), t.sum())
        assert t._version == 0, f"{L}"


VIEWS = {
    "reshape": lambda t: t.reshape(3, 4),
    "view": lambda t: t.view(12),
    "transpose": lambda t: t.transpose(0, 1),
    "T": lambda t: t.T,
    "permute": lambda t: t.permute(1, 0),
    "int-index": lambda t: t[1],
    "slice": lambda t: t[:, 1:3],
    "step-slice": lambda t: t[::2],
    "none-index": lambda t: t[None],
    "unsqueeze": lambda t: t.unsqueeze(0),
    "squeeze": lambda t: t[None].squeeze(0),
    "flatten": lambda t: t.flatten(),
    "detach": lambda t: t.detach(),
    "data": lambda t: t.data,
    "expand": lambda t: t[:1].expand(5, 4),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_a_view_shares_memory_and_version_with_its_base(name):
    make = VIEWS[name]
    for L in (RG, TH):
        base = L.const(np.arange(12.0).reshape(3, 4))
        view = make(base)
        assert np.shares_memory(array_of(view), array_of(base)), f"{L}: {name} is a copy"
        before = values(view)
        base.add_(1.0)
        np.testing.assert_array_equal(
            values(view), before + 1, err_msg=f"{L}: {name} does not see the base change"
        )
        if name != "data":  # .data shares memory but not the version: writes through it are untracked
            assert view._version == base._version, f"{L}: {name} does not share the version"


@pytest.mark.parametrize("name", [n for n in VIEWS if n not in ("expand", "data")])
def test_a_write_through_a_view_changes_the_base_and_bumps_its_version(name):
    make = VIEWS[name]
    for L in (RG, TH):
        base = L.const(np.arange(12.0).reshape(3, 4))
        view = make(base)
        before = base._version
        view.mul_(2.0)
        assert base._version > before, f"{L}: a write through {name} did not bump the base's version"
        expected = np.arange(12.0).reshape(3, 4)
        np.testing.assert_array_equal(values(view), values(make(L.const(expected))) * 2, err_msg=f"{L}")


def test_advanced_indexing_makes_a_copy_with_its_own_version():
    for L in (RG, TH):
        base = L.const(np.arange(12.0).reshape(3, 4))
        copy = base[[0, 2]]
        assert not np.shares_memory(array_of(copy), array_of(base)), f"{L}"
        copy.add_(1.0)
        assert base._version == 0, f"{L}"
        np.testing.assert_array_equal(values(base), np.arange(12.0).reshape(3, 4))


def test_data_is_a_tensor_sharing_memory_that_does_not_require_grad():
    for L in (RG, TH):
        x = L.leaf(X)
        d = x.data
        assert isinstance(d, type(x)), f"{L}: .data is a {type(d).__name__}"
        assert not d.requires_grad and d.grad_fn is None
        assert np.shares_memory(array_of(d), array_of(x))


def test_writes_through_data_are_not_tracked():
    for L in (RG, TH):
        x = L.leaf(X)
        version = x._version
        x.data.add_(1.0)
        x.data[0] = 7.0
        assert x._version == version, f"{L}: a write through .data bumped the version"
        np.testing.assert_allclose(values(x), np.r_[7.0, X[1:] + 1.0])


def test_numpy_and_asarray_give_the_shared_array():
    for L in (RG, TH):
        t = L.const(X)
        a, b = t.numpy(), np.asarray(t)
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
        assert np.shares_memory(a, b)
        a[0] = 9.0
        assert values(t)[0] == 9.0, f"{L}: a write to .numpy() is not seen by the tensor"
