"""Architectures: mode trees, geometries, partitions, decompositions and their grid tensors.

Registration happens here, in one place: importing any module of this package registers
every tree builder (``balanced``, ``windows``, ``cp``, ``truncated`` in :mod:`.trees`;
``square``, ``mirror``, ``rect`` in :mod:`.geometry2d`; ``dilations``, ``swapped``,
``hybrid`` in :mod:`.dilated`) and every partition family (:mod:`.partitions`; the
``grid-*`` families of :mod:`.partitions2d`; ``ctm18-example`` in :mod:`.dilated`), so
``--tree`` and ``--rows`` accept the same names in every command, whatever else was
imported. ``tests/test_rank_cli.py`` runs ``rank`` with every registered name.
"""

from . import dilated, geometry2d, mixed_network, partitions2d  # noqa: F401  (registration)
