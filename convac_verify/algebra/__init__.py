"""Exact arithmetic: the prime field GF(p), the integers and exact rationals."""
