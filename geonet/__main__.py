"""`python -m geonet` runs the command line."""

from .cli import main

main()
