"""Before Qt starts on an X11 desktop: are the libraries of its xcb platform plugin there?

Since Qt 6.5 the plugin needs ``libxcb-cursor0``, which many desktops lack; Qt then aborts
with "could not load the Qt platform plugin" and may name the wrong library. This module
resolves every library PySide6's ``libqxcb.so`` links to, directly or through Qt's own
libraries (with ``ldd`` where there is one, else by reading the ELF files' ``DT_NEEDED``
entries and loading each system library), and turns what is missing into one line saying
what to install. It imports no Qt: it runs before Qt is loaded.

In a standalone app (PyInstaller, see packaging/) the plugin and the libraries it needs lie in
the app's own folder (``sys._MEIPASS``): the check looks there, and counts a library found in
that folder as present, as the app's loader does.

A plugin whose libraries are all there still aborts the process when its display server cannot
be reached (no ``DISPLAY``, a garbled one, an X server gone, ``QT_QPA_PLATFORM=wayland`` with
no compositor), and Qt then blames ``libxcb-cursor0``: the display is tried first (with
``libxcb``'s own connect, as Qt does; a Wayland compositor's socket), and its absence is one
line too.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

# A library's file name → the package holding it on Debian/Ubuntu (apt), Fedora (dnf) and
# Arch (pacman).
PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": (
        "libxcb-render-util0",
        "xcb-util-renderutil",
        "xcb-util-renderutil",
    ),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    # Qt's Wayland plugin
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "wayland"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl", "wayland"),
}
SYSTEMS = (("Debian/Ubuntu", "sudo apt install"), ("Fedora", "sudo dnf install"))
ARCH = ("Arch", "sudo pacman -S")
WITHOUT_WINDOW = "Every command in 'annotator --help' works without the window."


def will_use_xcb(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True if Qt will load its xcb (X11) plugin: on Linux, with no QT_QPA_PLATFORM or one
    whose first choice is xcb, not on a Wayland session (Qt picks Wayland there), a DISPLAY
    set (without one Qt has no X server to talk to and says so itself)."""
    environ = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    if environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY"):
        return False
    return bool(environ.get("DISPLAY"))


def on_wayland(environ: Mapping[str, str] | None = None) -> bool:
    """A Wayland session: Qt would pick its Wayland plugin."""
    environ = os.environ if environ is None else environ
    return environ.get("XDG_SESSION_TYPE") == "wayland" and bool(environ.get("WAYLAND_DISPLAY"))


def choose_platform(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """The platform to ask Qt for, where the user chose none: on a Wayland session, Qt's
    Wayland plugin if every library it needs is here and the compositor answers, else X11
    through XWayland (where there is a DISPLAY; the X11 check then says what that lacks).
    None: leave Qt to choose."""
    environ = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if not on_wayland(environ):
        return None
    plugin = wayland_plugin()
    if (
        plugin is not None
        and not missing_libraries(plugin)
        and wayland_reachable(environ) is not False
    ):
        return "wayland"
    return "xcb" if environ.get("DISPLAY") else None


def frozen_root() -> Path | None:
    """The folder of a standalone app's own files (PyInstaller's ``sys._MEIPASS``), or None
    when annotator runs from an installed Python."""
    if not getattr(sys, "frozen", False):
        return None
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if isinstance(root, str) else None


def _platform_plugin(name: str) -> Path | None:
    """A platform plugin of PySide6 as installed (or bundled in a standalone app)."""
    root = frozen_root()
    folders: list[str] = [str(root / "PySide6")] if root is not None else []
    if root is None:
        spec = importlib.util.find_spec("PySide6")
        folders = list((spec.submodule_search_locations or []) if spec else [])
    for folder in folders:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / name
        if plugin.is_file():
            return plugin
    return None


def xcb_plugin() -> Path | None:
    """PySide6's ``libqxcb.so``, if PySide6 is installed with one."""
    return _platform_plugin("libqxcb.so")


def wayland_plugin() -> Path | None:
    """PySide6's ``libqwayland.so`` (``libqwayland-generic.so`` before Qt 6.10)."""
    return _platform_plugin("libqwayland.so") or _platform_plugin("libqwayland-generic.so")


def missing_libraries(plugin: Path) -> list[str]:
    """The libraries ``plugin`` needs, directly or through others, that cannot be found."""
    found = _missing_by_ldd(plugin)
    return found if found is not None else _missing_by_elf(plugin)


def _bundled_folders() -> list[Path]:
    """Where a standalone app keeps the libraries it brings (its loader looks there first)."""
    root = frozen_root()
    return [root] if root is not None else []


def _ldd_environment() -> dict[str, str]:
    """ldd's environment: a standalone app's library folder ahead of the system's, as its
    loader has it."""
    environ = dict(os.environ)
    bundled = [str(folder) for folder in _bundled_folders()]
    if bundled:
        inherited = environ.get("LD_LIBRARY_PATH", "")
        environ["LD_LIBRARY_PATH"] = os.pathsep.join([*bundled, *filter(None, [inherited])])
    return environ


_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def _missing_by_ldd(plugin: Path) -> list[str] | None:
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        result = subprocess.run(
            [ldd, str(plugin)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
            env=_ldd_environment(),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0 and not _NOT_FOUND.search(result.stdout):
        return None
    return list(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))


def _missing_by_elf(plugin: Path) -> list[str]:
    """Follow DT_NEEDED through the libraries Qt brings (found by their RUNPATH or in Qt's
    lib folder); each other library is loaded to see whether the system has it."""
    qt_lib = plugin.parents[2] / "lib"
    missing: list[str] = []
    seen: set[str] = set()
    pending = [plugin]
    while pending:
        current = pending.pop()
        needed, runpath = dynamic_section(current)
        folders = [Path(p.replace("$ORIGIN", str(current.parent))) for p in runpath]
        folders += [qt_lib, *_bundled_folders()]
        for name in needed:
            if name in seen:
                continue
            seen.add(name)
            bundled = next((f / name for f in folders if (f / name).is_file()), None)
            if bundled is not None:
                pending.append(bundled)
                continue
            problem = _load(name)
            if problem is not None:
                missing.append(problem)
    return list(dict.fromkeys(missing))


def _load(name: str) -> str | None:
    """None if the system has ``name`` (and what it needs); else the library it lacks."""
    try:
        ctypes.CDLL(name)
    except OSError as error:
        # "libxcb-util.so.1: cannot open shared object file": the one really missing
        lacking = str(error).split(":")[0].strip()
        return lacking if lacking.startswith("lib") else name
    return None


_DT_NEEDED, _DT_RPATH, _DT_RUNPATH = 1, 15, 29
_SHT_DYNAMIC = 6


def dynamic_section(path: Path) -> tuple[list[str], list[str]]:
    """An ELF shared library's DT_NEEDED names and its RUNPATH (or RPATH) folders."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF":
        raise ValueError(f"{path.name} is not an ELF file")
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        shoff, shentsize, shnum = struct.unpack_from(f"{order}Q10xHH", data, 0x28)
        section, entry = f"{order}IIQQQQII", f"{order}qQ"
    else:
        shoff, shentsize, shnum = struct.unpack_from(f"{order}I10xHH", data, 0x20)
        section, entry = f"{order}IIIIIIII", f"{order}iI"
    sections = [struct.unpack_from(section, data, shoff + i * shentsize) for i in range(shnum)]
    needed: list[str] = []
    paths: dict[int, list[str]] = {}
    for header in sections:
        if header[1] != _SHT_DYNAMIC:
            continue
        offset, size, link = header[4], header[5], header[6]
        strings = sections[link][4]
        step = struct.calcsize(entry)
        for at in range(offset, offset + size, step):
            tag, value = struct.unpack_from(entry, data, at)
            if tag == 0:
                break
            if tag in (_DT_NEEDED, _DT_RPATH, _DT_RUNPATH):
                end = data.index(b"\x00", strings + value)
                text = data[strings + value : end].decode("utf-8", "replace")
                if tag == _DT_NEEDED:
                    needed.append(text)
                else:
                    paths.setdefault(tag, []).extend(p for p in text.split(":") if p)
    return needed, paths.get(_DT_RUNPATH) or paths.get(_DT_RPATH) or []


def install_hint(missing: list[str], plugin: str = "X11") -> str:
    """One line naming the missing libraries and the packages that bring them."""
    known = [name for name in missing if name in PACKAGES]
    unknown = [name for name in missing if name not in PACKAGES]
    commands = []
    for index, (system, command) in enumerate((*SYSTEMS, ARCH)):
        packages = dict.fromkeys(PACKAGES[name][index] for name in known)
        if packages:
            commands.append(f"{system}: {command} {' '.join(packages)}")
    if unknown:
        commands.append(
            f"for {', '.join(unknown)}: the package that holds it (apt-file search, "
            "dnf provides, pacman -F)"
        )
    other = (
        "or start with QT_QPA_PLATFORM=wayland on a Wayland desktop"
        if plugin == "X11"
        else "or start an X11 session"
    )
    return (
        f"the coding window cannot start: Qt's {plugin} platform plugin needs "
        f"{', '.join(missing)}, which this system lacks. Install "
        f"{'it' if len(missing) == 1 else 'them'} ({'; '.join(commands)}), {other}. "
        + WITHOUT_WINDOW
    )


def _chosen(environ: Mapping[str, str]) -> str:
    """The platform QT_QPA_PLATFORM asks for, when it names one alone ('' otherwise)."""
    value = environ.get("QT_QPA_PLATFORM", "").strip()
    if ";" in value:
        return ""  # a list of choices: Qt goes on to the next one that loads
    return value.split(":")[0].strip()


def platform_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """What stops Qt's platform plugin from starting here, as one line: a library its X11 (or
    Wayland) plugin lacks, or a display server it cannot reach; None if nothing does (or Qt
    will use neither)."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    if on_wayland(environ) and not environ.get("QT_QPA_PLATFORM") and not environ.get("DISPLAY"):
        # Wayland with no XWayland: only the Wayland plugin can start
        plugin = wayland_plugin()
        missing = missing_libraries(plugin) if plugin is not None else []
        return install_hint(missing, "Wayland") if missing else None
    if _chosen(environ) == "wayland":
        plugin = wayland_plugin()
        missing = missing_libraries(plugin) if plugin is not None else []
        if missing:
            return install_hint(missing, "Wayland")
        return wayland_problem(environ)
    no_display = not (
        environ.get("QT_QPA_PLATFORM") or on_wayland(environ) or environ.get("DISPLAY")
    )
    if not (will_use_xcb(environ) or no_display):
        return None
    display = environ.get("DISPLAY", "")
    if not display:
        return no_display_message(environ)
    plugin = xcb_plugin()
    if plugin is None:
        return None  # not a PySide6 we know: let Qt speak for itself
    missing = missing_libraries(plugin)
    if missing:
        return install_hint(missing)
    if x_display_reachable(display) is False:
        return (
            f"the coding window cannot start: the X display '{display}' (DISPLAY) cannot be "
            "reached (is the desktop session still running? over ssh, connect with -X). "
            + WITHOUT_WINDOW
        )
    return None


def no_display_message(environ: Mapping[str, str]) -> str:
    """Qt is to use X11 and DISPLAY names no X server."""
    hint = (
        "on this Wayland session, start with QT_QPA_PLATFORM=wayland"
        if environ.get("WAYLAND_DISPLAY")
        else "start annotator from a desktop session, or over ssh with -X"
    )
    return (
        f"the coding window cannot start: there is no display to show it on (DISPLAY is not "
        f"set: {hint}). " + WITHOUT_WINDOW
    )


#: How long the display is tried before Qt is left to try it itself.
CONNECT_SECONDS = 10.0


def _within(seconds: float, attempt: Callable[[], bool | None]) -> bool | None:
    """``attempt()`` in a thread of its own; None when it does not answer in time (a display
    over a network that does not answer: Qt would wait as long, let it)."""
    answer: list[bool | None] = [None]

    def run() -> None:
        answer[0] = attempt()

    thread = threading.Thread(target=run, name="display check", daemon=True)
    thread.start()
    thread.join(seconds)
    return None if thread.is_alive() else answer[0]


def _library(name: str) -> ctypes.CDLL | None:
    """A shared library as the app's loader finds it (a standalone app's own copy first)."""
    for folder in _bundled_folders():
        if (folder / name).is_file():
            name = str(folder / name)
            break
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def x_display_reachable(display: str) -> bool | None:
    """Whether an X server answers at ``display``, connecting as Qt's X11 plugin does (with
    libxcb, its authority file included); None when that cannot be told."""

    def attempt() -> bool | None:
        xcb = _library("libxcb.so.1")
        if xcb is None:
            return None
        xcb.xcb_connect.restype = ctypes.c_void_p
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
        connection = xcb.xcb_connect(display.encode(), None)
        if not connection:
            return False
        try:
            return int(xcb.xcb_connection_has_error(connection)) == 0
        finally:
            xcb.xcb_disconnect(connection)

    return _within(CONNECT_SECONDS, attempt)


def wayland_socket(environ: Mapping[str, str]) -> Path | None:
    """The socket a Wayland client connects to (``WAYLAND_DISPLAY``, by default
    ``wayland-0``, in ``XDG_RUNTIME_DIR`` unless it is a path); None when that is not set."""
    name = environ.get("WAYLAND_DISPLAY") or "wayland-0"
    if os.path.isabs(name):
        return Path(name)
    runtime = environ.get("XDG_RUNTIME_DIR")
    return Path(runtime) / name if runtime else None


def wayland_reachable(environ: Mapping[str, str]) -> bool | None:
    """Whether a Wayland compositor answers where a client looks for it; None when that
    cannot be told (a socket handed over in ``WAYLAND_SOCKET``, no answer in time)."""
    if environ.get("WAYLAND_SOCKET"):
        return None
    path = wayland_socket(environ)

    def attempt() -> bool:
        if path is None:
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            try:
                client.connect(str(path))
            except OSError:
                return False
        return True

    return _within(CONNECT_SECONDS, attempt)


def wayland_problem(environ: Mapping[str, str]) -> str | None:
    """One line when Qt is to use Wayland and no compositor answers."""
    if wayland_reachable(environ) is not False:
        return None
    path = wayland_socket(environ)
    where = f"at {path}" if path is not None else "(XDG_RUNTIME_DIR is not set)"
    return (
        f"the coding window cannot start: Qt is to use Wayland (QT_QPA_PLATFORM=wayland), and "
        f"no Wayland compositor answers {where}; start annotator from a Wayland desktop "
        "session, or without QT_QPA_PLATFORM. " + WITHOUT_WINDOW
    )
