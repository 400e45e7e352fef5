"""The reliability workflow in the window: queues, sample designs, pairs, training reports,
drift, codebook versions."""
