"""The MLP that the nn workloads train, three ways: with nn, by hand in NumPy, with PyTorch.

All three start from the same weights (drawn here with NumPy, PyTorch's Linear
initialisation: U(-1/√in, 1/√in)), so that they do exactly the same arithmetic.
The network: Linear layers with ReLU between them, softmax cross-entropy
(mean over the batch), plain SGD.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .base import Unavailable, require

Params = list[tuple[np.ndarray, np.ndarray]]  # [(W (out, in), b (out,)), ...]


def init_params(sizes: list[int], dtype, seed: int = 0) -> Params:
    """Weights and biases for Linear layers of the given sizes."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        W = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype)
        b = rng.uniform(-bound, bound, fan_out).astype(dtype)
        params.append((W, b))
    return params


def numpy_step(params: Params, x: np.ndarray, y: np.ndarray, lr: float) -> float:
    """One SGD step by hand (notebook 02's backpropagation, rows as examples); returns the loss.

    Forward a = h Wᵀ + b, h = relu(a); loss = mean(-log softmax(a_last)_y).
    Backward dL/da_last = (softmax - onehot)/N, then per layer dW = gᵀh, db = Σg,
    and g ← (g W) ⊙ 1(h > 0) for the layer below. W -= lr·dW, b -= lr·db.
    """
    n = x.shape[0]
    hs = [x]  # each layer's input
    for W, b in params[:-1]:
        hs.append(np.maximum(hs[-1] @ W.T + b, 0))
    W, b = params[-1]
    logits = hs[-1] @ W.T + b
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = np.log(total[:, 0]).mean() - shifted[rows, y].mean()
    g = exp / total
    g[rows, y] -= 1
    g /= n
    for k in reversed(range(len(params))):
        W, b = params[k]
        h = hs[k]
        gW = g.T @ h
        gb = g.sum(axis=0)
        if k:
            g = (g @ W) * (h > 0)  # uses W before its update
        W -= lr * gW
        b -= lr * gb
    return float(loss)


def engine_trainer(params: Params, lr: float) -> Callable:
    """An nn.MLP holding copies of `params` and a `step(x, y) -> loss` for it (Tensors in)."""
    try:
        import nn
        from nn import functional as F
    except ImportError as error:
        raise Unavailable(f"the nn package is not importable yet ({error})") from None
    import autograd

    autograd.set_default_dtype(params[0][0].dtype)
    sizes = [params[0][0].shape[1]] + [W.shape[0] for W, _ in params]
    model = nn.MLP(sizes, activation="relu")
    _load(list(model.parameters()), [a for pair in params for a in pair])
    opt = nn.optim.SGD(model.parameters(), lr=lr)

    def step(x, y):
        # zero_grad first (sets .grad to None): last step's gradients are not held through this forward
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    step.model = model
    return step


def _load(targets: list, arrays: list[np.ndarray]) -> None:
    """Copy arrays into parameters (each with a .data array) in order, checking shapes."""
    shapes = [tuple(t.data.shape) for t in targets]
    if shapes != [a.shape for a in arrays]:
        raise RuntimeError(f"MLP parameter shapes {shapes} differ from {[a.shape for a in arrays]}")
    for t, a in zip(targets, arrays):
        t.data[...] = a


def torch_trainer(params: Params, lr: float) -> Callable:
    """The same network in PyTorch (optional peer), with one thread."""
    torch = require("torch")
    torch.set_num_threads(1)
    layers = []
    for k, (W, _) in enumerate(params):
        layers.append(
            torch.nn.Linear(
                W.shape[1], W.shape[0], dtype=torch.float64 if W.dtype == np.float64 else torch.float32
            )
        )
        if k < len(params) - 1:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    with torch.no_grad():
        for p, a in zip(model.parameters(), [a for pair in params for a in pair]):
            p.copy_(torch.from_numpy(a))
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step(x, y):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def wrap(engine: str, x: np.ndarray, y: np.ndarray):
    """x and y as the engine takes them."""
    if engine in ("autograd", "traced"):
        from autograd import Tensor

        return Tensor(x), Tensor(y)
    if engine == "torch":
        torch = require("torch")
        return torch.from_numpy(x), torch.from_numpy(y)
    return x, y


def trainer(engine: str, params: Params, lr: float) -> Callable:
    """`step(x, y) -> loss` for the engine, starting from `params` (copied, never changed)."""
    if engine == "autograd":
        return engine_trainer(params, lr)
    if engine == "traced":  # the same step, recorded on its first call and replayed after
        import autograd

        return autograd.trace(engine_trainer(params, lr))
    if engine == "torch":
        return torch_trainer(params, lr)
    if engine == "numpy":
        own = [(W.copy(), b.copy()) for W, b in params]
        return lambda x, y: numpy_step(own, x, y, lr)
    raise Unavailable(f"no {engine} version of the MLP")
