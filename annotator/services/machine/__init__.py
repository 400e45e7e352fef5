"""The machine coder (issue 18): a classifier trained on the team's codings or a language
model, coding as a coder of kind ``machine``.

- :mod:`.coders`: adding a machine (its backend row and its coder) and finding one by name.
- :mod:`.runs`: a run's record (model, prompt, codebook version, settings, counts, tokens),
  writing one article's codings in one transaction (resume takes the articles not done),
  the exclusive-dimension rule for machine codings, and the listing ``machine runs`` prints.
- The classifier trained on the team's codings (offline, the default): :mod:`.sentences`
  (the units), :mod:`.features` (TF-IDF), :mod:`.learner` (training and coding, on plain
  values), :mod:`.cross_validation` (its thresholds, calibration and figures),
  :mod:`.fitting` (the regression and the numbers under it), :mod:`.model_file` (the safe
  stored format), :mod:`.classifier` (training, coding and uncertainty in a project).
- :mod:`.validate` (the machine against human coders, the α gate), :mod:`.report` (what a
  methods section says), :mod:`.next_articles` (which article to code next).
- :mod:`.suggestions`: a machine's codings as a coder's suggestions in the window: accept
  (as is, or edited), reject, accept all above a confidence, each undoable.

A machine coding is an ordinary row of ``codings`` (so agreement, review, retrieval, analysis
and exports take it as any coder's) whose ``origin`` is ``{"kind": "machine", "run": GUID,
"confidence": number or null, "reason": text or null}``; a suggestion a coder accepted is that
coder's coding with ``{"kind": "assisted", "run": GUID, "suggestion": GUID, "edited": bool}``.
"""

from annotator.services.machine.coders import add_machine, backend
from annotator.services.machine.runs import (
    MachineCoding,
    finish_run,
    start_run,
    write_article,
)

__all__ = [
    "MachineCoding",
    "add_machine",
    "backend",
    "finish_run",
    "start_run",
    "write_article",
]
