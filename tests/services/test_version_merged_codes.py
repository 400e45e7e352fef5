"""Agreement limited to a codebook version says when a code of that version was merged into
another (or deleted) later: its codings of the version are then compared as the code they
were merged into (or are gone), so the figures are not those the version's codebook gave
(hostile pass of the reliability workflow)."""

from __future__ import annotations

from pathlib import Path

from annotator.domain.model import DocumentStatus
from annotator.services.agreement import Request, measure
from annotator.services.codebook_editing import delete_code, merge_code
from annotator.services.codebook_versions import tag_version
from annotator.storage import Project


def _project(path: Path) -> tuple[Project, dict[str, int]]:
    project = Project.create(path)
    motive = project.codebook.add("Motive", exclusive=True)
    codes = {name: project.codebook.add(name, motive.id).id for name in ("Political", "Economic")}
    codes["Other"] = project.codebook.add("Other", motive.id).id
    ana, ben = project.coders.add("Ana").id, project.coders.add("Ben").id
    for k, (first, second) in enumerate(
        [("Political", "Political"), ("Political", "Economic"), ("Economic", "Economic")]
    ):
        document = project.documents.add(f"art{k}", f"a{k}.txt", f"text of article {k}").id
        project.codings.add(document, ana, codes[first], None, None)
        project.codings.add(document, ben, codes[second], None, None)
        for coder in (ana, ben):
            project.statuses.mark(document, coder, DocumentStatus.DONE)
    return project, codes


def test_a_code_merged_after_the_version_is_named_in_a_warning(tmp_path: Path) -> None:
    project, codes = _project(tmp_path / "study.annotator")
    tag_version(project, "v1")
    request = Request(levels=("document",), interval=False, codebook_version="v1")
    assert not any("merged" in w for w in measure(project, request).warnings)
    merge_code(project, codes["Economic"], codes["Political"])
    delete_code(project, codes["Other"])
    tag_version(project, "v2")
    warnings = measure(project, request).warnings
    found = [w for w in warnings if "merged into another or deleted" in w]
    assert len(found) == 1
    assert "'Motive > Economic'" in found[0]
    assert "'Motive > Other'" in found[0]
    assert "'Motive > Political'" not in found[0]
    project.close()


def test_a_code_deleted_and_put_back_since_is_not_named(tmp_path: Path) -> None:
    # Undo of adding a code, then redo: the code is deleted, then restored (same id, GUID).
    project, codes = _project(tmp_path / "study.annotator")
    tag_version(project, "v1")
    other = project.codebook.get(codes["Other"])
    delete_code(project, codes["Other"])
    project.codebook.restore(other)
    request = Request(levels=("document",), interval=False, codebook_version="v1")
    assert not any("merged" in w for w in measure(project, request).warnings)
    project.close()
