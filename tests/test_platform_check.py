"""First start on a Linux desktop: when a library of Qt's X11 plugin is missing, `annotator`
says in one line what to install instead of letting Qt abort (absence simulated)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.ui import app, platform_check

X11 = {"DISPLAY": ":0"}


@pytest.fixture
def on_x11(monkeypatch: pytest.MonkeyPatch) -> None:
    """An X11 desktop, as the user's: no platform chosen, a display."""
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.setattr(platform_check, "x_display_reachable", lambda display: True)


@pytest.fixture
def qt_started(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Stands in for starting the window: records that Qt would have been started."""
    started: list[object] = []
    monkeypatch.setattr(app, "run", lambda path: started.append(path) or 0)
    return started


@pytest.mark.parametrize("args", [["gui"], []], ids=["gui", "no command"])
@pytest.mark.usefixtures("on_x11")
def test_a_missing_library_is_one_line_naming_the_packages(
    monkeypatch: pytest.MonkeyPatch, qt_started: list[object], args: list[str]
) -> None:
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin: ["libxcb-cursor.so.0"])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    for fragment in (
        "needs libxcb-cursor.so.0, which this system lacks",
        "Debian/Ubuntu: sudo apt install libxcb-cursor0",
        "Fedora: sudo dnf install xcb-util-cursor",
        "Arch: sudo pacman -S xcb-util-cursor",
    ):
        assert fragment in lines[0]
    assert "Traceback" not in result.output
    assert qt_started == []


@pytest.mark.usefixtures("on_x11")
def test_the_libraries_qt_misnames_are_each_named(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libodd.so.2"]
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin: missing)
    problem = platform_check.platform_problem()
    assert problem is not None
    assert "needs libxcb-icccm.so.4, libxcb-keysyms.so.1, libodd.so.2" in problem
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1;" in problem
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms;" in problem
    assert "for libodd.so.2: the package that holds it" in problem


@pytest.mark.usefixtures("on_x11")
def test_nothing_missing_starts_the_window(
    monkeypatch: pytest.MonkeyPatch, qt_started: list[object]
) -> None:
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin: [])
    result = CliRunner().invoke(cli, ["gui"])
    assert result.exit_code == 0, result.output
    assert qt_started == [None]


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        (X11, "linux", True),
        ({**X11, "QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({**X11, "QT_QPA_PLATFORM": "xcb:dpi=96;wayland"}, "linux", True),
        ({**X11, "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({**X11, "QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
        ({**X11, "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({**X11, "XDG_SESSION_TYPE": "x11"}, "linux", True),
        ({}, "linux", False),
        (X11, "darwin", False),
        (X11, "win32", False),
    ],
)
def test_when_qt_will_use_its_x11_plugin(
    environ: dict[str, str], platform: str, expected: bool
) -> None:
    assert platform_check.will_use_xcb(environ, platform) is expected


def test_offscreen_is_never_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(plugin: Path) -> list[str]:
        raise AssertionError("checked")

    monkeypatch.setattr(platform_check, "missing_libraries", fail)
    assert platform_check.platform_problem({**X11, "QT_QPA_PLATFORM": "offscreen"}) is None


def _readelf(path: Path) -> tuple[list[str], list[str]]:
    """DT_NEEDED and RUNPATH as binutils' readelf reports them."""
    output = subprocess.run(
        ["readelf", "-d", str(path)], capture_output=True, text=True, check=True
    ).stdout
    needed, runpath = [], []
    for line in output.splitlines():
        if "(NEEDED)" in line:
            needed.append(line.split("[", 1)[1].rstrip("]"))
        elif "(RUNPATH)" in line or "(RPATH)" in line:
            runpath += line.split("[", 1)[1].rstrip("]").split(":")
    return needed, runpath


def test_the_elf_reader_agrees_with_readelf() -> None:
    plugin = platform_check.xcb_plugin()
    if plugin is None or shutil.which("readelf") is None:
        pytest.skip("needs PySide6's X11 plugin and readelf")
    qt_lib = plugin.parents[2] / "lib"
    for path in (plugin, qt_lib / "libQt6XcbQpa.so.6", qt_lib / "libQt6Core.so.6"):
        assert platform_check.dynamic_section(path) == _readelf(path), path.name


def test_without_ldd_the_same_libraries_are_found_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = platform_check.xcb_plugin()
    if plugin is None or shutil.which("ldd") is None:
        pytest.skip("needs PySide6's X11 plugin and ldd")
    with_ldd = platform_check.missing_libraries(plugin)
    monkeypatch.setattr(platform_check.shutil, "which", lambda name: None)
    assert sorted(platform_check.missing_libraries(plugin)) == sorted(with_ldd)


# -- Wayland ------------------------------------------------------------------------------------

WAYLAND = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
XCB_PLUGIN, WAYLAND_PLUGIN = Path("/qt/platforms/libqxcb.so"), Path("/qt/platforms/libqwayland.so")


@pytest.fixture
def plugins(monkeypatch: pytest.MonkeyPatch) -> dict[Path, list[str]]:
    """Both plugins 'installed'; what each lacks is what the test puts in the dict."""
    lacking: dict[Path, list[str]] = {XCB_PLUGIN: [], WAYLAND_PLUGIN: []}
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.setattr(platform_check, "xcb_plugin", lambda: XCB_PLUGIN)
    monkeypatch.setattr(platform_check, "wayland_plugin", lambda: WAYLAND_PLUGIN)
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin: lacking[plugin])
    monkeypatch.setattr(platform_check, "x_display_reachable", lambda display: True)
    monkeypatch.setattr(platform_check, "wayland_reachable", lambda environ: True)
    return lacking


def test_a_wayland_session_uses_the_wayland_plugin_where_it_loads(
    plugins: dict[Path, list[str]],
) -> None:
    assert platform_check.choose_platform({**WAYLAND, **X11}) == "wayland"
    assert platform_check.choose_platform(WAYLAND) == "wayland"


def test_a_wayland_session_without_its_libraries_falls_back_to_xwayland(
    plugins: dict[Path, list[str]],
) -> None:
    plugins[WAYLAND_PLUGIN] = ["libwayland-cursor.so.0"]
    assert platform_check.choose_platform({**WAYLAND, **X11}) == "xcb"


def test_a_chosen_platform_or_an_x11_session_is_left_alone(plugins: dict[Path, list[str]]) -> None:
    assert platform_check.choose_platform({**WAYLAND, "QT_QPA_PLATFORM": "xcb"}) is None
    assert platform_check.choose_platform(X11) is None
    assert platform_check.choose_platform({**WAYLAND, **X11}, "darwin") is None


def test_wayland_without_xwayland_names_what_its_plugin_lacks(
    plugins: dict[Path, list[str]],
) -> None:
    plugins[WAYLAND_PLUGIN] = ["libwayland-cursor.so.0"]
    problem = platform_check.platform_problem(dict(WAYLAND))
    assert problem is not None
    assert "Qt's Wayland platform plugin needs libwayland-cursor.so.0" in problem
    assert "sudo apt install libwayland-cursor0" in problem
    assert "sudo pacman -S wayland" in problem


def test_the_window_on_wayland_asks_qt_for_wayland(
    monkeypatch: pytest.MonkeyPatch, plugins: dict[Path, list[str]], qt_started: list[object]
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "")  # put back after the test, whatever it sets
    monkeypatch.delenv("QT_QPA_PLATFORM")
    for name, value in WAYLAND.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DISPLAY", ":0")
    plugins[XCB_PLUGIN] = ["libxcb-icccm.so.4"]  # never asked: the Wayland plugin loads
    result = CliRunner().invoke(cli, ["gui"])
    assert result.exit_code == 0, result.output
    assert qt_started == [None]
    assert platform_check.os.environ["QT_QPA_PLATFORM"] == "wayland"


def test_xwayland_lacking_an_x11_library_is_one_line(
    monkeypatch: pytest.MonkeyPatch, plugins: dict[Path, list[str]], qt_started: list[object]
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "")  # put back after the test, whatever it sets
    monkeypatch.delenv("QT_QPA_PLATFORM")
    for name, value in WAYLAND.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DISPLAY", ":0")
    plugins[WAYLAND_PLUGIN] = ["libwayland-cursor.so.0"]
    plugins[XCB_PLUGIN] = ["libxcb-keysyms.so.1"]
    result = CliRunner().invoke(cli, ["gui"])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "Qt's X11 platform plugin needs libxcb-keysyms.so.1" in line
    assert qt_started == []


# -- no display to show the window on ------------------------------------------------------------
# Qt aborts there too, blaming libxcb-cursor0 (the library the first start lacked).


@pytest.mark.parametrize("display", [None, ""], ids=["unset", "empty"])
def test_no_display_is_one_line_and_qt_never_starts(
    monkeypatch: pytest.MonkeyPatch, qt_started: list[object], display: str | None
) -> None:
    for name in ("QT_QPA_PLATFORM", "XDG_SESSION_TYPE", "WAYLAND_DISPLAY", "DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    if display is not None:
        monkeypatch.setenv("DISPLAY", display)
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    result = CliRunner().invoke(cli, ["gui"])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "there is no display to show it on (DISPLAY is not set" in line
    assert "xcb-cursor" not in line
    assert qt_started == []


def test_no_display_on_a_wayland_compositor_names_the_wayland_plugin() -> None:
    problem = platform_check.no_display_message({"WAYLAND_DISPLAY": "wayland-1"})
    assert "start with QT_QPA_PLATFORM=wayland" in problem


@pytest.mark.usefixtures("on_x11")
def test_a_display_that_cannot_be_reached_is_one_line(
    monkeypatch: pytest.MonkeyPatch, qt_started: list[object]
) -> None:
    monkeypatch.setenv("DISPLAY", "gone:7")
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin: [])
    asked: list[str] = []
    monkeypatch.setattr(
        platform_check, "x_display_reachable", lambda display: bool(asked.append(display))
    )
    result = CliRunner().invoke(cli, ["gui"])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "the X display 'gone:7' (DISPLAY) cannot be reached" in line
    assert asked == ["gone:7"]
    assert qt_started == []


def test_a_display_that_does_not_answer_in_time_is_left_to_qt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(platform_check, "CONNECT_SECONDS", 0.05)
    stuck = threading.Event()  # a connection that never answers (until the test ends)
    assert platform_check._within(0.05, lambda: stuck.wait(5)) is None
    stuck.set()
    assert platform_check._within(1, lambda: False) is False


@pytest.mark.parametrize("display", ["garbage", ":7777", "no.such.host.invalid:0"])
def test_libxcb_says_a_garbled_or_absent_display_cannot_be_reached(display: str) -> None:
    if platform_check._library("libxcb.so.1") is None:
        pytest.skip("needs libxcb")
    assert platform_check.x_display_reachable(display) is False


@pytest.fixture
def wayland_plugin_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Qt's Wayland plugin 'installed' with all its libraries; the compositor looked for."""
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.setattr(platform_check, "wayland_plugin", lambda: WAYLAND_PLUGIN)
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin: [])


@pytest.mark.usefixtures("wayland_plugin_loads")
def test_wayland_asked_for_without_a_compositor_is_one_line(tmp_path: Path) -> None:
    environ = {"QT_QPA_PLATFORM": "wayland", "XDG_RUNTIME_DIR": str(tmp_path)}
    problem = platform_check.platform_problem(environ)
    assert problem is not None
    assert f"no Wayland compositor answers at {tmp_path / 'wayland-0'}" in problem
    missing_runtime = platform_check.platform_problem({"QT_QPA_PLATFORM": "wayland"})
    assert missing_runtime is not None
    assert "(XDG_RUNTIME_DIR is not set)" in missing_runtime


@pytest.mark.usefixtures("wayland_plugin_loads")
def test_wayland_asked_for_with_a_compositor_starts(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as compositor:
        compositor.bind(str(tmp_path / "wayland-1"))
        compositor.listen(1)
        environ = {
            "QT_QPA_PLATFORM": "wayland",
            "XDG_RUNTIME_DIR": str(tmp_path),
            "WAYLAND_DISPLAY": "wayland-1",
        }
        assert platform_check.platform_problem(environ) is None
        session = {**environ, "XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}
        del session["QT_QPA_PLATFORM"]
        assert platform_check.choose_platform(session) == "wayland"


@pytest.mark.usefixtures("wayland_plugin_loads")
def test_a_wayland_session_whose_compositor_is_gone_uses_xwayland(tmp_path: Path) -> None:
    session = {**WAYLAND, **X11, "XDG_RUNTIME_DIR": str(tmp_path)}
    assert platform_check.choose_platform(session) == "xcb"


def test_wayland_asked_for_lacking_a_library_names_it(plugins: dict[Path, list[str]]) -> None:
    plugins[WAYLAND_PLUGIN] = ["libwayland-cursor.so.0"]
    problem = platform_check.platform_problem({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"})
    assert problem is not None
    assert "Qt's Wayland platform plugin needs libwayland-cursor.so.0" in problem
