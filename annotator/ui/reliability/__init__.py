"""The reliability workflow's windows: pairs of coders, the training report."""
