"""Which shared libraries a Linux bundle brings, and which it takes from the system.

The standalone app must start on a desktop with no extra packages, so every library Qt's X11
plugin (``libqxcb.so``) needs, directly or through others, must be inside the bundle — except
a short list of base-system libraries that every Linux desktop has and that must come from the
system (the C library, and the graphics driver's OpenGL/EGL, which are tied to the machine).

``python3 packaging/bundle_libs.py BUNDLE_FOLDER`` prints the verdict; build.py refuses a
bundle that needs anything else, and tests/benchmarks/bundle_smoke.py checks it again.
Needs only the standard library (and ``ldd``, for the second opinion).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.ui.platform_check import dynamic_section  # plain ELF reading: no Qt

# Libraries the bundle may take from the system, with the Debian package holding each (the
# .deb's Depends). glibc; the graphics driver's OpenGL/EGL (a copy would not match the
# machine's driver); X11 and xcb themselves (the server's protocol libraries, on every X11 and
# XWayland desktop); fontconfig and FreeType (they must read the system's font configuration);
# D-Bus and GLib (the session's services).
BASE_LIBRARIES: dict[str, str] = {
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
    "libutil.so.1": "libc6",
    "libresolv.so.2": "libc6",
    "ld-linux-x86-64.so.2": "libc6",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}
# The Wayland client libraries: Qt's Wayland plugin needs them, and every Wayland desktop has
# them (as every X11 desktop has libxcb); on X11 that plugin is never loaded.
WAYLAND_LIBRARIES: dict[str, str] = {
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}

PLUGIN = Path("PySide6") / "Qt" / "plugins" / "platforms" / "libqxcb.so"


@dataclass
class Closure:
    """What a library needs, directly or through others: found inside the bundle, taken from
    the base system, or neither (a bundle that would not start where it is missing)."""

    bundled: dict[str, Path] = field(default_factory=dict)
    base: set[str] = field(default_factory=set)
    outside: set[str] = field(default_factory=set)


def internal_folder(bundle: Path) -> Path:
    """The folder holding the app's own files: PyInstaller's ``_internal`` (sys._MEIPASS)."""
    internal = bundle / "_internal"
    return internal if internal.is_dir() else bundle


def closure(library: Path, internal: Path) -> Closure:
    """Follow ``library``'s DT_NEEDED entries as the app's loader does: its RUNPATH folders,
    then the bundle's top folder (the bootloader's library path), then Qt's lib folder."""
    qt_lib = internal / "PySide6" / "Qt" / "lib"
    found = Closure()
    pending = [library]
    while pending:
        current = pending.pop()
        needed, runpath = dynamic_section(current)
        folders = [Path(p.replace("$ORIGIN", str(current.parent))) for p in runpath]
        folders += [internal, qt_lib]
        for name in needed:
            if name in found.bundled or name in found.base or name in found.outside:
                continue
            inside = next((f / name for f in folders if (f / name).is_file()), None)
            if inside is not None:
                found.bundled[name] = inside
                pending.append(inside)
            elif name in BASE_LIBRARIES:
                found.base.add(name)
            else:
                found.outside.add(name)
    return found


_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def ldd_not_found(library: Path, internal: Path) -> list[str]:
    """What ``ldd`` cannot find for ``library`` with the bundle's library folders first."""
    environ = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6/Qt/lib'}"}
    result = subprocess.run(
        ["ldd", str(library)], capture_output=True, text=True, env=environ, check=False
    )
    return sorted(set(_NOT_FOUND.findall(result.stdout)))


def system_dependencies(internal: Path) -> set[str]:
    """The base-system libraries some ELF file of the bundle needs and does not bring."""
    needed: set[str] = set()
    for path in elf_files(internal):
        needed |= closure(path, internal).base
    return needed


def elf_files(internal: Path) -> list[Path]:
    """Every shared library and extension module of the bundle (no symbolic links)."""
    return sorted(
        path
        for path in internal.rglob("*.so*")
        if path.is_file() and not path.is_symlink() and path.read_bytes()[:4] == b"\x7fELF"
    )


def unresolved(internal: Path) -> dict[str, list[str]]:
    """Libraries some ELF file of the bundle needs that are neither inside it, nor base-system
    libraries, nor Wayland's: each with the files that need it."""
    found: dict[str, list[str]] = {}
    for path in elf_files(internal):
        for name in closure(path, internal).outside - WAYLAND_LIBRARIES.keys():
            found.setdefault(name, []).append(str(path.relative_to(internal)))
    return found


def report(bundle: Path) -> tuple[bool, list[str]]:
    """Check the one-folder build at ``bundle``: its X11 plugin, then every ELF file in it;
    (passed, lines to print)."""
    internal = internal_folder(bundle)
    plugin = internal / PLUGIN
    if not plugin.is_file():
        return False, [f"{plugin}: no X11 platform plugin in the bundle"]
    found = closure(plugin, internal)
    missing = ldd_not_found(plugin, internal)
    elsewhere = unresolved(internal)
    lines = [
        f"libqxcb.so needs {len(found.bundled) + len(found.base) + len(found.outside)} "
        "libraries, directly or through others:",
        f"  inside the bundle ({len(found.bundled)}): {', '.join(sorted(found.bundled))}",
        f"  from the base system ({len(found.base)}): {', '.join(sorted(found.base))}",
        f"  neither ({len(found.outside)}): {', '.join(sorted(found.outside)) or 'none'}",
        f"  ldd with the bundle's folders: not found: {', '.join(missing) or 'none'}",
        f"the bundle's {len(elf_files(internal))} ELF files need nothing else outside it "
        "but the base system and Wayland's client libraries"
        if not elsewhere
        else "other ELF files of the bundle need, from outside it: "
        + "; ".join(f"{name} (by {', '.join(users[:3])})" for name, users in elsewhere.items()),
    ]
    return not found.outside and not missing and not elsewhere, lines


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 packaging/bundle_libs.py BUNDLE_FOLDER", file=sys.stderr)
        return 2
    passed, lines = report(Path(argv[0]))
    print("\n".join(lines))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
