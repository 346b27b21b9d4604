"""The leanest engine with one Python object per node: a bound for scalar_graph and deep_chain.

A reference point, not a product. Each op makes one `Value` (with `__slots__`)
that records an op code and its operands; `backward` sorts the graph without
recursion and then applies the chain rule with one branch per op code, inline,
as the hand-written floor does. Values are NumPy float64 scalars, as in the floor.
There are no closures, tuples or dicts per node, so the cycle collector sees one
object per node, and nothing makes a reference cycle.

It has nothing else: no dtypes, broadcasting, hooks, graph freeing, errors or
higher order. Whatever it costs per node, an engine that has those features and
makes a Python object per node costs at least as much. The suite runs it as the
engine "lean" beside ours and the floor.
"""

from __future__ import annotations

import numpy as np

# Op codes. With a constant operand k, `b` holds k itself.
ADD, ADD_K, SUB, MUL, MUL_K, POW_K, K_DIV, RELU = range(8)


class Value:
    __slots__ = ("data", "grad", "op", "a", "b")

    def __init__(self, data, op=None, a=None, b=None):
        self.data = data
        self.grad = 0.0
        self.op = op
        self.a = a
        self.b = b

    def __add__(self, other):
        if isinstance(other, Value):
            return Value(self.data + other.data, ADD, self, other)
        return Value(self.data + other, ADD_K, self, other)

    def __mul__(self, other):
        if isinstance(other, Value):
            return Value(self.data * other.data, MUL, self, other)
        return Value(self.data * other, MUL_K, self, other)

    def __sub__(self, other: Value):
        return Value(self.data - other.data, SUB, self, other)

    def __pow__(self, k: float):
        return Value(self.data**k, POW_K, self, k)

    def __rtruediv__(self, k: float):
        return Value(k / self.data, K_DIV, self, k)

    def relu(self):
        return Value(np.maximum(self.data, 0.0), RELU, self)

    def __neg__(self):
        return self * -1.0

    def __radd__(self, k: float):
        return self + k

    def __rmul__(self, k: float):
        return self * k

    def __truediv__(self, k: float):
        return self * (1.0 / k)

    def backward(self) -> None:
        """Gradients of self with respect to everything it was made from."""
        order, seen, stack = [], {self}, [self]
        while stack:  # depth first without recursion: a value goes out after its operands
            v = stack[-1]
            a, b = v.a, v.b
            if a is not None and a not in seen:
                seen.add(a)
                stack.append(a)
            elif type(b) is Value and b not in seen:
                seen.add(b)
                stack.append(b)
            else:
                order.append(stack.pop())
        self.grad = np.float64(1.0)
        for v in reversed(order):
            op, g, a, b = v.op, v.grad, v.a, v.b
            if op is None:
                continue
            if op == ADD:
                a.grad += g
                b.grad += g
            elif op == ADD_K:
                a.grad += g
            elif op == SUB:
                a.grad += g
                b.grad -= g
            elif op == MUL:
                a.grad += g * b.data
                b.grad += g * a.data
            elif op == MUL_K:
                a.grad += g * b
            elif op == POW_K:
                a.grad += g * b * a.data ** (b - 1)
            elif op == K_DIV:
                a.grad -= g * b / (a.data * a.data)
            elif a.data > 0:  # RELU
                a.grad += g
