"""convac-verify: exact verification of the theory of Convolutional Arithmetic Circuits.

The layout follows the mathematics: mode trees (:mod:`~convac_verify.networks.trees`),
partitions, decompositions, grid tensors, matricization, rank engines
(:mod:`~convac_verify.engines`), structured certificates, evidence, growth, the theorem
registry (:mod:`~convac_verify.theorems`), reports and the command line.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
