"""How long drawing a big graph takes: the DOT source of a 10,000-node graph, and an SVG of it.

    python benchmarks/bench_draw.py [--nodes 10000] [--repeat 3]

For two graphs (a long chain of ops, and a deep stack of scoped Linear layers as nn
draws them), prints the best of `repeat` runs for: building the DOT source of every
node (max_nodes=None), before and after backward (after it, intermediate gradients
are recomputed for display); building it with max_nodes at its default; and rendering
that default picture to SVG with whatever renderer is found.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # this checkout's autograd

import autograd  # noqa: E402
from autograd import Tensor  # noqa: E402
from autograd.draw import DEFAULT_MAX_NODES, Walk  # noqa: E402
from autograd.render import find_renderer  # noqa: E402


def build(nodes: int) -> Tensor:
    """A chain of small vector ops with 50 parameters, about `nodes` display nodes (tensors + ops)."""
    rng = np.random.default_rng(0)
    params = [Tensor(rng.normal(size=4), requires_grad=True, name=f"w{k}") for k in range(50)]
    x = Tensor(rng.normal(size=4), name="x")
    # Each step adds 3 ops and their 3 outputs: mul (by a parameter), add 0.1, tanh;
    # the 51 leaves and the final mul and sum make up the rest.
    for k in range((nodes - 51 - 4) // 6):
        x = (x * params[k % len(params)] + 0.1).tanh()
    return (x * x).sum()


def build_network(nodes: int) -> Tensor:
    """A deep stack of scoped Linear layers (as nn draws them), about `nodes` display nodes."""
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(8, 4)), name="x")
    # Each layer adds 8 nodes: weight, bias, and transpose, matmul, add with their outputs.
    with autograd.scope("MLP"), autograd.scope("layers (Sequential)"):
        for k in range((nodes - 5) // 8):
            with autograd.scope(f"{k} (Linear)"):
                w = Tensor(rng.normal(size=(4, 4)) / 2, requires_grad=True)
                b = Tensor(np.zeros(4), requires_grad=True)
                x = x @ w.T + b
    return (x * x).mean()


def count(root: Tensor) -> int:
    walk = Walk(root)
    return sum(2 if t._op is not None else 1 for t in walk.tensors)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    renderer = find_renderer()
    for title, root in (("chain of ops", build(args.nodes)), ("scoped layers", build_network(args.nodes))):
        print(f"{title}: {count(root)} nodes (tensors + ops)")
        full = best(lambda root=root: autograd.draw_graph(root, max_nodes=None).source, args.repeat)
        print(f"  DOT source, every node, before backward:   {full:.3f} s")
        root.backward(retain_graph=True)
        full_grad = best(lambda root=root: autograd.draw_graph(root, max_nodes=None).source, args.repeat)
        print(f"  DOT source, every node, after backward:    {full_grad:.3f} s")
        small = best(lambda root=root: autograd.draw_graph(root).source, args.repeat)
        print(f"  DOT source, max_nodes={DEFAULT_MAX_NODES} (default):       {small:.3f} s")
        if renderer is None:
            print("  SVG: no renderer found (install Graphviz or graphviz-pure)")
            continue
        svg = best(lambda root=root: autograd.draw_graph(root).pipe(format="svg"), args.repeat)
        print(f"  SVG, max_nodes default, with {renderer}: {svg:.3f} s (DOT source included)")


if __name__ == "__main__":
    main()
