"""Allow ``python -m annotator``."""

from annotator.cli.entry import main

main()
