"""REFI-QDA exchange: .qdpx projects and .qdc codebooks (see ../shared/docs/refi-qda.md)."""
