"""Build the standalone annotator: one command per system.

    python3 packaging/build.py            # this system's artefacts, in dist/
    python3 packaging/build.py --clean    # the same, with PyInstaller's cache emptied first

It makes its own build venv (build/venv) with the app and its ``stats`` (SPSS/Stata),
``analysis`` (charts) and ``machine`` (the offline machine coder: scikit-learn) extras,
PyInstaller (>=6) and Pillow, runs packaging/annotator.spec, and
packs the result:

- Linux: ``dist/annotator-<version>-linux-x86_64.tar.gz`` (the one-folder app) and
  ``dist/annotator_<version>_amd64.deb`` (installs it under /opt/annotator, with
  /usr/bin/annotator, a desktop entry, icons and the ``.annotator`` file type);
- Windows: ``dist/annotator-<version>-windows-x86_64.zip`` (the one-folder app);
- macOS: ``dist/annotator-<version>-macos-<arch>.dmg`` (annotator.app).

Windows and macOS are built by .github/workflows/bundle.yml on hosted runners; only the Linux
build has been run and tried on a desktop. The venv is reused while pyproject.toml and this
script's requirements are unchanged. Needs only the standard library to start.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

from bundle_libs import BASE_LIBRARIES, internal_folder, report, system_dependencies

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
DIST = ROOT / "dist"
VENV = BUILD / "venv"
WORK = BUILD / "pyinstaller"
SPEC = ROOT / "packaging" / "annotator.spec"
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
BUILD_REQUIREMENTS = ["pyinstaller>=6", "pillow>=10"]
EXTRAS = "stats,analysis,machine"
MAINTAINER = "The annotator team <annotator@example.invalid>"
DESCRIPTION = (
    "Qualitative coding of news articles\n"
    " Code news articles with two or more coders, measure inter-coder agreement and export\n"
    " tidy data for R, SPSS and Stata. Standalone build: Python and Qt are inside."
)


def version() -> str:
    text = (ROOT / "annotator" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    if found is None:
        raise SystemExit("annotator/__init__.py: no __version__")
    return found.group(1)


def system() -> str:
    """linux, windows or macos."""
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    raise SystemExit(f"no bundle recipe for {sys.platform}")


def run(*command: str | Path, cwd: Path = ROOT) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=cwd, check=True)


# -- the build venv ----------------------------------------------------------------------------


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def requirements_stamp() -> str:
    """Changes when what the venv must hold changes (the app's dependencies, this script's)."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(repr((BUILD_REQUIREMENTS, EXTRAS, sys.version)).encode())
    return digest.hexdigest()


def ensure_venv() -> Path:
    """The build venv with everything installed, made or brought up to date."""
    python = venv_python()
    stamp_file = VENV / "annotator-build.stamp"
    stamp = requirements_stamp()
    if python.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        print(f"build venv up to date: {VENV.relative_to(ROOT)}", flush=True)
        return python
    if not python.exists():
        run(sys.executable, "-m", "venv", VENV)
    run(python, "-m", "pip", "install", "-q", "--upgrade", "pip")
    run(python, "-m", "pip", "install", "-q", f"{ROOT}[{EXTRAS}]", *BUILD_REQUIREMENTS)
    stamp_file.write_text(stamp)
    return python


# -- PyInstaller ---------------------------------------------------------------------------------


def freeze(python: Path, clean: bool) -> Path:
    """Run the spec; the one-folder app (or annotator.app on macOS)."""
    extra = ["--clean"] if clean else []
    run(
        python,
        "-m",
        "PyInstaller",
        "--noconfirm",
        *extra,
        "--distpath",
        WORK / "dist",
        "--workpath",
        WORK / "work",
        SPEC,
    )
    return WORK / "dist" / ("annotator.app" if system() == "macos" else "annotator")


def strip_debug_info(app: Path) -> None:
    """Take the debugging information out of the app's shared libraries (``strip
    --strip-debug``: symbols stay): Python's own library alone carries 17 MB of it. The
    libraries wheels bring in their ``*.libs`` folders are left alone (patched by auditwheel)."""
    strip, objdump = shutil.which("strip"), shutil.which("objdump")
    if strip is None or objdump is None:
        print("strip or objdump not installed (binutils): debugging information kept")
        return
    before = folder_size_mb(app)
    for path in sorted(app.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        if any(part.endswith(".libs") for part in path.relative_to(app).parts):
            continue
        sections = subprocess.run(
            [objdump, "-h", str(path)], capture_output=True, text=True, check=False
        ).stdout
        if " .debug_info " in sections:
            subprocess.run([strip, "--strip-debug", str(path)], check=True)
    print(f"debugging information stripped: {before:.1f} MB -> {folder_size_mb(app):.1f} MB")


def folder_size_mb(folder: Path) -> float:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 2**20


# -- Linux: tar.gz and .deb ----------------------------------------------------------------------


def linux_tarball(app: Path, release: str) -> Path:
    """The one-folder app as annotator-<version>/ in a .tar.gz (executable bits kept)."""
    target = DIST / f"annotator-{release}-linux-x86_64.tar.gz"
    with tarfile.open(target, "w:gz") as archive:
        archive.add(app, arcname=f"annotator-{release}", filter=_owned_by_root)
    return target


def _owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def glibc_needed(app: Path) -> str | None:
    """The newest GLIBC_x.y symbol version any ELF file of the app asks for (objdump)."""
    objdump = shutil.which("objdump")
    if objdump is None:
        return None
    newest: tuple[int, ...] = ()
    files = [p for p in app.rglob("*") if p.is_file() and not p.is_symlink()]
    elf = [p for p in files if p.read_bytes()[:4] == b"\x7fELF"]
    for start in range(0, len(elf), 200):
        output = subprocess.run(
            [objdump, "-p", *map(str, elf[start : start + 200])],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for found in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", output):
            newest = max(newest, tuple(int(part) for part in found.split(".")))
    return ".".join(map(str, newest)) if newest else None


def deb_depends(app: Path) -> str:
    """The base-system packages the app takes libraries from (packaging/bundle_libs.py)."""
    packages = sorted({BASE_LIBRARIES[name] for name in system_dependencies(internal_folder(app))})
    glibc = glibc_needed(app)
    return ", ".join(
        f"libc6 (>= {glibc})" if name == "libc6" and glibc else name for name in packages
    )


def linux_deb(app: Path, release: str) -> Path:
    """A .deb installing the app under /opt/annotator, /usr/bin/annotator, the desktop entry,
    hicolor icons (the app's and the project file type's) and the MIME type of *.annotator."""
    stage = BUILD / "deb" / f"annotator_{release}_amd64"
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(app, stage / "opt" / "annotator", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "annotator").symlink_to("/opt/annotator/annotator")
    share = stage / "usr" / "share"
    for folder, source, name in (
        ("applications", LINUX / "annotator.desktop", "annotator.desktop"),
        ("mime/packages", LINUX / "annotator-mime.xml", "annotator.xml"),
        ("icons/hicolor/scalable/apps", ICONS / "annotator.svg", "annotator.svg"),
        (
            "icons/hicolor/scalable/mimetypes",
            ICONS / "annotator.svg",
            "application-x-annotator-project.svg",
        ),
    ):
        (share / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, share / folder / name)
    for size in ICON_SIZES:
        for kind, name in (("apps", "annotator"), ("mimetypes", "application-x-annotator-project")):
            folder = share / "icons" / "hicolor" / f"{size}x{size}" / kind
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ICONS / f"annotator-{size}.png", folder / f"{name}.png")
    validate_desktop_entry(share / "applications" / "annotator.desktop")
    installed_kb = sum(
        p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()
    )
    control = stage / "DEBIAN" / "control"
    control.parent.mkdir()
    depends = deb_depends(app)
    control.write_text(
        f"Package: annotator\nVersion: {release}\nArchitecture: amd64\n"
        f"Maintainer: {MAINTAINER}\nInstalled-Size: {installed_kb // 1024}\n"
        + (f"Depends: {depends}\n" if depends else "")
        + "Section: science\nPriority: optional\n"
        f"Homepage: https://example.invalid/annotator\nDescription: {DESCRIPTION}\n",
        encoding="utf-8",
    )
    for path in stage.rglob("*"):  # dpkg-deb wants 0755 folders and no group/other writes
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    target = DIST / f"annotator_{release}_amd64.deb"
    run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", stage, target)
    return target


def validate_desktop_entry(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        print("desktop-file-validate not installed: the desktop entry is not validated")
        return
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0 or result.stdout.strip():
        raise SystemExit(f"{path.name}: desktop-file-validate: {result.stdout.strip()}")


def check_libraries(app: Path) -> None:
    """Refuse a Linux bundle whose X11 plugin needs a library neither inside nor in the base
    system (packaging/bundle_libs.py)."""
    passed, lines = report(app)
    print("\n".join(lines))
    if not passed:
        raise SystemExit("the bundle lacks libraries its X11 plugin needs (see above)")


# -- Windows and macOS -----------------------------------------------------------------------------


def windows_zip(app: Path, release: str) -> Path:
    target = DIST / f"annotator-{release}-windows-x86_64.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(app.rglob("*")):
            archive.write(path, Path(f"annotator-{release}") / path.relative_to(app))
    return target


def macos_dmg(app: Path, release: str) -> Path:
    target = DIST / f"annotator-{release}-macos-{platform.machine()}.dmg"
    stage = BUILD / "dmg"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copytree(app, stage / app.name, symlinks=True)
    (stage / "Applications").symlink_to("/Applications")
    target.unlink(missing_ok=True)
    run(
        "hdiutil",
        "create",
        "-volname",
        "annotator",
        "-srcfolder",
        stage,
        "-ov",
        "-format",
        "UDZO",
        target,
    )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    arguments = parser.parse_args(argv)
    target_system = system()
    started = time.perf_counter()
    release = version()
    python = ensure_venv()
    app = freeze(python, arguments.clean)
    DIST.mkdir(exist_ok=True)
    if target_system == "linux":
        strip_debug_info(app)
        check_libraries(app)
        made = [linux_tarball(app, release), linux_deb(app, release)]
    elif target_system == "windows":
        made = [windows_zip(app, release)]
    else:
        made = [macos_dmg(app, release)]
    print(f"one-folder app: {app} ({folder_size_mb(app):.1f} MB unpacked)")
    for path in made:
        print(f"made {path.relative_to(ROOT)} ({path.stat().st_size / 2**20:.1f} MB)")
    print(f"in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
