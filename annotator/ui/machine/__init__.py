"""The coding window's parts for machine coders (issue 18): a machine's codings shown to a
coder as suggestions to accept, edit or reject (:mod:`.suggestions`)."""
