"""Reading files from outside and writing files for other programs.

Everything here treats its input as hostile: a file that cannot be used raises
:class:`annotator.domain.errors.BadFileError` with a one-line reason naming it.
"""
