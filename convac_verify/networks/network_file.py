"""User networks from a file: a tensor network written as nodes, bonds and input legs.

Format (TOML or JSON, same structure; ``docs/networks.md`` has a worked example)::

    name = "binary tree, N = 4"      # optional
    inputs = 4                       # N: input legs x0 .. x{N-1}
    dim = 2                          # M: their dimension

    [bonds]                          # every internal bond: dimension, or {dim, layer}
    a0 = 2
    b0 = { dim = 2, layer = "r1" }

    [[tensor]]                       # a weight tensor; legs in axis order (out, in)
    name = "A0"
    legs = ["a0", "x0"]
    group = "conv0"                  # optional: weight tying (one array per group)
    fixed = [[1, 0], [0, 1]]         # optional: fixed integer weights
    free = [[1, 1], [0, 0]]          # optional, with fixed: entries drawn at random (1)

    [[delta]]                        # a copy tensor: pooling, or copying an input
    name = "pool0"
    legs = ["a0", "a1", "p0"]

Names ``x0 .. x{N-1}`` are the input legs (dimension ``dim``) and ``y`` is the output leg
(dimension 1); every other leg must be a declared bond, and every bond joins exactly two
legs. Tied tensors need one shape; fixed weights must have the shape of their legs.
A ``free`` mask (0/1, the shape of ``fixed``) makes the entries marked 1 random weights
and keeps the others fixed: an affine tensor such as the block weight ``W (+) 1`` with
which a **sum** of two networks is written as a direct sum (``examples/residual4.toml``;
``docs/networks.md``, "Sums").
Every mistake is a one-line :class:`~convac_verify.errors.InvalidNetwork` naming the
file and the offending entry.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InvalidNetwork
from .tensor_network import TensorNetwork

__all__ = ["load_network", "network_from_dict", "network_to_dict"]

_TOP = {"name", "inputs", "dim", "bonds", "tensor", "delta"}


def load_network(path: str | Path) -> TensorNetwork:
    """Read and validate a network file (``.toml`` or ``.json``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidNetwork(f"cannot read network file {str(p)!r}: {exc.strerror}") from None
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidNetwork(
                f"{p.name}: invalid JSON at line {exc.lineno}: {exc.msg}"
            ) from None
    else:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidNetwork(f"{p.name}: invalid TOML: {exc}") from None
    try:
        return network_from_dict(data, name=p.stem)
    except InvalidNetwork as exc:
        raise InvalidNetwork(f"{p.name}: {exc}") from None


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidNetwork(f"{what} must be an integer; got {value!r}")
    return value


def _names(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidNetwork(f"{what} must be a list of bond names; got {value!r}")
    return list(value)


def network_from_dict(data: Mapping[str, Any], name: str = "network") -> TensorNetwork:
    """Build and validate a network from the parsed file (see the module docstring)."""
    if not isinstance(data, Mapping):
        raise InvalidNetwork("a network file holds a table (TOML) or an object (JSON)")
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise InvalidNetwork(f"unknown key {unknown[0]!r}; known: {', '.join(sorted(_TOP))}")
    for key in ("inputs", "dim"):
        if key not in data:
            raise InvalidNetwork(
                f"missing {key!r} (the number of input legs N and their dimension M)"
            )
    n = _int(data["inputs"], "'inputs'")
    dim = _int(data["dim"], "'dim'")
    if n < 1 or dim < 1:
        raise InvalidNetwork(f"'inputs' and 'dim' must be >= 1; got {n} and {dim}")
    net = TensorNetwork(str(data.get("name", name)))
    for m in range(n):
        net.add_bond(f"x{m}", dim, "M")
        net.add_input(m, f"x{m}")
    net.add_bond("y", 1, "output")
    bonds = data.get("bonds", {})
    if not isinstance(bonds, Mapping):
        raise InvalidNetwork("[bonds] maps bond names to dimensions")
    for b, spec in bonds.items():
        if b in {f"x{m}" for m in range(n)} | {"y"}:
            raise InvalidNetwork(f"bond {b!r} is reserved (x0..x{n - 1} are inputs, y the output)")
        if isinstance(spec, Mapping):
            extra = sorted(set(spec) - {"dim", "layer"})
            if extra:
                raise InvalidNetwork(f"bond {b!r}: unknown key {extra[0]!r}; known: dim, layer")
            net.add_bond(b, _int(spec.get("dim"), f"bond {b!r} dim"), str(spec.get("layer", "")))
        else:
            net.add_bond(b, _int(spec, f"bond {b!r}"), "")
    tensors = data.get("tensor", [])
    deltas = data.get("delta", [])
    if not isinstance(tensors, list) or not isinstance(deltas, list):
        raise InvalidNetwork("[[tensor]] and [[delta]] are lists of tables")
    for k, t in enumerate(tensors):
        if not isinstance(t, Mapping):
            raise InvalidNetwork(f"tensor #{k + 1} is not a table")
        extra = sorted(set(t) - {"name", "legs", "group", "fixed", "free"})
        if extra:
            raise InvalidNetwork(
                f"tensor #{k + 1}: unknown key {extra[0]!r}; known: name, legs, group, fixed, free"
            )
        tname = str(t.get("name", f"T{k}"))
        legs = _names(t.get("legs"), f"tensor {tname!r} legs")
        group = t.get("group")
        net.add_tensor(tname, legs, group=None if group is None else str(group))
        if "fixed" in t:
            key = str(group) if group is not None else tname
            if key in net.fixed:
                raise InvalidNetwork(f"group {key!r} has fixed weights twice")
            net.fixed[key] = t["fixed"]
            if "free" in t:
                net.free[key] = t["free"]
        elif "free" in t:
            raise InvalidNetwork(
                f"tensor {tname!r}: a free mask needs fixed values for the other entries"
            )
    for k, d in enumerate(deltas):
        if not isinstance(d, Mapping):
            raise InvalidNetwork(f"delta #{k + 1} is not a table")
        extra = sorted(set(d) - {"name", "legs"})
        if extra:
            raise InvalidNetwork(f"delta #{k + 1}: unknown key {extra[0]!r}; known: name, legs")
        dname = str(d.get("name", f"D{k}"))
        net.add_delta(dname, _names(d.get("legs"), f"delta {dname!r} legs"))
    if "y" not in {b for v in net.nodes("tensor") + net.nodes("delta") for b in net.legs(v)}:
        raise InvalidNetwork("no tensor or delta has the output leg 'y'")
    net.add_output("y")
    net.source = "file"
    for what, table in (("fixed weights", net.fixed), ("free mask", net.free)):
        for grp, values in table.items():
            try:
                import numpy as np

                arr = np.asarray(values)
                if arr.dtype.kind not in "iub" or arr.dtype == bool:
                    raise ValueError
            except ValueError:
                raise InvalidNetwork(f"{what} of {grp!r} must be integers") from None
    return net.validate()


def network_to_dict(network: TensorNetwork) -> dict[str, Any]:
    """A validated network as the file format's structure (write it with ``json.dumps``):
    the inverse of :func:`network_from_dict` up to names -- input legs become ``x{m}``
    and the output leg ``y``; tensors keep their order, so ``random_fill`` draws the same
    weights from the same stream. Compiled networks (the mixed decomposition's, with its
    fixed routers and free masks) can so be saved, edited and measured as files.

    Examples
    --------
    >>> from convac_verify.networks.compilers import tree_network
    >>> from convac_verify.networks.trees import balanced
    >>> data = network_to_dict(tree_network(balanced(2), 2, 1))
    >>> data["inputs"], data["tensor"][0]["legs"], data["delta"][0]["legs"]
    (2, ['e0', 'x0'], ['d2', 'e0', 'e1'])
    """
    rename = {network.legs(x)[0]: f"x{network.mode(x)}" for x in network.nodes("input")}
    (out,) = network.nodes("output")
    rename[network.legs(out)[0]] = "y"
    taken = set(rename.values())
    for b in network.bonds():
        if b not in rename and b in taken:
            raise InvalidNetwork(f"bond {b!r} would collide with an input or the output leg")
    dims = {network.bond_dim(network.legs(x)[0]) for x in network.nodes("input")}
    if len(dims) != 1:
        raise InvalidNetwork(f"a network file has one input dimension; this one has {sorted(dims)}")
    bonds: dict[str, Any] = {}
    for b in network.bonds():
        if b in rename:
            continue
        layer = network.bond_layer(b)
        bonds[b] = {"dim": network.bond_dim(b), "layer": layer} if layer else network.bond_dim(b)
    tensors: list[dict[str, Any]] = []
    fixed_written: set[str] = set()
    for v in network.nodes("tensor"):
        entry: dict[str, Any] = {"name": v, "legs": [rename.get(b, b) for b in network.legs(v)]}
        group = network.group(v)
        if group != v:
            entry["group"] = group
        if group in network.fixed and group not in fixed_written:
            entry["fixed"] = _ints(network.fixed[group])
            if group in network.free:
                entry["free"] = _ints(network.free[group])
            fixed_written.add(group)
        tensors.append(entry)
    deltas = [
        {"name": d, "legs": [rename.get(b, b) for b in network.legs(d)]}
        for d in network.nodes("delta")
    ]
    return {
        "name": network.name,
        "inputs": network.n_modes,
        "dim": dims.pop(),
        "bonds": bonds,
        "tensor": tensors,
        "delta": deltas,
    }


def _ints(values: object) -> Any:
    """Nested lists of Python ints (JSON-ready)."""
    import numpy as np

    return np.asarray(values).astype(np.int64).tolist()
