"""How numbers, arrays, indices and ops read in the labels of a picture."""

from __future__ import annotations

import numpy as np
from svg_pictures import by_first_line, read_svg

import autograd
from autograd import Tensor, draw_graph
from autograd.draw_labels import constant, index, number, op_label, quote, values


def test_numbers_read_like_micrograd_and_switch_to_scientific_when_far_from_one():
    assert number(24.70408163265306) == "24.7041"
    assert number(0.0) == "0.0000" and number(-0.0005) == "-5.000e-04" and number(123456.0) == "1.235e+05"
    assert number(3) == "3" and number(np.int64(-2)) == "-2" and number(np.True_) == "True"
    assert number(float("nan")) == "nan" and number(float("-inf")) == "-inf"


def test_values_in_full_when_tiny_else_min_mean_max():
    assert values(np.float32(2.5)) == "2.5000"
    assert values(np.array([1, 2, 3])) == "[1, 2, 3]"
    assert values(np.array([[1.0], [2.0], [3.0]])) == "[[1.0000], [2.0000], [3.0000]]"  # a column, one line
    assert values(np.array([[1.0, 2.0], [3.0, 4.0]])) == "[[1.0000, 2.0000],\n [3.0000, 4.0000]]"
    assert values(np.arange(10.0)) == "min 0.0000  mean 4.5000  max 9.0000"
    assert values(np.arange(10) > 6) == "3 of 10 True"
    assert values(np.zeros((0, 3))) == "empty"


def test_constants_and_indices_are_compact():
    assert constant(2.0) == "2.0" and constant(1 / 3) == "0.3333" and constant(np.arange(3)) == "[0, 1, 2]"
    assert constant(np.zeros((4, 5))) == "array(4, 5)" and constant(np.dtype("float64")) == "float64"
    assert index((slice(None), 0)) == "[:, 0]"
    assert index((Ellipsis, slice(1, None, -1), None)) == "[..., 1::-1, None]"
    assert index(np.array([3, 1, 2, 0, 5, 6, 7])) == "[array(7,)]"


def test_op_labels_show_only_parameters_that_differ_from_their_defaults():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    for y, expected in (
        (x.sum(), "sum"),
        (x.sum(axis=0, keepdims=True), "sum(axis=0, keepdims=True)"),
        (x.transpose(), "transpose"),
        (x.permute(1, 0), "transpose(axes=(1, 0))"),
        (x.astype(np.float64), "astype(dtype=float64)"),
        (x.clip(0.0, 1.0), "clip(lo=0.0, hi=1.0)"),
        (autograd.maximum(x, 0.0), "maximum\nmaximum(·, 0.0)"),
        (x @ np.ones((3, 2)), "matmul\n· @ array(3, 2)"),
        (x[x.numpy() > 0], "getitem[array(6,), array(6,)]"),
        (x[[1, 0]], "getitem[[1, 0]]"),
    ):
        assert op_label(y._op, y._inputs, Tensor) == expected


def test_quotes_and_backslashes_in_names_survive_into_the_svg():
    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    x = Tensor(1.0, requires_grad=True, name='say "hi" \\o/')
    nodes, _ = read_svg(draw_graph(x * 2).pipe(format="svg"))
    assert 'say "hi" \\o/' in by_first_line(nodes)


def test_a_new_op_describes_its_own_label_and_edges():
    from autograd.ops.op import primitive

    @primitive(lambda g, out, a, b: g, lambda g, out, a, b: -g, arity=2, symbol="⊖", register=False)
    def minus(a, b):
        """a - b, under another name"""
        return a - b

    @primitive(lambda g, out, x, k: g, register=False, label="shift by {k}")
    def shift(x, k):
        """x + k"""
        return x + k

    a = Tensor(3.0, requires_grad=True, name="a")
    b = Tensor(2.0, requires_grad=True, name="b")
    c = autograd.apply(minus, a, b)
    assert op_label(c._op, c._inputs, Tensor) == "minus\na ⊖ b"
    assert op_label(autograd.apply(minus, a, 1.5)._op, (a, 1.5), Tensor) == "minus\n· ⊖ 1.5"
    d = autograd.apply(shift, c, 0.25)
    assert op_label(d._op, d._inputs, Tensor) == "shift by 0.25"
    source = draw_graph(d).source
    assert "shift by 0.25" in source and '[label="a" fontsize=10]' in source  # its operands' edges are named
