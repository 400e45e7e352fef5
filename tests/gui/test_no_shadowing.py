"""No window class hides a Qt method behind an attribute of the same name.

``self.size = QSpinBox()`` on a dialog replaces ``QWidget.size()`` for that object: Qt's own
code keeps working, but any Python code that calls ``dialog.size()`` (a layout helper, a test,
a screenshot) fails or, worse, gets a spin box. Overriding a method with a method is fine.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from PySide6.QtCore import QObject

import annotator.ui

UI = Path(annotator.ui.__file__).parent


def _assigned_names(node: ast.ClassDef) -> dict[str, int]:
    """Attribute names a class body binds as data: ``self.x = …`` anywhere in its methods,
    and plain ``x = …`` at class level (Qt signals included), with their line."""
    names: dict[str, int] = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, statement.lineno)
    for item in ast.walk(node):
        targets: list[ast.expr] = []
        if isinstance(item, ast.Assign):
            targets = list(item.targets)
        elif isinstance(item, ast.AnnAssign | ast.AugAssign):
            targets = [item.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if (
                    isinstance(element, ast.Attribute)
                    and isinstance(element.value, ast.Name)
                    and element.value.id == "self"
                ):
                    names.setdefault(element.attr, item.lineno)
    return names


def _qt_members(cls: type) -> set[str]:
    """Names of the members the Qt (PySide6/shiboken) classes among ``cls``'s bases define."""
    members: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.startswith(("PySide6", "shiboken6")):
            members.update(vars(base))
    return members


def shadowing() -> list[str]:
    found = []
    for path in sorted(UI.rglob("*.py")):
        module_name = "annotator." + ".".join(path.relative_to(UI.parent).with_suffix("").parts)
        module = importlib.import_module(module_name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            cls = getattr(module, node.name, None)
            if not (inspect.isclass(cls) and issubclass(cls, QObject)):
                continue
            qt = _qt_members(cls)
            for name, line in _assigned_names(node).items():
                if name in qt and not name.startswith("__"):
                    found.append(f"{path.relative_to(UI.parent)}:{line}: {node.name}.{name}")
    return found


def test_no_ui_class_shadows_a_qt_member() -> None:
    assert shadowing() == []


def test_the_scan_finds_a_shadowing_attribute(tmp_path: Path) -> None:
    # The scan must be able to fail: a class like the one the issue found is caught.
    source = (
        "class Dialog(QDialog):\n"
        "    def __init__(self):\n"
        "        self.size, self.rows = QSpinBox(), 3\n"
        "        self.font: int = 2\n"
    )
    from PySide6.QtWidgets import QDialog

    names = _assigned_names(ast.parse(source).body[0])  # type: ignore[arg-type]
    assert {n for n in names if n in _qt_members(QDialog)} == {"size", "font"}
