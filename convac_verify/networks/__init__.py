"""Architectures: mode trees, geometries, partitions, decompositions and their grid tensors."""
