"""Smoke test of the standalone Linux app (packaging/build.py), outside the default test run.

    python3 packaging/build.py                       # first: build the bundle (minutes)
    python3 tests/benchmarks/bundle_smoke.py         # then: unpack it and try it

Unpacks ``dist/annotator-<version>-linux-x86_64.tar.gz`` (or takes ``--bundle FOLDER``) into a
temporary folder and runs it as a desktop with no Python would: ``env -i`` with only HOME (a
new, empty folder) and DISPLAY (its own Xvfb), no venv, no PYTHONPATH, no PATH. It checks:

- ``annotator --version`` names this checkout's version;
- the first start: the window opens on the default project made from the demo corpus (the
  coder dialog first, answered with Return; the window's title found with ``xdotool search
  --name``), with annotator's icon (``_NET_WM_ICON``), a screenshot of it
  (``build/bundle-smoke/window.png``: look at it);
- the next starts, the coder remembered: process start to the window shown (``bundle_start_s``,
  the median of five);
- ``annotator agreement`` on that project, and a few other commands that need the bundled data
  and optional packages (an SPSS export, a PDF chart, a web page imported, stop words);
- the X11 plugin's libraries: every one inside the bundle or a base-system library
  (packaging/bundle_libs.py), and ``ldd`` finds them all;
- run as root, one more start with the system's copies of the xcb libraries the bundle brings
  (libxcb-cursor, libxkbcommon-x11…) hidden in a private mount namespace: the window opens.

Prints one JSON object (``bundle_size_mb``: the unpacked one-folder app; ``bundle_start_s``);
exits non-zero when a check fails. tests/benchmarks/run.py reports the same two figures.
Needs Xvfb, xdotool, xprop and ImageMagick's ``import`` (apt install xvfb xdotool x11-utils
imagemagick).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from bundle_libs import report as library_report  # noqa: E402

OUTPUT = ROOT / "build" / "bundle-smoke"
TOOLS = ("Xvfb", "xdotool", "import", "xprop")
DIALOG_TITLE = "Who is coding?"
WINDOW_TITLE = r"^default\.annotator — coder: .+ — annotator$"
START_REPEATS = 5


class SmokeError(Exception):
    """A check of the bundle failed."""


def version() -> str:
    text = (ROOT / "annotator" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    assert found is not None
    return found.group(1)


def tarball() -> Path:
    return ROOT / "dist" / f"annotator-{version()}-linux-x86_64.tar.gz"


def built_bundle() -> Path | None:
    """What build.py made: the tarball if there is one, else the one-folder app; or None."""
    if tarball().is_file():
        return tarball()
    folder = ROOT / "build" / "pyinstaller" / "dist" / "annotator"
    return folder if (folder / "annotator").is_file() else None


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def folder_size_mb(folder: Path) -> float:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 2**20


@contextmanager
def unpacked(bundle: Path) -> Iterator[Path]:
    """The one-folder app: the tarball unpacked into a temporary folder, or the folder itself."""
    if bundle.is_dir():
        yield bundle
        return
    with tempfile.TemporaryDirectory(prefix="annotator-bundle-") as temporary:
        with tarfile.open(bundle) as archive:
            archive.extractall(temporary, filter="tar")
        (folder,) = Path(temporary).iterdir()
        yield folder


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X server; its DISPLAY."""
    read, write = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            "1400x900x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    display = f":{number}"
    if not number or not _answers(display):
        server.kill()
        server.wait(10)
        raise SmokeError(f"Xvfb did not start (display {display!r})")
    try:
        yield display
    finally:
        server.terminate()
        server.wait(10)


def _answers(display: str, timeout: float = 10) -> bool:
    """Whether an X client can talk to ``display`` (within ``timeout`` seconds)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        asked = subprocess.run(
            ["xdotool", "getdisplaygeometry"],
            env={**os.environ, "DISPLAY": display},
            capture_output=True,
            check=False,
        )
        if asked.returncode == 0:
            return True
        time.sleep(0.1)
    return False


class Desktop:
    """The clean environment the app runs in: an empty HOME, a DISPLAY, nothing else."""

    def __init__(self, app: Path, home: Path, display: str) -> None:
        self.executable = app / "annotator"
        self.home = home
        self.display = display
        self.env = {"HOME": str(home), "DISPLAY": display}

    def command(self, *args: str, timeout: float = 120) -> str:
        """Run ``annotator ARGS`` from the bundle; its output (a failure raises SmokeError)."""
        result = subprocess.run(
            [str(self.executable), *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            problem = result.stderr.strip()[-500:]
            raise SmokeError(f"annotator {' '.join(args)}: exit {result.returncode}: {problem}")
        return result.stdout

    def find_window(self, pattern: str) -> str | None:
        """The id of a visible window whose title matches ``pattern`` (a regular expression)."""
        result = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", pattern],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            check=False,
        )
        ids = result.stdout.split()
        return ids[0] if ids else None

    def wait_for(self, pattern: str, process: subprocess.Popen[bytes], timeout: float) -> str:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            window = self.find_window(pattern)
            if window is not None:
                return window
            if process.poll() is not None:
                output = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise SmokeError(
                    f"the app exited ({process.returncode}) before a window matching "
                    f"{pattern!r} showed: {output.strip()[-800:]}"
                )
            time.sleep(0.02)
        raise SmokeError(f"no window matching {pattern!r} within {timeout:.0f} s")

    def start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(self.executable)],
            env=self.env,
            cwd=self.home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def keys(self, window: str, *keys: str) -> None:
        environ = {**os.environ, "DISPLAY": self.display}
        subprocess.run(["xdotool", "windowfocus", "--sync", window], env=environ, check=False)
        subprocess.run(["xdotool", "key", "--clearmodifiers", *keys], env=environ, check=True)

    def title(self, window: str) -> str:
        return subprocess.run(
            ["xdotool", "getwindowname", window],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def icon_sizes(self, window: str) -> list[str]:
        """The sizes of the icon the window gives the desktop (``16 x 16``…), from xprop."""
        shown = subprocess.run(
            ["xprop", "-id", window, "_NET_WM_ICON"],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return re.findall(r"Icon \((\d+ x \d+)\)", shown)

    def screenshot(self, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["import", "-window", "root", str(target)],
            env={**os.environ, "DISPLAY": self.display},
            check=True,
        )

    def quit(self, window: str, process: subprocess.Popen[bytes]) -> None:
        """Ctrl+Q, as a user would; the app must then exit by itself, with status 0."""
        self.keys(window, "ctrl+q")
        try:
            status = process.wait(30)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGTERM)
            process.wait(10)
            raise SmokeError("the app did not quit on Ctrl+Q") from None
        if status != 0:
            raise SmokeError(f"the app exited with status {status} on Ctrl+Q")


def first_start(desktop: Desktop, screenshot: Path) -> tuple[float, str, list[str]]:
    """The very first start: the coder dialog (answered with Return: the demo's first coder),
    then the window on the default project. (seconds to the dialog, the window's title, the
    sizes of its icon)."""
    started = time.perf_counter()
    process = desktop.start()
    try:
        dialog = desktop.wait_for(f"^{re.escape(DIALOG_TITLE)}$", process, 120)
        to_dialog = time.perf_counter() - started
        time.sleep(0.5)  # let the dialog take its focus before typing into it
        desktop.keys(dialog, "Return")
        window = desktop.wait_for(WINDOW_TITLE, process, 60)
        time.sleep(2)  # the window fills its lists and paints
        desktop.screenshot(screenshot)
        title = desktop.title(window)
        icons = desktop.icon_sizes(window)
        if "16 x 16" not in icons or "48 x 48" not in icons:
            raise SmokeError(f"the window's icon is not annotator's (sizes: {icons})")
        desktop.quit(window, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return to_dialog, title, icons


def later_start(desktop: Desktop) -> float:
    """A start with the coder remembered: seconds from starting the process to the window."""
    started = time.perf_counter()
    process = desktop.start()
    try:
        window = desktop.wait_for(WINDOW_TITLE, process, 120)
        shown = time.perf_counter() - started
        desktop.quit(window, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return shown


SYSTEM_LIBRARY_FOLDERS = (
    Path("/usr/lib/x86_64-linux-gnu"),
    Path("/lib/x86_64-linux-gnu"),
    Path("/usr/lib64"),
    Path("/usr/lib"),
)


# The libraries the X11 plugin needs that desktops often lack (libxcb-cursor0 and the other
# xcb utilities, libxkbcommon-x11-0…): the bundle brings them.
OFTEN_MISSING = re.compile(r"^lib(xcb-.+|xkbcommon.*|X11-xcb)\.so\.\d+$")


def system_copies(app: Path) -> list[Path]:
    """The system's own files of the xcb and xkbcommon libraries the bundle brings for its X11
    plugin: what a desktop without those packages lacks."""
    from bundle_libs import PLUGIN, closure, internal_folder

    internal = internal_folder(app)
    bundled = closure(internal / PLUGIN, internal).bundled
    found = {
        (folder / name).resolve()
        for name, inside in bundled.items()
        if inside.parent == internal and OFTEN_MISSING.match(name)
        for folder in SYSTEM_LIBRARY_FOLDERS
        if (folder / name).exists()
    }
    return sorted(found)


def start_without_system_libraries(desktop: Desktop, app: Path) -> str:
    """Start the app in a mount namespace where the system's copies of the xcb libraries the
    bundle brings are hidden (``/dev/null`` bound over each file), as on a desktop that lacks
    libxcb-cursor0 and the others; the window must still open. Needs root and ``unshare``."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return "not tried (needs root and unshare)"
    hidden = system_copies(app)
    if not hidden:
        return "not tried (the system has none of the libraries the bundle brings)"
    mounts = " && ".join(f"mount --bind /dev/null '{path}'" for path in hidden)
    emptied = " && ".join(f"[ ! -s '{path}' ]" for path in hidden)
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            f"{mounts} && {emptied} && exec env -i HOME='{desktop.home}' "
            f"DISPLAY='{desktop.display}' '{desktop.executable}'",
        ],
        cwd=desktop.home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        window = desktop.wait_for(WINDOW_TITLE, process, 120)
        shown = time.perf_counter() - started
        desktop.quit(window, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    names = ", ".join(path.name for path in hidden)
    return f"window shown in {shown:.2f} s with {len(hidden)} system libraries hidden: {names}"


def other_commands(desktop: Desktop, project: Path) -> list[str]:
    """Commands that need what the bundle must carry besides Qt; what each showed."""
    home = desktop.home
    page = home / "story.html"
    page.write_text(
        "<html><head><title>Workers cross the border</title></head><body><article>"
        "<h1>Workers cross the border</h1><p>Workers who left a restaurant abroad crossed "
        "into a third country, officials said on Thursday, and brokers arranged passage.</p>"
        "<p>Families received remittances months later, according to people close to them, "
        "who asked not to be named.</p></article></body></html>",
        encoding="utf-8",
    )
    copy = home / "copy.annotator"
    desktop.command("new", str(copy), "--demo")
    shown = [
        desktop.command("export", str(project), "--format", "sav", "-o", str(home / "s.sav")),
        desktop.command(
            "analyze",
            "frequencies",
            str(project),
            "--by",
            "outlet",
            "--chart",
            str(home / "chart.pdf"),
        ),
        desktop.command("import", str(copy), str(page)),
        desktop.command("words", str(copy), "--top", "3", "--language", "en"),
    ]
    for name in ("s.sav", "chart.pdf"):
        if not (home / name).is_file() or (home / name).stat().st_size == 0:
            raise SmokeError(f"{name} was not written")
    if not (home / "chart.pdf").read_bytes().startswith(b"%PDF"):
        raise SmokeError("chart.pdf is not a PDF")
    return [text.strip().splitlines()[-1] for text in shown]


def smoke(bundle: Path, screenshot: Path = OUTPUT / "window.png") -> dict[str, object]:
    """Run every check on ``bundle`` (a tarball or a one-folder app); the figures."""
    with unpacked(bundle) as app, tempfile.TemporaryDirectory(prefix="annotator-home-") as home:
        passed, lines = library_report(app)
        if not passed:
            raise SmokeError("the X11 plugin's libraries:\n" + "\n".join(lines))
        with xvfb() as display:
            desktop = Desktop(app, Path(home), display)
            said = desktop.command("--version").strip()
            if said != f"annotator, version {version()}":
                raise SmokeError(f"annotator --version said {said!r}")
            to_dialog, title, icons = first_start(desktop, screenshot)
            starts = [later_start(desktop) for _ in range(START_REPEATS)]
            without_system = start_without_system_libraries(desktop, app)
            project = Path(home) / ".local" / "share" / "annotator" / "default.annotator"
            agreement = desktop.command("agreement", str(project))
            if not agreement.startswith("Coders: Ana, Ben"):
                raise SmokeError(f"annotator agreement said: {agreement[:200]!r}")
            others = other_commands(desktop, project)
        return {
            "bundle_size_mb": round(folder_size_mb(app), 1),
            "bundle_start_s": round(statistics.median(starts), 3),
            "bundle_start_runs_s": [round(s, 3) for s in starts],
            "bundle_first_start_to_dialog_s": round(to_dialog, 3),
            "bundle_window_title": title,
            "bundle_window_icon_sizes": icons,
            "bundle_version": said,
            "bundle_agreement_first_line": agreement.splitlines()[0],
            "bundle_other_commands": others,
            "bundle_without_system_xcb_libraries": without_system,
            "bundle_libraries": lines,
            "bundle_screenshot": str(screenshot),
            "bundle_tested": str(bundle),
        }


BUNDLE_KEYS = {"bundle_size_mb", "bundle_start_s"}
NOTE_KEY = "bundle_note"


def bench_bundle(measure_start: bool = True) -> dict[str, float | str]:
    """The figures tests/benchmarks/run.py reports: the unpacked size of the app build.py made
    and its start time (the whole smoke test runs for it); a note instead of what cannot be
    measured (no bundle built, tools missing, or ``measure_start`` off)."""
    bundle = built_bundle()
    if bundle is None:
        return {
            NOTE_KEY: "no bundle built (python3 packaging/build.py): bundle_size_mb and "
            "bundle_start_s not measured"
        }
    if not measure_start or missing_tools():
        with unpacked(bundle) as app:
            size = round(folder_size_mb(app), 1)
        why = f"needs {', '.join(missing_tools())}" if missing_tools() else "not run with --quick"
        return {
            "bundle_size_mb": size,
            NOTE_KEY: f"bundle_start_s not measured ({why}; python tests/benchmarks/"
            "bundle_smoke.py measures it)",
        }
    figures = smoke(bundle)
    return {key: value for key, value in figures.items() if key in BUNDLE_KEYS}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bundle", type=Path, help="a tarball or one-folder app to try")
    arguments = parser.parse_args()
    bundle = arguments.bundle.resolve() if arguments.bundle else built_bundle()
    if bundle is None:
        print("no bundle: build it first with python3 packaging/build.py", file=sys.stderr)
        return 2
    if missing_tools():
        needed = ", ".join(missing_tools())
        print(f"needs {needed} (apt install xvfb xdotool imagemagick)", file=sys.stderr)
        return 2
    try:
        figures = smoke(bundle)
    except SmokeError as error:
        print(f"bundle smoke test failed: {error}", file=sys.stderr)
        return 1
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
