"""The ``annotator`` command line: one module per group of commands.

``main`` holds the group and the commands on articles and codings, ``reports`` the ones that
take data out (export, agreement, sample), ``team`` merging, ``support`` what they share.
"""
