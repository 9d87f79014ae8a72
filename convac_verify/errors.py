"""Named exceptions. Each message says what was received and what is accepted.

The command line turns every :class:`ConvacError` into a one-line message and exit
code 2 (a usage error), never a traceback.
"""

from __future__ import annotations

__all__ = [
    "BudgetExceeded",
    "ConvacError",
    "InvalidClaim",
    "InvalidDecomposition",
    "InvalidField",
    "InvalidNetwork",
    "InvalidPartition",
    "NotAModeTree",
]


class ConvacError(ValueError):
    """Base class: bad input to convac-verify."""


class NotAModeTree(ConvacError):
    """The object is not a valid mode tree (see :mod:`convac_verify.networks.trees`)."""


class InvalidPartition(ConvacError):
    """The partition (I, J) does not split the modes ``0..N-1``."""


class InvalidDecomposition(ConvacError):
    """Widths, weights or dimensions do not fit the mode tree."""


class InvalidNetwork(ConvacError):
    """A tensor network (or network file) breaks the conventions of
    :mod:`convac_verify.networks.tensor_network`."""


class InvalidField(ConvacError):
    """The field (prime) is not usable."""


class InvalidClaim(ConvacError):
    """A claim such as ``">= 2**(N/2)"`` could not be parsed or evaluated."""


class BudgetExceeded(ConvacError):
    """The computation would exceed the memory budget; refused before starting."""
