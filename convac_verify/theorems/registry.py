"""The theorem registry: every check is a function registered under a kebab-case name.

A check receives a :class:`~convac_verify.engines.measure.Context` and keyword parameters, and
returns :class:`~convac_verify.evidence.observation.Observation` s -- data only: what was measured, against which claim.
The runner decides the status (:func:`convac_verify.evidence.status.decide`).

Parameters are typed by their defaults (``int``, ``bool``, ``str``) and, where a check
declares them, restricted to a list of ``choices``; :meth:`Theorem.validate` turns
``--set`` values into those types or refuses them with one line.

Negative controls are named parameter overrides under which a claim is false. Besides
the check's own parameters, an override may set ``claim`` to one of
:data:`CLAIM_CONTROLS`: the runner then keeps the network and strengthens each
claim of the matching relation until the evidence itself refutes it.

Registration happens by importing :mod:`convac_verify.theorems`, in one place.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConvacError
from ..evidence.observation import Observation

__all__ = [
    "CLAIM_CONTROLS",
    "MODULES",
    "THEOREMS",
    "Theorem",
    "get_theorem",
    "load_all",
    "register_theorem",
]

CLAIM_CONTROLS = {
    "bound+1": "every lower-bound (>=, ==) claim raised by 1: false where the bound is tight",
    "bound-1": "every upper-bound (<=) claim lowered by 1: false where the bound is attained",
    "rank+1": "every lower-bound claim moved to the measured rank + 1: false where the "
    "evidence shows the rank is exactly the measured one",
    "rank-1": "every upper-bound claim moved to the measured rank - 1: the measured point "
    "is a counterexample",
}
"""The values of the ``claim`` key of a negative control (applied by the runner)."""

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


CheckFn = Callable[..., Iterable[Observation]]


@dataclass(frozen=True)
class Theorem:
    """A registered check and its provenance."""

    name: str
    """Kebab-case registry key, used on the command line."""
    check: CheckFn
    """``check(ctx, **params) -> Iterable[Observation]``."""
    title: str
    """Short title."""
    reference: str
    """Paper and theorem number, e.g. ``Cohen, Sharir & Shashua, COLT 2016, Theorem 1``."""
    hypotheses: str
    """The exact hypotheses the check encodes."""
    family: str
    """Check family (``depth``, ``pooling``, ...); one LaTeX table per family."""
    defaults: Mapping[str, Any]
    """Default parameters (used by ``convac-verify all``; small enough for CI)."""
    negative_controls: Mapping[str, Mapping[str, Any]]
    """Named parameter overrides under which a claim is false (each must give
    ``violated``, with certainty or epsilon below the threshold)."""
    module: str
    """Module that registered it."""
    choices: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    """Accepted values of enumerated parameters."""

    @property
    def negative_control(self) -> Mapping[str, Any]:
        """The first negative control."""
        return next(iter(self.negative_controls.values()))

    def validate(self, overrides: Mapping[str, Any]) -> dict[str, Any]:
        """``overrides`` typed like the defaults and checked against the choices.

        Raises
        ------
        ConvacError
            One line naming the parameter, the value and what is accepted.
        """
        out: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in self.defaults:
                known = ", ".join(self.defaults)
                raise ConvacError(f"{self.name} has no parameter {key!r}; known: {known}")
            out[key] = self._coerce(key, value)
        return out

    def _coerce(self, key: str, value: Any) -> Any:
        default = self.defaults[key]
        what = f"{self.name}: {key}"
        if isinstance(default, bool):
            text = str(value).strip().lower()
            if isinstance(value, bool) or text in _TRUE + _FALSE:
                typed: Any = value if isinstance(value, bool) else text in _TRUE
            else:
                raise ConvacError(f"{what} takes true or false; got {value!r}")
        elif isinstance(default, int):
            try:
                typed = int(str(value).strip()) if not isinstance(value, bool) else None
            except ValueError:
                typed = None
            if typed is None or isinstance(value, float):
                raise ConvacError(f"{what} takes an integer; got {value!r}")
            if typed < 0:
                raise ConvacError(f"{what} must be >= 0; got {typed}")
        elif isinstance(value, (tuple, list)):
            typed = ",".join(str(v) for v in value)
        else:
            typed = str(value)
        accepted = self.choices.get(key)
        if accepted is not None and typed not in accepted:
            raise ConvacError(
                f"{what} must be one of {', '.join(map(str, accepted))}; got {value!r}"
            )
        return typed


_THEOREMS: dict[str, Theorem] = {}
THEOREMS = _THEOREMS


def register_theorem(
    name: str,
    *,
    title: str,
    reference: str,
    hypotheses: str,
    family: str,
    defaults: Mapping[str, Any],
    negative_controls: Mapping[str, Mapping[str, Any]],
    choices: Mapping[str, Sequence[Any]] | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the check for theorem ``name``."""

    def decorator(fn: CheckFn) -> CheckFn:
        if name in _THEOREMS:
            raise KeyError(f"theorem {name!r} is already registered")
        if not negative_controls:
            raise ValueError(f"check {name!r} needs at least one negative control")
        _THEOREMS[name] = Theorem(
            name=name,
            check=fn,
            title=title,
            reference=reference,
            hypotheses=hypotheses,
            family=family,
            defaults=dict(defaults),
            negative_controls={k: dict(v) for k, v in negative_controls.items()},
            module=fn.__module__,
            choices={k: tuple(v) for k, v in (choices or {}).items()},
        )
        return fn

    return decorator


MODULES = (
    "colt16_corollary2",
    "colt16_theorem1",
    "colt16_theorem3",
    "cp_rank_bound",
    "ctm18_claim5",
    "ctm18_corollary8",
    "ctm18_corollary8_measured",
    "ctm18_dilations",
    "ctm18_hybrids",
    "ctm18_mixed",
    "ctm18_relu",
    "ctm18_theorem7",
    "iclr17_claim1",
    "iclr17_claim2",
    "iclr17_shallow",
    "iclr17_theorem1",
    "icml16_appendix_f",
    "icml16_avg_incomplete",
    "icml16_claim3",
    "icml16_claim4",
    "icml16_claim5",
    "icml16_claim8",
    "icml16_claim9",
    "icml16_claim10",
    "icml16_claim11",
    "icml16_e10",
    "lycs18_claim1",
    "lycs18_claim7",
    "lycs18_theorem2",
    "overlap_alternating_1d",
    "overlap_alternating_2d",
    "overlap_gc_stack",
    "overlap_large_rf",
    "overlap_large_rf_formula",
    "overlap_nonoverlap",
    "overlap_profiles",
    "pooling_bounds",
    "simnet_collapsing",
    "simnet_convac_logspace",
    "simnet_mex_limits",
    "symbolic_rank",
    "tmm_claim1_corollary1",
    "tmm_forward",
    "tmm_marginalization",
    "tmm_priors",
)


def load_all() -> dict[str, Theorem]:
    """Import (register) every theorem module; return the registry."""
    for module in MODULES:
        importlib.import_module(f"{__package__}.{module}")
    return _THEOREMS


def get_theorem(name: str) -> Theorem:
    """Look up a theorem (registering every check if it is not loaded yet); the error lists
    the known names."""
    if name not in _THEOREMS:
        load_all()
    try:
        return _THEOREMS[name]
    except KeyError:
        known = ", ".join(sorted(_THEOREMS))
        raise KeyError(f"unknown check {name!r}; known: {known}") from None
