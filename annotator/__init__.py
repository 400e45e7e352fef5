"""annotator: qualitative coding of news articles, with inter-coder agreement and clean exports."""

__version__ = "0.1.0"
