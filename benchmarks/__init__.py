"""A benchmark suite anyone can rerun: `python -m benchmarks` (see benchmarks/README.md).

Each workload is written twice, with the engine and in plain hand-written NumPy
(the floor), and optionally with PyTorch or micrograd when they happen to be
installed. Every (workload, case, engine) runs in its own subprocess with one
BLAS thread, so that the numbers do not leak into each other.
"""
