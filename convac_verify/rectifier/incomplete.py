"""Rows shared by the incomplete-depth-efficiency checks (ICML 2016 Claims 9 and 11).

The set: a box of half-width ``radius`` around the point of supp. E.11 in the space of
(deep weights, F). Two kinds of evidence:

* **every draw**: ``draws`` uniform points of the box; for each, the deep grid tensor is
  computed exactly, the modes it depends on are found, the shallow network with ONE
  hidden channel that E.11 prescribes is constructed
  (:func:`~convac_verify.rectifier.constructions.e11_replica`) and its grid tensor is
  compared with the deep one entry by entry;
* **the whole box**: :func:`~convac_verify.rectifier.constructions.e11_certificate`
  proves with exact interval arithmetic that, for *every* point of the box, every
  pooling resolves to its first child -- so the deep tensor depends on ``x_1`` only
  and equals the replica. This is the structural upper bound attached to the rows
  (a bound on the box, a set of positive measure).

Each row's claim is "for every point of the box" (scope ``box``: a set of positive
measure, not all weights): a draw that breaks it is a certain counterexample
(``violated``); the certificate (kind ``interval-box``) proves it (``proved``); without
the certificate, draws that agree prove nothing (``consistent``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from ..engines.measure import Context
from ..evidence.certificates import Bound, Certificate
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.matricize import matricize
from ..networks.partitions import odd_even
from ..networks.trees import balanced
from .constructions import (
    depends_on_modes,
    e11_certificate,
    e11_replica,
    e11_weights,
    mismatches,
    perturb,
)
from .generalized import check_generalized_budget, generalized_from_weights, grid_tensor_q
from .measure import EXACT_METHOD, representation, stream
from .operators import get_operator
from .ranks import exact_rank

__all__ = ["BoxResult", "box_rows", "parse_radius", "run_box"]


def parse_radius(text: object) -> Fraction:
    """``1/1024``, ``0.001`` or ``2**-10`` as an exact positive Fraction."""
    from ..errors import ConvacError

    raw = str(text).strip().replace(" ", "")
    try:
        if raw.startswith("2**"):
            value = Fraction(2) ** int(raw[3:].strip("()"))
        else:
            value = Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise ConvacError(
            f"--radius takes a positive number such as 1/1024, 0.001 or 2**-10; got {text!r}"
        ) from None
    if value <= 0:
        raise ConvacError(f"--radius must be positive; got {text!r}")
    return value


@dataclass(frozen=True)
class BoxResult:
    """What the draws from one E.11 box and its certificate showed."""

    draws: int
    worst_dependence: int
    """Largest number of inputs a drawn deep grid tensor depends on."""
    mismatching: int
    """Draws whose deep grid tensor differs from the Z = 1 replica."""
    worst_rank: int
    """Largest odd-even rank (exact over Q) over the draws."""
    radius: Fraction
    certified: bool
    """Whether the interval certificate covers the whole box."""
    reason: str
    evidence: Evidence

    def measurement(self, value: int, bound: int) -> Measurement:
        """A measurement of ``value`` with the box bound ``bound`` if certified."""
        basis = f"E.11 box of radius {self.radius}, positive measure: {self.reason}"
        extra = {
            "draws": self.draws,
            "held": self.draws - self.mismatching,
            "radius": str(self.radius),
            "certificate": self.reason,
            "certified": self.certified,
        }
        bounds = (Bound(bound, Certificate("interval-box", basis)),) if self.certified else ()
        return Measurement(value, self.evidence, bounds, extra)


def run_box(
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    width: int,
    draws: int,
    radius: object,
    F: str,
    deep: str,
    shallow: str,
    variant: str,
    key: str,
) -> BoxResult:
    """Draw from the box around the E.11 point, verify each draw, certify the box."""
    eps = parse_radius(radius)
    tree = balanced(n_modes)
    check_generalized_budget(n_modes, dim, width, ctx.settings.max_memory)
    f0 = representation(ctx.settings.seed, F, dim)
    base = e11_weights(tree, dim, width, f0, variant)
    cert = e11_certificate(tree, dim, width, f0, eps, deep, shallow, variant)
    rng = stream(ctx.settings.seed, f"{key}/{n_modes}/{dim}/{width}/{eps}/{variant}")
    worst_deps, bad_draws, worst_rank = 0, 0, 0
    part = odd_even(n_modes)
    for i in range(draws):
        if i % 10 == 0:
            ctx.progress(f"E.11 box ({deep} -> {shallow}): draw {i + 1}/{draws}")
        weights, f_tilde = perturb(base, f0, eps, rng)
        deep_net = generalized_from_weights(
            tree, dim, width, weights, get_operator(deep), F=f_tilde
        )
        tensor = grid_tensor_q(deep_net)
        worst_deps = max(worst_deps, len(depends_on_modes(tensor)))
        worst_rank = max(worst_rank, exact_rank(matricize(tensor.num, part)))
        w = tensor[(slice(None),) + (0,) * (n_modes - 1)]
        bad_draws += mismatches(e11_replica(f_tilde, w, n_modes, shallow), tensor) > 0
    evidence = Evidence.witness(
        f"E.11 point ({variant}) + uniform perturbations, radius {eps}",
        field="Q",
        method=EXACT_METHOD + (" + interval certificate" if cert.ok else ""),
        seed=ctx.settings.seed,
        polynomial=False,
    )
    return BoxResult(draws, worst_deps, bad_draws, worst_rank, eps, cert.ok, cert.reason, evidence)


def box_rows(
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    width: int,
    draws: int,
    radius: object,
    F: str,
    deep: str,
    shallow: str,
    variant: str,
    key: str,
) -> Iterator[Observation]:
    """The three rows of one box (see the module docstring)."""
    box = run_box(
        ctx,
        n_modes=n_modes,
        dim=dim,
        width=width,
        draws=draws,
        radius=radius,
        F=F,
        deep=deep,
        shallow=shallow,
        variant=variant,
        key=key,
    )
    params = {
        "N": n_modes,
        "M": dim,
        "r": width,
        "deep": deep,
        "shallow": shallow,
        "F": F,
        "radius": str(box.radius),
        "draws": draws,
    }
    label = f"N={n_modes} radius={box.radius}"
    yield Observation(
        label=label,
        subject=f"inputs the deep ReLU+{deep} grid tensor depends on (worst of {draws} draws)",
        claim=Claim(
            "<=", "1 (x_1 only, whole box)", 1, "1", quantifier="box", quantity="inputs depended on"
        ),
        measurement=box.measurement(box.worst_dependence, 1),
        params=params,
    )
    yield Observation(
        label=label,
        subject=f"draws where it differs from its Z=1 shallow {shallow} replica ({draws} tried)",
        claim=Claim("<=", "0 (whole box)", 0, "0", quantifier="box", quantity="mismatching draws"),
        measurement=box.measurement(box.mismatching, 0),
        params=params,
    )
    yield Observation(
        label=label,
        subject=f"odd-even rank of the deep grid tensor (worst of {draws} draws)",
        claim=Claim("<=", "1 (whole box)", 1, "1", quantifier="box"),
        measurement=box.measurement(box.worst_rank, 1),
        params=params,
    )
