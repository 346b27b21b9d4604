"""Module: the base of every layer and model, which finds its parameters by itself.

Assigning a Parameter, a Module or a list of Modules to an attribute registers
it, so `parameters()`, `state_dict()` and the rest walk the whole tree without
being told what is in it. Buffers (state that is not trained, like BatchNorm's
running statistics) are registered with `register_buffer`, and are saved and
converted with the parameters. The registries keep insertion order, which makes
every walk (and the names it gives, like `layers.0.weight`) stable.

ModuleList is here, not in container.py, because assigning a list makes one:
Module needs the class, and container.py (Sequential) builds on both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import numpy as np

from autograd import Tensor, no_grad, scope
from autograd.dtypes import as_dtype
from autograd.tracing import watch

from .parameter import Parameter


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class for layers and models: subclasses set attributes in `__init__` and define `forward`.

    Calling a module runs `forward` inside `autograd.scope(label)`, where label is
    "name (ClassName)" for a module registered under `name`, or "ClassName" for the
    top module; so every tensor records which module made it.
    """

    training: bool

    def __init__(self) -> None:
        # Written to __dict__ directly: __setattr__ below needs these to exist.
        state = self.__dict__
        state["_parameters"] = {}
        state["_buffers"] = {}
        state["_non_persistent_buffers"] = set()
        state["_modules"] = {}
        state["training"] = True
        state["_scope"] = scope(type(self).__name__)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define one in the subclass")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """forward(*args), with the tensors it makes labelled by this module's scope."""
        watch(self, "training")  # a traced step replays only in the mode it was recorded in
        with self._scope:
            return self.forward(*args, **kwargs)

    # -- registration ---------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        parameters = self.__dict__.get("_parameters")
        if parameters is None:
            raise AttributeError(
                f"cannot assign {name!r} on {type(self).__name__} before Module.__init__(): "
                "call super().__init__() first in your __init__"
            )
        modules = self._modules
        if isinstance(value, Parameter) and parameters.get(name) is value:
            return  # `layer.weight *= 0.1` assigns the same parameter back: it keeps its place
        if isinstance(value, Parameter):
            self._forget(name)
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self._forget(name)
            self.add_module(name, value)
        elif _is_list_of_modules(value):
            self._forget(name)
            self.add_module(name, ModuleList(value))  # registered, so its modules' parameters are found
        elif name in parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} to {name!r}, a parameter of "
                    f"{type(self).__name__}: wrap it in nn.Parameter (or assign None)"
                )
            self.register_parameter(name, None)
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign {type(value).__name__} to {name!r}, a buffer of "
                    f"{type(self).__name__}: assign a Tensor (or None)"
                )
            self._buffers[name] = value
            self.__dict__[name] = value
        elif name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} to {name!r}, a submodule of "
                    f"{type(self).__name__}: assign a Module (or None)"
                )
            self.add_module(name, None)
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        self._non_persistent_buffers.discard(name)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def _forget(self, name: str) -> None:
        """Drop whatever `name` held, so that it can be registered as something else."""
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        self._non_persistent_buffers.discard(name)
        self._modules.pop(name, None)
        self.__dict__.pop(name, None)

    def _check_name(self, name: str) -> None:
        """A name must be usable in a dotted path and must not hide an unregistered attribute."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"a parameter or module name must be a non-empty string without '.', got {name!r}")
        registered = name in self._parameters or name in self._buffers or name in self._modules
        if name in self.__dict__ and not registered:
            raise KeyError(f"{type(self).__name__} already has an attribute {name!r} that is not registered")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` under `name` (None keeps the name with no parameter, like a missing bias)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: {name!r} must be an nn.Parameter or None, got {type(param).__name__}"
            )
        self._check_name(name)
        if param is not None and param.name is None:
            param.name = name  # a readable label for graph pictures and error messages
        self._parameters[name] = param
        self.__dict__[name] = param  # plain attribute access stays as fast as for any attribute

    def add_module(self, name: str, module: Module | None) -> None:
        """Register `module` as a child under `name`; its tensors get the scope "name (ClassName)"."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module or None, got {type(module).__name__}")
        self._check_name(name)
        if module is not None:
            module.__dict__["_scope"] = scope(f"{name} ({type(module).__name__})")
        self._modules[name] = module
        self.__dict__[name] = module

    def register_module(self, name: str, module: Module | None) -> None:
        """The same as `add_module`."""
        self.add_module(name, module)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not a parameter (BatchNorm's running mean).

        Buffers are saved in `state_dict()` (unless `persistent=False`), converted by
        `to()`, and never optimized. None keeps the name with no tensor.
        """
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: {name!r} must be a Tensor or None, got {type(tensor).__name__}"
            )
        if name in self._parameters or name in self._modules:
            raise KeyError(f"register_buffer: {name!r} is already a parameter or a submodule")
        self._check_name(name)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)
        self.__dict__[name] = tensor

    def get_submodule(self, target: str) -> Module:
        """The descendant at a dotted path: `model.get_submodule("layers.0")`; "" is self."""
        module = self
        for part in target.split(".") if target else []:
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(
                    f"{type(module).__name__} has no submodule {part!r} (looking for {target!r})"
                )
            module = child
        return module

    # -- walking the tree -------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each direct child, in registration order."""
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self) -> Iterator[Module]:
        """Each direct child module, in registration order."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "", remove_duplicate: bool = True, _seen: set | None = None):
        """(dotted name, module) for this module and every descendant, parents before children."""
        if remove_duplicate:
            _seen = set() if _seen is None else _seen
            if id(self) in _seen:
                return
            _seen.add(id(self))
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name, remove_duplicate, _seen)

    def modules(self) -> Iterator[Module]:
        """This module and every descendant, each once, parents first."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter), e.g. ("layers.0.weight", W): each module's own, then its children's."""
        walk = self.named_modules(prefix, remove_duplicate) if recurse else [(prefix, self)]
        seen: set[int] = set()
        for module_name, module in walk:
            for name, param in module._parameters.items():
                if param is None or (remove_duplicate and id(param) in seen):
                    continue
                seen.add(id(param))
                yield (f"{module_name}.{name}" if module_name else name), param

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter once, in the order of `named_parameters()`."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer), e.g. ("bn.running_mean", t), in the order of `named_parameters()`."""
        walk = self.named_modules(prefix, remove_duplicate) if recurse else [(prefix, self)]
        seen: set[int] = set()
        for module_name, module in walk:
            for name, buffer in module._buffers.items():
                if buffer is None or (remove_duplicate and id(buffer) in seen):
                    continue
                seen.add(id(buffer))
                yield (f"{module_name}.{name}" if module_name else name), buffer

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer once, in the order of `named_buffers()`."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call fn on every child (recursively), then on self: `model.apply(init_weights)`."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- state ------------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: set it to None (PyTorch's default), or to zeros in place."""
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                with no_grad():
                    param.grad.zero_()

    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops, BatchNorm uses batch statistics); `train(False)` is `eval()`."""
        for module in self.modules():
            module.__dict__["training"] = bool(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: Dropout passes its input through, BatchNorm uses its running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze every parameter."""
        for param in self.parameters():
            param.requires_grad = bool(requires_grad)
        return self

    def to(self, *args: Any, dtype: Any = None, device: Any = None, **_ignored: Any) -> Module:
        """`to(dtype)`, `to("cpu")`, `to(device, dtype)`, `to(tensor)`: in place, as PyTorch's.

        A dtype converts every floating-point parameter and buffer (integer buffers, like
        BatchNorm's batch count, keep theirs); converted parameters lose their gradient.
        The only device is the CPU, so a device argument is checked and changes nothing.
        """
        for arg in args:
            if isinstance(arg, str) or type(arg).__name__ == "device":
                device = arg
            elif isinstance(arg, Tensor):
                dtype = arg.dtype
            elif arg is not None:
                dtype = arg
        check_device(f"{type(self).__name__}.to", device)
        if dtype is None:
            return self
        dtype = as_dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to: parameters must be floating point, got {dtype}")
        for param in self.parameters():
            if param.dtype.kind == "f" and param.dtype != dtype:
                param.data = param.numpy().astype(dtype)
                param.grad = None  # nn never writes a gradient; one of the old dtype would be stale anyway
        for buffer in self.buffers():
            if buffer.dtype.kind == "f" and buffer.dtype != dtype:
                buffer.data = buffer.numpy().astype(dtype)
        return self

    def cpu(self) -> Module:
        """This module: everything already lives on the CPU."""
        return self

    def double(self) -> Module:
        """`to(float64)`."""
        return self.to(np.float64)

    def float(self) -> Module:
        """`to(float32)`."""
        return self.to(np.float32)

    def _named_state(self) -> Iterator[tuple[str, Tensor]]:
        """What a state dict holds, in PyTorch's order: each module's parameters, then its persistent
        buffers, then its children's, a shared tensor under each of its names."""
        for module_name, module in self.named_modules(remove_duplicate=False):
            for name, tensor in [*module._parameters.items(), *module._buffers.items()]:
                if tensor is not None and name not in module._non_persistent_buffers:
                    yield (f"{module_name}.{name}" if module_name else name), tensor

    def state_dict(self) -> dict[str, Tensor]:
        """{dotted name: a copy of the parameter or buffer}, e.g. "bn.running_mean", in PyTorch's order."""
        return {name: tensor.detach().clone() for name, tensor in self._named_state()}

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy saved values into the parameters and buffers, in place, after checking every key and shape.

        Values may be Tensors, NumPy arrays, or anything NumPy can read (a PyTorch tensor).
        With `strict`, a missing or unexpected key is an error; a wrong shape always is.
        Nothing is changed unless every check passes.
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(
                f"load_state_dict: expected a dict of name -> array, got {type(state_dict).__name__}"
            )
        own = dict(self._named_state())
        values = {name: _as_array(name, value) for name, value in state_dict.items()}
        missing = [name for name in own if name not in values]
        unexpected = [name for name in values if name not in own]
        errors = [
            f"size mismatch for {name!r}: the state dict has shape {values[name].shape}, "
            f"the model's parameter has shape {own[name].shape}"
            for name in own
            if name in values and values[name].shape != own[name].shape
        ]
        if strict:
            errors += [
                f"missing key {name!r} (the model's parameter has shape {own[name].shape})"
                for name in missing
            ]
            errors += [f"unexpected key {name!r} (shape {values[name].shape})" for name in unexpected]
        if errors:
            raise RuntimeError(
                f"load_state_dict: error(s) loading into {type(self).__name__}:\n  " + "\n  ".join(errors)
            )
        for name, param in own.items():
            if name in values:
                _copy_into(param, values[name], name)
        return IncompatibleKeys(missing, unexpected)

    # -- printing ---------------------------------------------------------------

    def extra_repr(self) -> str:
        """The settings shown inside the parentheses, e.g. "in_features=2, out_features=3, bias=True"."""
        return ""

    def __repr__(self) -> str:
        lines = [self.extra_repr()] if self.extra_repr() else []
        for name, module in self._modules.items():
            lines.append(f"({name}): " + repr(module).replace("\n", "\n  "))
        if not self._modules:
            return f"{type(self).__name__}({self.extra_repr()})"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleList(Module):
    """A list of modules whose parameters the parent finds; children are named "0", "1", ....

    Assigning a plain list of Modules to a Module attribute makes one of these.
    """

    def __init__(self, modules: Iterable[Module] = ()):
        super().__init__()
        self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add module as the next child, named by its position."""
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each module in turn."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put module before position `index`; the children after it are renamed by their new positions."""
        items = list(self._modules.values())
        items.insert(index, module)
        self._renumber(items)

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(items[index])
        return items[index]

    def __setitem__(self, index: int, module: Module) -> None:
        """Replace the child at a position (negative positions count from the end)."""
        name = list(self._modules)[index]  # an IndexError names a position that does not exist
        setattr(self, name, module)

    def __delitem__(self, index: int | slice) -> None:
        """Remove the child(ren) at index; the rest are renamed "0", "1", ... again, as PyTorch does."""
        items = list(self._modules.values())
        del items[index]
        self._renumber(items)

    def _renumber(self, items: list[Module]) -> None:
        for name in list(self._modules):
            self._forget(name)
        self.extend(items)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


def check_device(where: str, device: Any) -> None:
    """A device argument must be None or the CPU ("cpu", "cpu:0", or a device object that prints so)."""
    if device is not None and str(device) not in ("cpu", "cpu:0"):
        raise RuntimeError(
            f"{where}: device {str(device)!r} is not available; this engine computes on the CPU"
        )


def _is_list_of_modules(value: Any) -> bool:
    """A non-empty list or tuple holding only Modules (which assignment turns into a ModuleList)."""
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(isinstance(item, Module) for item in value)
    )


def _as_array(name: str, value: Any) -> np.ndarray:
    """A state-dict value as a numeric array, or an error naming its key."""
    array = np.asarray(value)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"load_state_dict: {name!r} holds {array.dtype} data, expected numbers")
    return array


def _copy_into(param: Tensor, value: np.ndarray, name: str) -> None:
    """Overwrite a parameter's (or buffer's) values in place: the same object and array, so optimizers keep it."""
    if not param.numpy().flags.writeable:  # e.g. a memory-mapped load: the parameter gets an array of its own
        param.data = np.array(value, dtype=param.dtype)
        return
    with no_grad():
        param.copy_(value.astype(param.dtype, copy=False))  # the parameter keeps its dtype, as in PyTorch
