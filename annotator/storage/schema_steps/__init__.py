"""The project schema's migrations, a module per stretch of history (see ``storage/schema.py``)."""
