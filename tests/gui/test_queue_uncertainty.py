"""View → My queue ordered by a classifier's uncertainty (issue 18, point 6): the order is
the one ``machine next`` gives, done articles after it; the choice is remembered for the
project and coder, and the queue's own order comes back when it is turned off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.services.machine.classifier import train
from annotator.services.machine.next_articles import uncertain_first
from annotator.services.sample_queue import queue
from annotator.ui.reliability.queue_dock import QUEUE_ORDER, QueuePanel
from tests.gui.conftest import open_window
from tests.services.machine_project import MachineProject


@pytest.fixture
def synthetic(tmp_path: Path) -> Iterator[MachineProject]:
    pytest.importorskip("sklearn")
    made = MachineProject(tmp_path / "m.annotator", 60)
    made.code("Ana", range(1, 41), miss=0.05, seed=1)
    train(made.project, "Clf", "Ana")
    ben = made.project.coders.add("Ben")
    made.project.statuses.assign_many(ben.id, [made.ids[n] for n in range(30, 61)])
    made.code("Ben", range(30, 36), seed=2)  # six of them done
    yield made
    made.project.close()


def _shown(panel: QueuePanel) -> list[int]:
    return [panel.model.document_at(row) for row in range(panel.model.rowCount())]


def test_the_queue_ordered_by_uncertainty_is_machine_nexts(
    qtbot: QtBot, synthetic: MachineProject
) -> None:
    project = synthetic.project
    window = open_window(qtbot, project, "Ben")
    panel = window.queue_dock.widget()
    assert isinstance(panel, QueuePanel)
    own = [item.document for item in queue(project, "Ben").items]
    assert _shown(panel) == own
    assert [panel.order.itemText(k) for k in range(panel.order.count())] == [
        QUEUE_ORDER,
        "Order by Clf's uncertainty",
    ]
    panel.order.setCurrentIndex(1)
    expected = [c.document for c in uncertain_first(project, "Clf", "Ben", 100)]
    assert len(expected) == 25
    done = [item.document for item in queue(project, "Ben").items if item.done]
    assert _shown(panel) == expected + done
    assert expected != own[:25]  # the order did change
    first = project.documents.get(expected[0]).name
    assert f"Next: <b>{first}</b>." in panel.summary.text()
    window.close()

    # Remembered: a new window for Ben opens ordered by Clf; back to the queue's own order.
    again = open_window(qtbot, project, "Ben")
    panel = again.queue_dock.widget()
    assert isinstance(panel, QueuePanel)
    assert panel.order.currentIndex() == 1
    assert _shown(panel) == expected + done
    panel.order.setCurrentIndex(0)
    assert _shown(panel) == own
    again.close()
    assert open_window(qtbot, project, "Ben").queue_dock.widget().order.currentIndex() == 0
