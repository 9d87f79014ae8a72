"""convac-verify: exact verification of the theory of Convolutional Arithmetic Circuits.

The layout follows the mathematics: mode trees (:mod:`~convac_verify.networks.trees`),
partitions, decompositions, grid tensors, matricization, rank engines
(:mod:`~convac_verify.engines`), structured certificates, evidence, growth, the theorem
registry (:mod:`~convac_verify.theorems`), reports and the command line.

The public Python API is :mod:`convac_verify.api`, re-exported here
(``from convac_verify import tree, partition, rank``; see ``docs/api.md``). The names
load on first use, so the command line does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import (
        API_VERSION,
        Allocation,
        Bound,
        Certificate,
        CheckResult,
        Claim,
        Cut,
        Evidence,
        FamilyCheck,
        Measurement,
        Observation,
        Partition,
        RankQuery,
        RankResult,
        RankSettings,
        Report,
        Status,
        StructuralBounds,
        SymbolicNetwork,
        SymbolicRank,
        SymbolicResult,
        TensorNetwork,
        Theorem,
        TilingBounds,
        Verdict,
        allocate_widths,
        best_upper_bound,
        checks,
        claim_symbols,
        geometry,
        load_network,
        measure_query,
        min_cut,
        min_cut_bonds,
        min_cut_formula,
        network_rank,
        partition,
        partitions,
        rank,
        rank_formulas,
        rank_query,
        run_all,
        run_check,
        run_checks,
        structural_bounds,
        symbolic_network,
        symbolic_network_rank,
        symbolic_rank,
        tensor_network,
        tree,
        upper_bounds,
        widths,
    )

__all__ = [
    "API_VERSION",
    "Allocation",
    "Bound",
    "Certificate",
    "CheckResult",
    "Claim",
    "Cut",
    "Evidence",
    "FamilyCheck",
    "Measurement",
    "Observation",
    "Partition",
    "RankQuery",
    "RankResult",
    "RankSettings",
    "Report",
    "Status",
    "StructuralBounds",
    "SymbolicNetwork",
    "SymbolicRank",
    "SymbolicResult",
    "TensorNetwork",
    "Theorem",
    "TilingBounds",
    "Verdict",
    "__version__",
    "allocate_widths",
    "best_upper_bound",
    "checks",
    "claim_symbols",
    "geometry",
    "load_network",
    "measure_query",
    "min_cut",
    "min_cut_bonds",
    "min_cut_formula",
    "network_rank",
    "partition",
    "partitions",
    "rank",
    "rank_formulas",
    "rank_query",
    "run_all",
    "run_check",
    "run_checks",
    "structural_bounds",
    "symbolic_network",
    "symbolic_network_rank",
    "symbolic_rank",
    "tensor_network",
    "tree",
    "upper_bounds",
    "widths",
]


def __getattr__(name: str) -> Any:
    """Load the API on first use of one of its names (PEP 562)."""
    if name in __all__:
        value = getattr(importlib.import_module(".api", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
