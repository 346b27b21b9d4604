"""Optimizer, the base of every optimizer, and ParamGroup, a parameter group that mirrors its lr in a Tensor.

An update is not part of any model, so it runs under `no_grad`, with in-place
Tensor ops (`p -= lr * g`): each parameter keeps its identity and its `.grad`, and
its version goes up, so a backward through a graph recorded before the step says so
instead of using the new values.

Everything that changes from one step to the next lives in Tensors that are read
and written in place, never in Python numbers baked into the arithmetic, so a step
replayed from a record of its Tensor ops sees the current values:

- each group's learning rate: `group["lr"]` reads back as the Python number it was
  given (as in PyTorch), and `group.lr_tensor` is a 0-d float64 Tensor holding the
  same value, written in place whenever `group["lr"] = value` is assigned (a
  scheduler does this). The updates use `group.lr_tensor`.
- each parameter's step count: `optimizer.state[p]["step"]` is a 0-d float64 Tensor
  that `step()` increments in place; bias corrections are Tensor ops on it.
- the other hyperparameters (momentum, betas, eps, weight_decay, ...) stay Python
  numbers. Assigning any key of a group other than "lr" and "params" adds one to
  `group.version`, so a record of a step can tell that a constant it baked in changed.

A 0-d float64 Tensor meets a float32 parameter as a Python float does (PyTorch's
promotion rules make the result float32, the 0-d operand rounded to float32 first),
so these updates give the same bits as the same formulas written with Python floats,
except where a power like β₁ᵗ enters: NumPy's vectorised `power` may differ from
Python's `**` in the last bit on CPUs where it uses its own SIMD routine.
"""

from __future__ import annotations

import numbers
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import Tensor, enable_grad, no_grad
from autograd.tracing import TraceError, is_recording, watch

__all__ = ["Optimizer", "ParamGroup"]


def _as_learning_rate(value: Any) -> float:
    """lr as a Python number (a Tensor or NumPy scalar becomes a float); anything else is an error."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (numbers.Real, Tensor, np.ndarray)):
        raise TypeError(f"lr must be a number, got {type(value).__name__} {value!r}")
    if isinstance(value, numbers.Real) and not isinstance(value, np.generic):
        return value
    array = np.asarray(value)
    if array.size != 1:
        raise TypeError(f"lr must be a single number, got an array of shape {array.shape}")
    return float(array.reshape(()))


class ParamGroup(dict):
    """One parameter group: {"params": [...], "lr": ..., other hyperparameters}, as PyTorch's dict.

    Also `lr_tensor`, a 0-d float64 Tensor that follows "lr" (the same Tensor object and
    array for the group's life, its value written in place on each assignment), and
    `version`, which counts assignments to every other key except "params".
    """

    lr_tensor: Tensor
    version: int

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()
        self.lr_tensor = Tensor(np.zeros((), dtype=np.float64), name="lr")
        self.version = 0
        self.update(*args, **kwargs)
        self.version = 0  # filling a new group is not a change

    def lr_as(self, dtype: np.dtype) -> Tensor:
        """The learning rate as a 0-d Tensor of a parameter's dtype: lr_tensor itself, or a cast of it.

        Multiplying a float32 tensor by lr_tensor would cast it anyway (to the same value);
        casting once per step for all of a group's parameters is cheaper.
        """
        return self.lr_tensor if dtype == self.lr_tensor.dtype else self.lr_tensor.astype(dtype)

    def __setitem__(self, key: Any, value: Any) -> None:
        if key == "lr":
            value = _as_learning_rate(value)
            if is_recording():  # the record would write this number into lr_tensor at every replay
                raise TraceError(
                    "optimizer: the learning rate is set inside a function that autograd.trace records; "
                    "set it (or step the scheduler) outside the traced step, which reads it from lr_tensor"
                )
            with no_grad():
                self.lr_tensor.fill_(float(value))
        elif key != "params":
            self.version += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self.version += 1
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> ParamGroup:
        self.update(other)
        return self

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key: Any, *default: Any) -> Any:
        self.version += 1
        return super().pop(key, *default)

    def popitem(self) -> tuple[Any, Any]:
        self.version += 1
        return super().popitem()

    def clear(self) -> None:
        self.version += 1
        super().clear()

    def copy(self) -> ParamGroup:
        """A new group with the same entries (and a learning-rate Tensor of its own)."""
        return ParamGroup(self)

    def __reduce__(self):
        # copy.deepcopy and pickle rebuild the group from its entries, with a fresh lr_tensor.
        return ParamGroup, (dict(self),)


def learning_rate(group: ParamGroup, dtype: np.dtype, rates: dict) -> Tensor:
    """group.lr_as(dtype), made once per step: `rates` is the step's own {dtype: rate}."""
    rate = rates.get(dtype)
    if rate is None:
        rate = rates[dtype] = group.lr_as(dtype)
    return rate


def new_step_count() -> Tensor:
    """A parameter's step count before its first step: a 0-d float64 Tensor, 0."""
    return Tensor(np.zeros((), dtype=np.float64))


def lerp_(start: Tensor, end: Tensor, weight: float) -> None:
    """start ← start + weight·(end - start), in place, computed as PyTorch's lerp does
    (from the end, end - (1 - weight)·(end - start), when weight ≥ ½)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start.copy_(end - (1.0 - weight) * (end - start))


class Optimizer:
    """Base class: holds parameter groups and per-parameter state; subclasses define `_update`."""

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict[str, Any]):
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(
            dict
        )  # PyTorch's: state[p] starts empty
        self.param_groups: list[ParamGroup] = []
        self._stepped = False  # for the schedulers' warning about calling them before step()
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of Parameters (e.g. model.parameters()), "
                "got a single Tensor; wrap it in a list"
            )
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list; pass model.parameters()")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyperparameters (missing ones take the defaults)."""
        name = type(self).__name__
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        if not params:
            raise ValueError(f"{name}: a parameter group has no parameters")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}, not a Tensor or Parameter")
            if not p.is_leaf:
                raise ValueError(
                    f"{name}: parameter {i} (shape {p.shape}) is not a leaf; optimize leaves only"
                )
            if id(p) in seen:
                raise ValueError(f"{name}: parameter {i} (shape {p.shape}) appears more than once")
            seen.add(id(p))
        entries = {**self.defaults, **group, "params": params}
        self._check(entries)
        self.param_groups.append(ParamGroup(entries))

    def _check(self, group: dict[str, Any]) -> None:
        """Reject hyperparameters that would make the update meaningless."""
        name = type(self).__name__
        for key, value in group.items():
            if key != "params" and isinstance(value, str):
                raise TypeError(f"{name}: {key} must be a number, got the string {value!r}")
        if not group["lr"] >= 0.0:
            raise ValueError(f"{name}: learning rate lr must be >= 0, got {group['lr']}")
        if not group.get("weight_decay", 0.0) >= 0.0:
            raise ValueError(f"{name}: weight_decay must be >= 0, got {group['weight_decay']}")

    def _check_at_least_zero(self, group: dict[str, Any], *keys: str) -> None:
        """Each of these hyperparameters must be >= 0 (NaN is refused too)."""
        for key in keys:
            if not group[key] >= 0.0:
                raise ValueError(f"{type(self).__name__}: {key} must be >= 0, got {group[key]}")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every gradient: set it to None (PyTorch's default), or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    with no_grad():
                        p.grad.zero_()

    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """Update every parameter that has a gradient; `closure` (optional) recomputes the loss first."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                watch(group, "version")  # a traced step replays only with the hyperparameters it read
                self._update(group)
        self._stepped = True
        return loss

    def _update(self, group: ParamGroup) -> None:
        """Change every parameter of the group that has a gradient, in place."""
        raise NotImplementedError

    def _fresh(self, p: Tensor, group: ParamGroup) -> dict:
        """A parameter's state before its first step (the optimizer's running averages at their start)."""
        return {}

    def _with_gradients(self, group: ParamGroup):
        """(p, p.grad, state) for each parameter of the group that has a gradient; its state is
        made by `_fresh` the first time it has one."""
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = self._fresh(p, group)
            yield p, p.grad, state

    # -- saving and restoring ---------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {name: copy}}, "param_groups": [{hyperparameters, "params": [index, ...]}]},
        parameters numbered in group order, as PyTorch's."""
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        state = {
            index[id(p)]: {key: _copy(value) for key, value in entries.items()}
            for p, entries in self.state.items()
            if id(p) in index
        }
        groups = [
            {
                **{k: v for k, v in group.items() if k != "params"},
                "params": [index[id(p)] for p in group["params"]],
            }
            for group in self.param_groups
        ]
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and per-parameter state saved by `state_dict()`.

        The groups keep their identity (so `lr_tensor` is written in place), and a state
        Tensor that already exists with the same shape is overwritten in place.
        """
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the state dict has {len(saved_groups)} parameter groups, "
                f"the optimizer {len(self.param_groups)}"
            )
        params = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {i} has {len(saved['params'])} parameters in "
                    f"the state dict and {len(group['params'])} in the optimizer"
                )
            params.update(zip(saved["params"], group["params"]))
        for group, saved in zip(self.param_groups, saved_groups):
            for key, value in saved.items():
                if key != "params" and (key not in group or _differs(group[key], value)):
                    group[key] = value
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for i, entries in state_dict["state"].items():
            p = params[i]
            old = self.state.get(p, {})
            state[p] = {key: _restore(key, value, p, old.get(key)) for key, value in entries.items()}
        self.state = state

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {value}" for key, value in group.items() if key != "params"]
        return "\n".join(lines) + "\n)"


def _copy(value: Any) -> Any:
    return value.detach().clone() if isinstance(value, Tensor) else value


def _differs(a: Any, b: Any) -> bool:
    """Whether a saved hyperparameter differs from the current one (so that equal values leave version alone)."""
    try:
        return bool(a != b)
    except (TypeError, ValueError):
        return True


def _restore(key: str, value: Any, param: Tensor, current: Any) -> Any:
    """A saved state entry as this optimizer keeps it: arrays become Tensors of the parameter's
    dtype (the step count stays float64), written into the current Tensor when shapes match."""
    is_count = key == "step" and isinstance(value, numbers.Real)  # an older format's plain number
    if not hasattr(value, "__array__") and not is_count:
        return value  # a non-array entry is kept as it is
    dtype = np.float64 if key == "step" else param.dtype
    array = np.asarray(value).astype(dtype)
    if isinstance(current, Tensor) and current.shape == array.shape and current.dtype == array.dtype:
        with no_grad():
            current.copy_(array)
        return current
    return Tensor(array.copy())
