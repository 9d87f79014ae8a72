"""Overlapping ConvACs (Sharir & Shashua, "On the Expressive Power of Overlapping
Architectures of Deep Learning", ICLR 2018): layer lists, an exact DAG evaluator,
interface upper bounds, product witnesses and rank measurements.

Only the abstract of the paper was available when this package was written: every
statement the package checks is its own, proved in ``docs/overlaps.md`` or labelled as
measured there.

Conventions (stated once; pinned by ``tests/test_overlaps_*.py``)
-----------------------------------------------------------------
* A network reads N = ``n_modes`` positions: a sequence ``0..N-1`` (1D) or an ``H x W``
  grid with mode ``row * W + col`` (2D, as :mod:`convac_verify.networks.geometry2d`).
  Position ``i`` holds a template index ``d_i in [M]``; the representation of a template
  is the unit vector ``e_{d_i} in R^M`` (grid tensors take ``F = I``, which loses no
  generality for ranks: ICML 2016 Sec. 3).
* Layers act on ``positions x channels`` (:mod:`.layers`): a **linear convolution**
  ``y_j[c] = sum_k <W_k[c,:], h_{jS+k-off}>``, a **GC layer** (generalized convolution)
  ``y_j[c] = prod_k <W_k[c,:], h_{jS+k-off}>``, same-channel **product pooling** over
  windows of 2 (2x2 in 2D, ceil mode: an odd trailing element passes through), and a
  **readout** ``f = <a, h_0>`` once one position remains. In 2D every window is
  ``R x R`` with stride ``S x S``; tap ``(k_r, k_c)`` is numbered ``k_r * R + k_c``.
* Weights are shared across positions (true convolutions) unless ``shared=False``.
* Grid tensors are exact: residues mod a prime (``uint64``) or integers.

Modules: :mod:`.layers` (layers, networks, index maps), :mod:`.schemes` (named schemes),
:mod:`.weights` (random and explicit weights), :mod:`.evaluate` (the reference DAG
evaluator), :mod:`.interface` (upper bounds for all weights), :mod:`.witness` (product
witnesses: structural lower bounds), :mod:`.measure` (ranks with their evidence),
:mod:`.profiles` (ranks over many partitions).
"""
