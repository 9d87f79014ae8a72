"""Tractable generative ConvACs (Sharir, Tamari, Cohen & Shashua), exactly over Q.

:mod:`.model` (GCP/GHT models with simplex-normalized rational weights and exact mixing
tables; one forward pass computes likelihoods and marginals), :mod:`.missing`
(classification with missing data: Claim 1 and Corollary 1 on exact joint
distributions), :mod:`.evidence` (how the checks' exact values are recorded).
"""
