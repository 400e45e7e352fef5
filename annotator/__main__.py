"""Allow ``python -m annotator``."""

from annotator.cli import main

main()
