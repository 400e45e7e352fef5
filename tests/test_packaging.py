"""The standalone app's recipe (packaging/), checked cheaply: the desktop entry and the MIME
type, the spec and build script, the frozen app's look-ups (paths, the X11 plugin check), the
entry point, the icons, the library check and the .deb layout. Building and starting the app
is tests/benchmarks/bundle_smoke.py's job (minutes; outside the default run)."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

import annotator
from annotator import paths
from annotator.ui import platform_check

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "linux" / "annotator.desktop"
MIME = PACKAGING / "linux" / "annotator-mime.xml"
MIME_TYPE = "application/x-annotator-project"
FREEDESKTOP = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _load(path: Path) -> ModuleType:
    """A script of packaging/ or tests/benchmarks/ as a module (neither is a package)."""
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(path.parent))


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


# -- the desktop entry and the file type ---------------------------------------------------------


def test_desktop_entry_opens_projects_with_the_app_and_its_icon() -> None:
    entry = _desktop_entry()
    assert entry["Exec"] == "annotator %f"
    assert entry["Icon"] == "annotator"
    assert entry["Type"] == "Application"
    assert entry["MimeType"].rstrip(";").split(";") == [MIME_TYPE]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == ""  # not even a hint


def test_mime_type_names_annotator_files() -> None:
    root = ET.parse(MIME).getroot()
    (mime_type,) = root.findall(f"{FREEDESKTOP}mime-type")
    assert mime_type.get("type") == MIME_TYPE
    globs = [glob.get("pattern") for glob in mime_type.findall(f"{FREEDESKTOP}glob")]
    assert globs == ["*.annotator"]
    assert mime_type.findtext(f"{FREEDESKTOP}comment")


@pytest.mark.skipif(shutil.which("update-mime-database") is None, reason="shared-mime-info")
def test_mime_database_takes_the_type(tmp_path: Path) -> None:
    (tmp_path / "mime" / "packages").mkdir(parents=True)
    shutil.copy(MIME, tmp_path / "mime" / "packages" / "annotator.xml")
    subprocess.run(["update-mime-database", str(tmp_path / "mime")], check=True)
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8").splitlines()
    assert any(line.endswith(f":{MIME_TYPE}:*.annotator") for line in globs), globs


# -- the spec, the build script, the entry point --------------------------------------------------


def test_spec_parses_and_freezes_the_entry_script_with_the_bundled_folders() -> None:
    source = (PACKAGING / "annotator.spec").read_text(encoding="utf-8")
    tree = ast.parse(source)  # a syntax error would stop every build
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= called
    assert "annotator_entry.py" in source
    assert '"resources"), "resources")' in source
    assert '"corpus"), "corpus")' in source
    assert (PACKAGING / "annotator_entry.py").is_file()


def test_build_script_names_the_artefacts_by_this_version() -> None:
    build = _load(PACKAGING / "build.py")
    assert build.version() == annotator.__version__
    assert build.ROOT == ROOT
    assert build.BUILD == ROOT / "build"
    assert build.DIST == ROOT / "dist"
    assert "pyinstaller>=6" in build.BUILD_REQUIREMENTS
    assert build.EXTRAS == "stats,analysis,machine"


def test_build_outputs_are_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "build/" in ignored
    assert "dist/" in ignored


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["study.annotator"], ["gui", "study.annotator"]),
        (["/home/x/My Study.ANNOTATOR"], ["gui", "/home/x/My Study.ANNOTATOR"]),
        ([], []),
        (["--version"], ["--version"]),
        (["agreement", "study.annotator"], ["agreement", "study.annotator"]),
        (["notes.txt"], ["notes.txt"]),
    ],
)
def test_entry_point_opens_a_lone_project_path_in_the_window(
    given: list[str], expected: list[str]
) -> None:
    from annotator.cli.main import cli

    entry = _load(PACKAGING / "annotator_entry.py")
    assert entry.arguments(given, set(cli.commands)) == expected


# -- the frozen app's look-ups ---------------------------------------------------------------------


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pretend to be a PyInstaller app whose files are in tmp_path (sys._MEIPASS)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    return tmp_path


def test_frozen_app_finds_resources_and_corpus_in_its_own_folder(frozen: Path) -> None:
    (frozen / "resources").mkdir()
    (frozen / "corpus").mkdir()
    assert paths.resources_dir() == frozen / "resources"
    assert paths.corpus_dir() == frozen / "corpus"
    assert paths.default_codebook_path() == frozen / "resources" / "codebook.json"


def test_frozen_app_without_the_folders_falls_back_to_the_checkout(frozen: Path) -> None:
    assert paths.resources_dir() == ROOT / "resources"
    assert (paths.corpus_dir() / "codings.csv").is_file()


def test_unfrozen_python_ignores_a_stray_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "resources").mkdir()
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == ROOT / "resources"


# PySide6's own X11 plugin, found before any test pretends to be frozen.
REAL_PLUGIN = platform_check.xcb_plugin() if sys.platform.startswith("linux") else None


def _real_plugin() -> Path:
    if REAL_PLUGIN is None:
        pytest.skip("no PySide6 X11 plugin here")
    return REAL_PLUGIN


def test_frozen_app_checks_its_own_x11_plugin(frozen: Path) -> None:
    real = _real_plugin()
    assert platform_check.xcb_plugin() is None  # not PySide6's: the app's, which is missing
    bundled = frozen / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    bundled.parent.mkdir(parents=True)
    shutil.copy(real, bundled)
    assert platform_check.xcb_plugin() == bundled


@pytest.mark.parametrize("with_ldd", [True, False])
def test_frozen_app_counts_its_own_libraries_as_present(
    frozen: Path, monkeypatch: pytest.MonkeyPatch, with_ldd: bool
) -> None:
    """A library the app keeps in its top folder (where PyInstaller puts the system libraries
    it collects) is found, as the app's loader finds it, with ldd and without."""
    real = _real_plugin()
    if with_ldd and shutil.which("ldd") is None:
        pytest.skip("no ldd")
    if not with_ldd:
        monkeypatch.setattr(platform_check.shutil, "which", lambda name: None)
    plugin = frozen / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    shutil.copy(real, plugin)  # without Qt's lib folder beside it
    assert "libQt6XcbQpa.so.6" in platform_check.missing_libraries(plugin)
    qt_lib = real.parents[2] / "lib"
    for library in qt_lib.glob("libQt6*.so.6"):
        os.symlink(library, frozen / library.name)
    assert not any(name.startswith("libQt6") for name in platform_check.missing_libraries(plugin))


# -- the icons -----------------------------------------------------------------------------------


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path.name
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icon_pngs_of_every_size_are_rendered_from_the_svg() -> None:
    icons = paths.icon_paths()
    sizes = [int(path.stem.split("-")[1]) for path in icons]
    assert sizes == [16, 22, 24, 32, 48, 64, 128, 256, 512]
    assert all(_png_size(path) == (size, size) for path, size in zip(icons, sizes, strict=True))
    svg = ET.parse(ROOT / "resources" / "icons" / "annotator.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


# -- the library check and the .deb ----------------------------------------------------------------


def test_library_check_refuses_a_bundle_without_the_xcb_libraries(tmp_path: Path) -> None:
    """PySide6's plugin with only Qt's own libraries beside it: libxcb-cursor (which no
    PySide6 wheel brings) is neither inside nor a base-system library."""
    real = _real_plugin()
    bundle_libs = _load(PACKAGING / "bundle_libs.py")
    internal = tmp_path / "annotator" / "_internal"
    plugin = internal / bundle_libs.PLUGIN
    plugin.parent.mkdir(parents=True)
    shutil.copy(real, plugin)
    (internal / "PySide6" / "Qt" / "lib").symlink_to(real.parents[2] / "lib")
    found = bundle_libs.closure(plugin, internal)
    assert "libQt6XcbQpa.so.6" in found.bundled
    assert "libc.so.6" in found.base
    assert "libxcb-cursor.so.0" in found.outside
    passed, lines = bundle_libs.report(tmp_path / "annotator")
    assert not passed
    assert any(line.startswith("  neither") and "libxcb-cursor.so.0" in line for line in lines)


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb")
def test_deb_installs_the_app_under_opt_with_its_desktop_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = _load(PACKAGING / "build.py")
    monkeypatch.setattr(build, "BUILD", tmp_path / "build")
    monkeypatch.setattr(build, "DIST", tmp_path / "dist")
    app = tmp_path / "app"
    (app / "_internal").mkdir(parents=True)
    (app / "annotator").write_text("#!/bin/sh\n", encoding="utf-8")
    (app / "annotator").chmod(0o755)
    (tmp_path / "dist").mkdir()
    deb = build.linux_deb(app, "9.8.7")
    assert deb == tmp_path / "dist" / "annotator_9.8.7_amd64.deb"
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    entries = {line.split()[5].removeprefix("."): line for line in listing.splitlines()}
    assert entries["/opt/annotator/annotator"].startswith("-rwxr-xr-x root/root")
    assert "/usr/bin/annotator -> /opt/annotator/annotator" in listing
    for path in (
        "/usr/share/applications/annotator.desktop",
        "/usr/share/mime/packages/annotator.xml",
        "/usr/share/icons/hicolor/scalable/apps/annotator.svg",
        "/usr/share/icons/hicolor/16x16/apps/annotator.png",
        "/usr/share/icons/hicolor/512x512/apps/annotator.png",
        "/usr/share/icons/hicolor/48x48/mimetypes/application-x-annotator-project.png",
    ):
        assert path in entries, path
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package", "Version", "Architecture"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert fields.split() == [
        "Package:",
        "annotator",
        "Version:",
        "9.8.7",
        "Architecture:",
        "amd64",
    ]


# -- the benchmark without a bundle ----------------------------------------------------------------


def test_benchmark_says_why_without_a_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    smoke = _load(ROOT / "tests" / "benchmarks" / "bundle_smoke.py")
    monkeypatch.setattr(smoke, "built_bundle", lambda: None)
    figures = smoke.bench_bundle()
    assert set(figures) == {smoke.NOTE_KEY}
    assert "python3 packaging/build.py" in figures[smoke.NOTE_KEY]
