"""Dialogs of the coding window."""
