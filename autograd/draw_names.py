"""What a picture calls each tensor: the name given through `params=`, its own `.name`, or its role.

A learner who named nothing still reads a picture that says which box is the loss, which
the input and which the target: an unnamed root is "loss" when a loss made it (a scope of
kind "loss", which nn's losses open) and "output" otherwise; an unnamed constant that only
a loss reads is its "target", one that a module reads is the "input".
"""

from __future__ import annotations

from ._tensor import Tensor


def common_prefix(a: tuple, b: tuple) -> tuple:
    """The longest path both a and b start with."""
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return a[:n]


def names_of(params) -> dict[int, str]:
    """id(tensor) -> name, from a dict or (name, tensor) pairs such as `model.named_parameters()`."""
    if params is None:
        return {}
    pairs = params.items() if isinstance(params, dict) else params
    names = {}
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], Tensor)):
            raise TypeError(
                "draw_graph: params must be a dict of name -> Tensor or (name, Tensor) pairs, "
                f"as model.named_parameters() gives; got an item {pair!r:.60}"
            )
        names[id(pair[1])] = str(pair[0])
    return names


def kind_of(scope: tuple[str, ...]) -> str | None:
    """The kind of the innermost scope that has one ("loss" for nn's losses), else None."""
    for part in reversed(scope):
        kind = getattr(part, "kind", None)
        if kind:
            return kind
    return None


def roles_of(walk, scopes: list[tuple[str, ...]]) -> dict[int, str]:
    """Tensor index -> the role that names an unnamed root or constant input."""
    roles: dict[int, str] = {}
    readers: dict[int, list[tuple[str, ...]]] = {}
    for j, edges in enumerate(walk.edges):
        for i, _ in edges:
            readers.setdefault(i, []).append(walk.tensors[j]._scope)
    for i, t in enumerate(walk.tensors):
        if t.name or t._op is not None or t.requires_grad or i not in readers:
            continue
        kinds = [kind_of(scope) for scope in readers[i]]
        if all(kind == "loss" for kind in kinds):
            roles[i] = "target"
        elif any(scope for scope in readers[i]):
            roles[i] = "input"
    root = walk.tensors[walk.root]
    if not root.name and root._op is not None:
        made_by_loss = any(kind_of(t._scope) == "loss" for t in walk.tensors)
        roles[walk.root] = "loss" if made_by_loss and root.numel() == 1 else "output"
    return roles
