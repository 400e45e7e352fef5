"""After a restore, an id handed out before it is never handed out again: the snapshot's
sequences are older, so each is raised to what the project had reached."""

from __future__ import annotations

from annotator.services import backups
from annotator.storage import Project
from annotator.storage.verify import schema_problems


def test_a_coding_made_after_a_restore_does_not_get_an_id_given_before_it(demo: Project) -> None:
    snapshot = backups.take_snapshot(demo, "before")
    assert snapshot is not None
    coder = demo.coders.all()[0]
    document = demo.documents.all()[0]
    code = next(c for c in demo.codebook.tree().walk(None) if not c.is_dimension)
    before = demo.codings.add(document.id, coder.id, code.id, 0, 5, memo="made before")
    chloe = demo.coders.add("Chloé")
    backups.restore(demo, snapshot)
    assert demo.codings.by_guid(before.guid) is None  # the restore took it away
    after = demo.codings.add(document.id, coder.id, code.id, 0, 5, memo="made after")
    assert after.id > before.id
    assert demo.coders.add("Dara").id > chloe.id
    assert schema_problems(demo.db.conn) == []


def test_a_restore_of_a_newer_state_keeps_its_own_higher_sequence(demo: Project) -> None:
    """Restoring the safety snapshot (newer than the project now): its sequence stays."""
    snapshot = backups.take_snapshot(demo, "before")
    assert snapshot is not None
    coder = demo.coders.all()[0]
    document = demo.documents.all()[0]
    code = next(c for c in demo.codebook.tree().walk(None) if not c.is_dimension)
    made = [demo.codings.add(document.id, coder.id, code.id, i, i + 3) for i in range(3)]
    restored = backups.restore(demo, snapshot)
    assert restored.safety is not None
    backups.restore(demo, restored.safety)
    assert demo.codings.by_guid(made[-1].guid) == made[-1]
    assert demo.codings.add(document.id, coder.id, code.id, 0, 9).id > made[-1].id
