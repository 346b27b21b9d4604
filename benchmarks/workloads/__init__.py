"""The workloads, in the order the suite runs them."""

from . import deep_chain, digits, moons, scalar_graph, single_op, wide_mlp

WORKLOADS = {m.NAME: m for m in (scalar_graph, single_op, deep_chain, moons, digits, wide_mlp)}
