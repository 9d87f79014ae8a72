"""Deep SimNets (Cohen, Sharir & Shashua, CVPR 2016): the MEX operator and log-space ConvACs.

:mod:`.mex` (MEX symbolically with SymPy and in rigorous interval arithmetic with mpmath:
collapsing, limits), :mod:`.logspace` (a positive ConvAC computed in log space is a
SimNet), :mod:`.evidence` (how SymPy statements and interval enclosures are recorded).
"""
