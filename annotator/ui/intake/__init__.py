"""File → Import articles: the dialog, its preview model and the workers that read and store."""
