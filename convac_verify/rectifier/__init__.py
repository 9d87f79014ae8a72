"""Rectifier networks as generalized tensor decompositions (ICML 2016): the tools the
checks in ``convac_verify/theorems/icml16_*.py`` share.

* :mod:`.ranks` -- exact ranks over Q, and ranks modulo a random 62-bit prime with the
  probability that they differ from the rank over Q;
* :mod:`.bounds` -- structural upper bounds for all weights (sum pooling, supp. E.7;
  shallow max pooling, supp. E.10);
* :mod:`.constructions` -- the papers' explicit weights (Claim 8, supp. E.11), the
  shallow replicas, and the universality constructions (Claims 3-4);
* :mod:`.simulation` -- the rank histogram of App. F.

References
----------
N. Cohen, A. Shashua. Convolutional Rectifier Networks as Generalized Tensor
Decompositions. ICML 2016, and its supplementary material.
"""
