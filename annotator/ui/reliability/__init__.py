"""The reliability workflow in the window: queues, sample designs, pairs, drift, versions."""
