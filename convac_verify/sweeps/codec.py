"""Results as JSON and back, exactly: what a run journal stores for each finished task.

A resumed sweep rebuilds its report from the journal, and that report must be
byte-identical to an uninterrupted run, so the encoding keeps every type a renderer
can tell apart: tuples (``{"__tuple__": [...]}``), :class:`~fractions.Fraction`,
enums, NumPy scalars and arrays, dicts with non-string keys, non-finite floats and
the package's dataclasses (by ``module:qualname``, fields by name). Decoding builds
dataclasses without calling ``__init__`` and only from classes of this package
(plus :class:`~fractions.Fraction`), so a journal cannot name arbitrary code.

Examples
--------
>>> from fractions import Fraction
>>> value = {"eps": Fraction(1, 3), "shape": (2, 3), 5: [1.5, None]}
>>> decode(encode(value)) == value
True
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from enum import Enum
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import ConvacError

__all__ = ["decode", "encode"]

_PACKAGE = __name__.split(".")[0]
_TAGS = (
    "__tuple__",
    "__dict__",
    "__fraction__",
    "__enum__",
    "__dataclass__",
    "__npscalar__",
    "__ndarray__",
    "__float__",
    "__frozenset__",
)


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value`` that :func:`decode` turns back into an equal value."""
    if isinstance(value, Enum):  # before str and int: str- and int-valued enums
        return {"__enum__": _name(type(value)), "value": encode(value.value)}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.generic):
        return {"__npscalar__": value.dtype.str, "value": encode(value.item())}
    if isinstance(value, np.ndarray):
        return {
            "__ndarray__": value.dtype.str,
            "shape": list(value.shape),
            "data": [encode(v) for v in value.ravel().tolist()],
        }
    if isinstance(value, Fraction):
        return {"__fraction__": [value.numerator, value.denominator]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, frozenset | set):
        return {"__frozenset__": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, dict):
        if all(isinstance(k, str) and k not in _TAGS for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"__dict__": [[encode(k), encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "__dataclass__": _name(type(value)),
            "fields": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    raise TypeError(f"cannot store a {type(value).__name__} in a run journal")


def _class(name: str) -> Any:
    module, _, qualname = name.partition(":")
    if module.split(".")[0] != _PACKAGE:
        raise ConvacError(f"run journal names a class outside {_PACKAGE}: {name!r}")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def decode(data: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "__tuple__" in data:
        return tuple(decode(v) for v in data["__tuple__"])
    if "__dict__" in data:
        return {_hashable(decode(k)): decode(v) for k, v in data["__dict__"]}
    if "__fraction__" in data:
        num, den = data["__fraction__"]
        return Fraction(num, den)
    if "__float__" in data:
        return float(data["__float__"])
    if "__frozenset__" in data:
        return frozenset(decode(v) for v in data["__frozenset__"])
    if "__npscalar__" in data:
        return np.dtype(data["__npscalar__"]).type(decode(data["value"]))
    if "__ndarray__" in data:
        dtype = np.dtype(data["__ndarray__"])
        items = [decode(v) for v in data["data"]]
        flat = np.empty(len(items), dtype=dtype)
        flat[:] = items
        return flat.reshape(data["shape"])
    if "__enum__" in data:
        return _class(data["__enum__"])(decode(data["value"]))
    if "__dataclass__" in data:
        cls = _class(data["__dataclass__"])
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise ConvacError(f"run journal: {data['__dataclass__']!r} is not a dataclass")
        obj = object.__new__(cls)
        for key, value in data["fields"].items():
            object.__setattr__(obj, key, decode(value))
        return obj
    return {k: decode(v) for k, v in data.items()}


def _hashable(key: Any) -> Any:
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key
