"""autograd.Function: custom ops with a hand-written backward, recorded like every built-in op."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import autograd
from autograd import Function, Tensor


def leaf(values, dtype=np.float64) -> Tensor:
    return Tensor(np.array(values, dtype=dtype), requires_grad=True)


class Legendre3(Function):
    """P₃(x) = ½(5x³ - 3x): the example of PyTorch's tutorial."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (5 * x**3 - 3 * x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x**2 - 1)


class Exp(Function):
    """eˣ, saving its output for backward."""

    @staticmethod
    def forward(ctx, x):
        out = x.exp()
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out


class Scale(Function):
    """x · k for a number k, which gets no gradient."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.k, None


class MulAdd(Function):
    """a · b + c, counting its backward calls."""

    calls = 0

    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        return a * b + c

    @staticmethod
    def backward(ctx, g):
        MulAdd.calls += 1
        a, b = ctx.saved_tensors
        ctx.asked = ctx.needs_input_grad
        return (g * b if ctx.needs_input_grad[0] else None, g * a if ctx.needs_input_grad[1] else None, g)


class SinCos(Function):
    """(sin x, cos x): two outputs."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin(), x.cos()

    @staticmethod
    def backward(ctx, g_sin, g_cos):
        (x,) = ctx.saved_tensors
        return g_sin * x.cos() - g_cos * x.sin()


class SortWithIndices(Function):
    """(sorted x, the indices that sort it): the indices are integers, so they carry no gradient."""

    @staticmethod
    def forward(ctx, x):
        order = np.argsort(x.numpy(), kind="stable")
        ctx.order = order
        return Tensor(x.numpy()[order]), Tensor(order)

    @staticmethod
    def backward(ctx, g, g_indices):
        ctx.g_indices = g_indices
        out = np.zeros(g.shape, g.dtype)
        out[ctx.order] = g.numpy()
        return Tensor(out)


# -- values and gradients ---------------------------------------------------------------------


def test_apply_runs_forward_and_backward_gives_the_gradient():
    x = leaf([0.3, -0.5, 0.9])
    y = Legendre3.apply(x)
    np.testing.assert_allclose(y.numpy(), 0.5 * (5 * x.numpy() ** 3 - 3 * x.numpy()))
    assert y.requires_grad and y.grad_fn.name == "Legendre3" and repr(y.grad_fn) == "<Legendre3 backward>"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.5 * (5 * x.numpy() ** 2 - 1))


@pytest.mark.parametrize("function", [Legendre3, Exp], ids=lambda f: f.__name__)
def test_first_and_second_derivatives_match_finite_differences(function):
    x = leaf([0.3, -0.5, 0.9, 1.7])
    assert autograd.gradcheck(function.apply, (x,))
    assert autograd.gradgradcheck(function.apply, (x,))


def test_a_second_derivative_through_a_backward_written_with_tensor_ops():
    x = leaf([0.7])
    (dy,) = autograd.grad(Legendre3.apply(x).sum(), x, create_graph=True)
    (d2y,) = autograd.grad(dy.sum(), x)
    np.testing.assert_allclose(d2y.numpy(), 15 * x.numpy())  # P₃'' = 15x


def test_non_tensor_arguments_pass_through_and_get_no_gradient():
    x = leaf([1.0, -2.0])
    y = Scale.apply(x, 2.5)
    np.testing.assert_allclose(y.numpy(), [2.5, -5.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.5, 2.5])
    assert autograd.gradcheck(lambda t: Scale.apply(t, -3.0), (x,))


def test_several_tensor_inputs_and_needs_input_grad():
    a, b, c = leaf([1.0, 2.0]), Tensor(np.array([3.0, 4.0])), leaf([0.5, 0.5])
    y = MulAdd.apply(a, b, c)
    assert y.grad_fn is not None
    MulAdd.calls = 0
    y.sum().backward()
    assert MulAdd.calls == 1  # once for all inputs
    np.testing.assert_allclose(a.grad.numpy(), [3.0, 4.0])
    np.testing.assert_allclose(c.grad.numpy(), [1.0, 1.0])
    assert b.grad is None
    assert autograd.gradcheck(MulAdd.apply, (leaf([1.0, 2.0]), leaf([3.0, -1.0]), leaf([0.0, 1.0])))
    assert autograd.gradgradcheck(MulAdd.apply, (leaf([1.0, 2.0]), leaf([3.0, -1.0]), leaf([0.0, 1.0])))


def test_needs_input_grad_says_which_arguments_need_a_gradient():
    seen = {}

    class Spy(Function):
        @staticmethod
        def forward(ctx, a, b, k):
            seen["needs"] = ctx.needs_input_grad
            return a + b * k

        @staticmethod
        def backward(ctx, g):
            return g, None, None

    Spy.apply(leaf([1.0]), Tensor([2.0]), 3)
    assert seen["needs"] == (True, False, False)
    with autograd.no_grad():
        y = Spy.apply(leaf([1.0]), leaf([2.0]), 3)
    assert seen["needs"] == (False, False, False) and y.grad_fn is None and not y.requires_grad


def test_a_broadcast_gradient_is_summed_to_the_input_shape():
    class RowScale(Function):
        @staticmethod
        def forward(ctx, scale, x):
            ctx.save_for_backward(x)
            return scale * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x, None  # shaped like x: (2, 3), for a scale of shape (3,)

    scale = leaf([1.0, 2.0, 3.0])
    RowScale.apply(scale, Tensor(np.arange(6.0).reshape(2, 3))).sum().backward()
    np.testing.assert_allclose(scale.grad.numpy(), [3.0, 5.0, 7.0])


def test_works_inside_a_larger_graph_in_float32():
    x = leaf([0.1, 0.2, 0.3], dtype=np.float32)
    w = leaf([2.0, 2.0, 2.0], dtype=np.float32)
    loss = (Legendre3.apply(x * w) ** 2).mean()
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32
    u = 2 * x.numpy()
    expected = 2 * (0.5 * (5 * u**3 - 3 * u)) * 1.5 * (5 * u**2 - 1) * 2 / 3
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-5)


def test_setup_context_style_without_ctx_in_forward():
    class Square(Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g * x

    x = leaf([3.0, -1.0])
    Square.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, -2.0])
    assert autograd.gradgradcheck(Square.apply, (leaf([0.5, 2.0]),))


def test_an_output_that_is_an_input_does_not_share_its_memory():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    x = leaf([1.0, 2.0])
    y = Identity.apply(x)
    assert not np.shares_memory(y.numpy(), x.numpy())
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


# -- several outputs ---------------------------------------------------------------------------


def test_two_outputs_each_get_their_gradient():
    x = leaf([0.2, 1.1, -0.4])
    s, c = SinCos.apply(x)
    np.testing.assert_allclose(s.numpy(), np.sin(x.numpy()))
    np.testing.assert_allclose(c.numpy(), np.cos(x.numpy()))
    (2 * s.sum() + 3 * c.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(x.numpy()) - 3 * np.sin(x.numpy()))
    assert autograd.gradcheck(SinCos.apply, (leaf([0.2, 1.1, -0.4]),))
    assert autograd.gradgradcheck(SinCos.apply, (leaf([0.2, 1.1, -0.4]),))


def test_an_unused_output_sends_a_zero_gradient():
    x = leaf([0.5])
    s, _ = SinCos.apply(x)
    s.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos([0.5]))


def test_integer_outputs_carry_no_gradient():
    x = leaf([3.0, 1.0, 2.0])
    values, indices = SortWithIndices.apply(x)
    assert values.requires_grad and not indices.requires_grad and indices.dtype == np.int64
    np.testing.assert_array_equal(indices.numpy(), [1, 2, 0])
    (values * Tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [100.0, 1.0, 10.0])


def test_mark_non_differentiable_outputs_get_zeros_in_backward():
    got = {}

    class WithMask(Function):
        @staticmethod
        def forward(ctx, x):
            mask = (x > 0).double()
            ctx.mark_non_differentiable(mask)
            return x * 2, mask

        @staticmethod
        def backward(ctx, g, g_mask):
            got["g_mask"] = g_mask
            return g * 2

    x = leaf([1.0, -1.0])
    y, mask = WithMask.apply(x)
    assert y.requires_grad and not mask.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(got["g_mask"].numpy(), [0.0, 0.0])
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


# -- the engine's machinery applies to it --------------------------------------------------------


def test_hooks_see_and_replace_the_gradients():
    x = leaf([0.5, 1.0])
    y = Exp.apply(x)
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()) or g * 10)
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    y.sum().backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(seen[1], 10 * np.exp([0.5, 1.0]))
    np.testing.assert_allclose(x.grad.numpy(), 10 * np.exp([0.5, 1.0]))


def test_retain_graph_lets_backward_run_twice_and_without_it_the_second_is_an_error():
    x = leaf([0.3])
    y = Legendre3.apply(x)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * 1.5 * (5 * 0.09 - 1))
    with pytest.raises(
        RuntimeError, match="backward through Legendre3: the graph behind this tensor was freed"
    ):
        y.backward()


def test_anomaly_mode_names_the_function_whose_backward_made_a_nan():
    class BadBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, g):
            return g * np.nan

    with autograd.detect_anomaly():
        y = BadBackward.apply(leaf([1.0]))
        with pytest.raises(
            autograd.AnomalyError, match="backward of BadBackward produced nan in the gradient of its input 0"
        ):
            y.sum().backward()


def test_anomaly_mode_names_the_function_whose_forward_made_a_nan():
    with autograd.detect_anomaly():
        with pytest.raises(
            autograd.AnomalyError, match=r"Legendre3 produced inf in its forward output .*test_function\.py"
        ):
            Legendre3.apply(leaf([1e200]))


def test_a_saved_input_changed_in_place_is_an_error_naming_the_function():
    x = leaf([0.3, 0.4])
    h = x * 1
    y = Legendre3.apply(h)
    h.add_(1.0)
    with pytest.raises(
        RuntimeError, match=r"backward through Legendre3: its input 0 \(shape \(2,\)\) was changed in place"
    ):
        y.sum().backward()


def test_a_saved_output_changed_in_place_is_an_error_naming_the_function():
    x = leaf([0.3, 0.4])
    y = Exp.apply(x)
    y.mul_(2)
    with pytest.raises(
        RuntimeError, match=r"backward through Exp: its output \(shape \(2,\)\) was changed in place"
    ):
        y.sum().backward()


def test_a_saved_intermediate_changed_in_place_is_an_error():
    kept = {}

    class Keeps(Function):
        @staticmethod
        def forward(ctx, x):
            t = x * 2
            kept["t"] = t
            ctx.save_for_backward(t)
            return t * t

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return g * 4 * t

    y = Keeps.apply(leaf([1.0]))
    kept["t"].fill_(5.0)
    with pytest.raises(RuntimeError, match="backward through Keeps: its saved tensor 0"):
        y.sum().backward()


def test_an_input_that_is_not_saved_may_change_in_place():
    x = leaf([1.0, 2.0])
    h = x * 1
    y = Scale.apply(h, 3.0)
    h.add_(1.0)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_the_picture_labels_the_node_with_the_class_name():
    x = leaf([1.0, 2.0])
    source = autograd.draw_graph(Legendre3.apply(x)).source
    assert 'label="Legendre3"' in source
    assert 'label="Scale(2.5)"' in autograd.draw_graph(Scale.apply(x, 2.5)).source


def test_the_context_is_freed_with_the_graph():
    x = leaf([1.0, 2.0])
    refs = []

    class Track(Function):
        @staticmethod
        def forward(ctx, x):
            refs.append(weakref.ref(ctx))
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    y = Track.apply(x)
    y.sum().backward()
    gc.collect()
    assert refs[0]() is None  # backward freed the node's inputs, ctx among them
    del y


def test_gradients_through_autograd_grad():
    x = leaf([0.1, 0.2])
    (g,) = autograd.grad(Exp.apply(x).sum(), x)
    np.testing.assert_allclose(g.numpy(), np.exp(x.numpy()))
    assert x.grad is None


# -- mistakes are clear errors -----------------------------------------------------------------


def _function(forward, backward):
    return type("Custom", (Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward)})


def test_backward_returning_too_few_gradients_is_an_error():
    f = _function(lambda ctx, a, b: a * b, lambda ctx, g: g)
    y = f.apply(leaf([1.0]), leaf([2.0]))
    with pytest.raises(
        RuntimeError, match="Custom.backward returned 1 gradients, but apply was given 2 arguments"
    ):
        y.sum().backward()


def test_extra_none_gradients_are_accepted_but_extra_tensors_are_not():
    ok = _function(lambda ctx, a: a * 2, lambda ctx, g: (g * 2, None))
    a = leaf([1.0])
    ok.apply(a).sum().backward()
    assert a.grad.item() == 2.0
    bad = _function(lambda ctx, a: a * 2, lambda ctx, g: (g * 2, g))
    with pytest.raises(RuntimeError, match="returned 2 gradients, but apply was given 1 arguments"):
        bad.apply(leaf([1.0])).sum().backward()


def test_a_gradient_of_the_wrong_shape_is_an_error_naming_the_input():
    f = _function(lambda ctx, a: a.sum(), lambda ctx, g: Tensor(np.ones(5)))
    with pytest.raises(
        RuntimeError,
        match=r"Custom.backward returned a gradient of shape \(5,\) for input 0, which has shape \(3,\)",
    ):
        f.apply(leaf([1.0, 2.0, 3.0])).backward()


def test_a_gradient_for_an_argument_that_is_not_a_tensor_is_an_error():
    f = _function(lambda ctx, a, k: a * k, lambda ctx, g: (g * 2, g))
    with pytest.raises(RuntimeError, match="a gradient for argument 1, which is a float, not a Tensor"):
        f.apply(leaf([1.0]), 2.0).sum().backward()


def test_a_gradient_that_is_not_a_tensor_is_an_error():
    f = _function(lambda ctx, a: a * 2, lambda ctx, g: 2.0)
    with pytest.raises(TypeError, match="returned a float as the gradient of input 0"):
        f.apply(leaf([1.0])).sum().backward()


def test_a_none_gradient_for_an_input_that_needs_one_is_zero():
    f = _function(lambda ctx, a, b: a * b, lambda ctx, g: (None, g))
    a, b = leaf([1.0]), leaf([2.0])
    f.apply(a, b).sum().backward()
    assert a.grad.item() == 0.0 and b.grad.item() == 1.0


def test_forward_returning_something_else_than_tensors_is_an_error():
    f = _function(lambda ctx, a: "nope", lambda ctx, g: g)
    with pytest.raises(TypeError, match="Custom: forward returned a str; expected a Tensor"):
        f.apply(leaf([1.0]))
    g = _function(lambda ctx, a: (a * 1, 3), lambda ctx, *gs: gs[0])
    with pytest.raises(TypeError, match="forward returned a int as output 1"):
        g.apply(leaf([1.0]))


def test_save_for_backward_takes_only_tensors():
    def forward(ctx, a):
        ctx.save_for_backward(a, 3)
        return a

    f = _function(forward, lambda ctx, g: g)
    with pytest.raises(TypeError, match="save_for_backward: argument 1 is a int; .*ctx attributes"):
        f.apply(leaf([1.0]))


def test_calling_an_instance_or_a_bare_function_is_an_error():
    with pytest.raises(TypeError, match=r"call Legendre3.apply\(...\)"):
        Legendre3()(leaf([1.0]))

    class NoForward(Function):
        pass

    with pytest.raises(NotImplementedError, match="static forward"):
        NoForward.apply(leaf([1.0]))


def test_each_function_class_has_its_own_op():
    Legendre3.apply(leaf([1.0]))
    Exp.apply(leaf([1.0]))
    assert Legendre3._op is not Exp._op and Legendre3._op.name == "Legendre3"
    assert "Legendre3" not in autograd.REGISTRY  # user ops stay out of the registry of primitives
