"""``python -m convac_verify``."""

from .cli import main

main()
