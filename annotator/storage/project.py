"""The Project facade: one SQLite file holding a whole coding project.

Open a project with :meth:`Project.open` (or make one with :meth:`Project.create`); reach its
records through ``project.documents``, ``project.codebook``, ``project.coders``,
``project.codings``, ``project.statuses``, ``project.memos`` and ``project.machine`` (the
machine coder's runs); group several writes into one transaction with
``with project.transaction():``. Every write method commits on return (or joins the
transaction around it), so nothing waits for a Save.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

from sqlite_utils import Database

from annotator import interrupts
from annotator.domain.errors import (
    DamagedProjectError,
    NotWritableError,
    OutdatedProjectError,
    ProjectError,
)
from annotator.domain.model import new_guid, utc_now
from annotator.storage import schema, search_index, verify
from annotator.storage.access import Access, access_of, check_side_files, connect_reader
from annotator.storage.codebook import CodebookStore, cycle_problems
from annotator.storage.coders import CoderStore
from annotator.storage.codings import CodingStore
from annotator.storage.decisions import DecisionStore
from annotator.storage.deletions import DeletionStore
from annotator.storage.documents import DocumentStore
from annotator.storage.imports import ImportStore
from annotator.storage.lock import ProjectLock
from annotator.storage.machine import MachineStore
from annotator.storage.memos import MemoStore
from annotator.storage.snapshots import CopyProgress, Counts, copy_project_file
from annotator.storage.statuses import StatusStore

SQLITE_HEADER = b"SQLite format 3\x00"

#: What opening a project checks once its schema is annotator's, each returning the problems
#: it finds; nothing is written before all of them pass. (The schema check runs first, in
#: :meth:`Project._checks_on_open`.)
CHECKS_ON_OPEN: tuple[Callable[[sqlite3.Connection], list[verify.Problem]], ...] = (
    verify.small_tables_damage,
    cycle_problems,
)
_WRITABLE = Access()
#: SQLite's result codes for a damaged file: SQLITE_CORRUPT and SQLITE_NOTADB.
_DAMAGE_CODES = (11, 26)


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether an SQLite error says the file is damaged (not a busy or read-only file)."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _DAMAGE_CODES
    text = str(error)
    return "malformed" in text or "not a database" in text


def reading_error(path: Path, error: sqlite3.DatabaseError) -> ProjectError:
    """The error to raise for an SQLite error met while reading the project file at ``path``
    (another than the one a command works on: a merge's source), naming that file."""
    if is_damage(error):
        return DamagedProjectError(path, [str(error)], repairable=False)
    return ProjectError(f"{path.name}: could not be read ({error})")


class Project:
    """An open annotator project."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path | None,
        *,
        read_only: bool = False,
        lock: ProjectLock | None = None,
    ) -> None:
        self.path = path
        self.read_only = read_only
        #: Why the project cannot be written where it lies ('' when it can, or in memory).
        self.read_only_reason = ""
        #: Read as an immutable file (a read-only folder: no side files, no locks).
        self.immutable = False
        #: What opening found wrong (only a project opened with ``accept_problems``).
        self.problems: list[verify.Problem] = []
        self._lock = lock
        #: Opened for writing and checked: the log may be folded into the file on closing.
        self._writing = False
        self.closed = False
        #: True while :meth:`create` fills a new project under its temporary name.
        self.being_created = False
        self.db = Database(connection)
        self.documents = DocumentStore(self.db)
        self.codebook = CodebookStore(self.db)
        self.coders = CoderStore(self.db)
        self.codings = CodingStore(self.db)
        self.statuses = StatusStore(self.db)
        self.memos = MemoStore(self.db)
        self.decisions = DecisionStore(self.db)
        self.deletions = DeletionStore(self.db)
        self.imports = ImportStore(self.db)
        self.machine = MachineStore(self.db)

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, setup: Callable[[Project], None] | None = None) -> Project:
        """Create a new project file at ``path`` and return it open for writing.

        ``setup`` fills the new project (codebook, demo articles). The project is built under a
        temporary name and moved into place only when ``setup`` has succeeded, so a failure
        leaves no half-made project behind.
        """
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path.name}: a file of that name already exists")
        if not path.parent.is_dir():
            raise ProjectError(f"{path.name}: the folder {path.parent} does not exist")
        temporary = path.with_name(f".{path.name}.{os.getpid()}.creating")
        try:
            project = cls._connect(temporary, read_only=False, lock=None, create=True)
            project.being_created = True
            try:
                with project.transaction():
                    project._set_info("guid", new_guid())
                    project._set_info("created_at", utc_now())
                if setup is not None:
                    setup(project)
                # Fold the write-ahead log into the file so the file alone is the project.
                project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                project.close()
            if path.exists():
                raise ProjectError(f"{path.name}: a file of that name already exists")
            os.replace(temporary, path)
        finally:
            for leftover in (temporary, *_sidecars(temporary)):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        return cls.open(path)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        before_upgrade: Callable[[Path], object] | None = None,
        accept_problems: bool = False,
    ) -> Project:
        """Open an existing project; refuse files that are not projects, are in use, or are
        not as annotator made them.

        Opening checks the file before anything is written (see :data:`CHECKS_ON_OPEN`): a
        schema the migrations did not make (an extra trigger or view, a changed table) or
        damaged pages refuse it with :class:`DamagedProjectError`; ``accept_problems=True``
        (read-only only) opens it anyway and keeps them in :attr:`problems`, for ``annotator
        check`` and the window's banner.

        A project open for writing in another annotator is refused with a message naming that
        process; so is writing a project in a read-only folder or file, or one with several
        names (:class:`NotWritableError`). ``read_only=True`` opens it anyway, for reading
        (in a read-only folder as an immutable file, without side files). A project of an
        earlier version is brought up to date; ``before_upgrade`` is called with its path
        first (to take a snapshot of it as it was).
        """
        path = Path(path)
        if accept_problems and not read_only:
            raise ValueError("a project with problems can only be opened read-only")
        _check_is_project_file(path)
        check_side_files(path)
        access = access_of(path)
        lock = None
        if not read_only:
            if not access.writable:
                raise NotWritableError(f"{path.name}: {access.reason}")
            lock = ProjectLock(path)
            lock.acquire()
        try:
            project = cls._connect(
                path,
                read_only=read_only,
                lock=lock,
                before_upgrade=before_upgrade,
                access=access,
                accept_problems=accept_problems,
            )
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        try:
            if lock is not None and not lock.still_the_same_file():
                raise ProjectError(
                    f"{path.name}: the file was replaced or linked while it was opened"
                )
        except BaseException:  # that, or a Ctrl+C meanwhile: nothing is left open
            project.close()
            raise
        return project

    @classmethod
    def in_memory(cls) -> Project:
        """A throwaway project in memory (for tests and scratch work)."""
        project = cls._connect(None, read_only=False, lock=None)
        with project.transaction():
            project._set_info("guid", new_guid())
            project._set_info("created_at", utc_now())
        return project

    def worker_connection(self) -> Project:
        """This project again, on a connection of its own, for the thread that calls this
        (SQLite connections stay in the thread that made them): the window's workers read and
        write through one while the window stays responsive. The file was checked and brought
        up to date when this project was opened, so nothing is checked or written on
        connecting; it writes under this project's lock, which it neither takes nor releases.
        Close it before this project."""
        if self.path is None:
            raise ProjectError("a project in memory has no second connection")
        if self.closed:
            raise ProjectError(f"{self.name}: the project is closed")
        if self.read_only:
            return Project.open(self.path, read_only=True)
        try:
            uri = f"{self.path.resolve().as_uri()}?mode=rw"
            connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            project = Project(connection, self.path)
            for pragma in (
                "trusted_schema = OFF",
                "foreign_keys = ON",
                "busy_timeout = 5000",
                "cache_size = -65536",
                "synchronous = FULL",
            ):
                project.db.execute(f"PRAGMA {pragma}")
        except sqlite3.DatabaseError as error:
            raise ProjectError(f"{self.name}: cannot be opened again ({error})") from None
        return project

    @classmethod
    def _connect(
        cls,
        path: Path | None,
        *,
        read_only: bool,
        lock: ProjectLock | None,
        before_upgrade: Callable[[Path], object] | None = None,
        access: Access = _WRITABLE,
        accept_problems: bool = False,
        create: bool = False,
    ) -> Project:
        name = path.name if path is not None else ":memory:"
        try:
            if path is None:
                connection = sqlite3.connect(":memory:", isolation_level=None)
            else:
                # The resolved path: SQLite keeps the write-ahead log beside the name it is
                # given, so a symbolic link must lead to the log of the file itself. A reader
                # leaves no -wal or -shm it made behind (see storage/access.py).
                if read_only:
                    connection = connect_reader(path, access)
                else:
                    mode = "rwc" if create else "rw"
                    uri = f"{path.resolve().as_uri()}?mode={mode}"
                    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            project = cls(connection, path, read_only=read_only, lock=lock)
            project.read_only_reason = access.reason
            project.immutable = read_only and access.immutable
            project._prepare(name, before_upgrade, accept_problems)
        except sqlite3.DatabaseError as error:
            if path is not None and is_damage(error):
                raise DamagedProjectError(path, [str(error)], repairable=False) from None
            if read_only and access.reason and not access.immutable:
                raise ProjectError(
                    f"{name}: cannot be read here ({error}): {name}-wal beside it holds "
                    f"changes not yet in the file, and {access.reason}"
                ) from None
            raise ProjectError(f"{name}: cannot be opened as a project ({error})") from None
        return project

    def _prepare(
        self,
        name: str,
        before_upgrade: Callable[[Path], object] | None = None,
        accept_problems: bool = False,
    ) -> None:
        db = self.db
        if self.read_only:  # before anything else: a reader writes nothing, whatever it runs
            db.execute("PRAGMA query_only = ON")
        # First of all: code stored in a file's schema (triggers, views, CHECKs) may call only
        # functions without side effects, whatever the file holds.
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        # 64 MB of page cache (the default is 2 MB, less than one long article and its codings).
        db.execute("PRAGMA cache_size = -65536")
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if application_id != schema.APPLICATION_ID and has_tables:
            self.close()
            raise ProjectError(
                f"{name}: not an annotator project (an SQLite file of another program)"
            )
        unknown = set(verify.applied_migrations(db.conn)) - set(schema.known_migrations())
        if unknown:
            self.close()
            raise ProjectError(
                f"{name}: made by a newer version of annotator (schema {sorted(unknown)[-1]}); "
                "update annotator to open it"
            )
        if has_tables:
            self.problems = self._checks_on_open()
            if self.problems and not accept_problems:
                self.close()
                raise DamagedProjectError(
                    self.path or name,
                    [problem.text for problem in self.problems],
                    repairable=all(problem.repairable for problem in self.problems),
                )
        if self.read_only:
            if not self.problems and schema.migrations.pending(db):
                self.close()
                raise OutdatedProjectError(
                    f"{name}: made by an older version of annotator; open it once for writing "
                    "to bring it up to date"
                )
            return
        if self.path is not None:
            db.execute("PRAGMA journal_mode = WAL")
            # FULL: each commit is on disk (the log synced) before the action returns, so a
            # coding the window showed as saved survives a power cut, not only a crash.
            db.execute("PRAGMA synchronous = FULL")
        upgrading = has_tables and bool(schema.migrations.pending(db))
        if before_upgrade is not None and self.path is not None and upgrading:
            try:
                before_upgrade(self.path)
            except BaseException:
                self.close()
                raise
        db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        schema.migrations.apply(db)
        # Articles another program added or removed since: into the search index now.
        search_index.catch_up(db)
        self._writing = self.path is not None

    def _checks_on_open(self) -> list[verify.Problem]:
        """Every check opening runs, in order. The schema comes first and alone: the other
        checks read our tables and rely on their shape."""
        connection = self.db.conn
        problems = verify.schema_problems(connection)
        if problems:
            return problems
        for check in CHECKS_ON_OPEN:
            problems.extend(check(connection))
        return problems

    def close(self) -> None:
        """Fold the log into the file, close the database and release the project's lock.
        Safe to call twice. A signal (Ctrl+C, SIGTERM) arriving meanwhile is raised once the
        project is closed (see :mod:`annotator.interrupts`)."""
        with interrupts.held():
            if not self.closed and self._writing:
                # SQLite folds the log on closing only when it is the last connection and the
                # file is still where it was opened; a file renamed meanwhile would otherwise
                # be left without the commits in the log beside its old name.
                with contextlib.suppress(sqlite3.Error):
                    self.checkpoint(truncate=self.moved())
            self.closed = True
            try:
                self.db.close()
            finally:
                if self._lock is not None:
                    self._lock.release()
                    self._lock = None

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- transactions and project information --------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them are committed together, or none is."""
        if self.read_only:
            raise ProjectError(f"{self.name}: the project is open read-only")
        outermost = not self.db.conn.in_transaction
        with self.db.atomic():
            yield
            if outermost:  # the articles it added, into the search index, in the same commit
                search_index.catch_up(self.db)

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else ":memory:"

    @property
    def guid(self) -> str:
        return self.info("guid") or ""

    def info(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM project WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def _set_info(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO project (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def integrity_problems(self) -> list[str]:
        """What SQLite's own checks find wrong with the file (empty when it is sound)."""
        problems = [
            str(row[0]) for row in self.db.execute("PRAGMA integrity_check") if row[0] != "ok"
        ]
        for table, rowid, parent, _ in self.db.execute("PRAGMA foreign_key_check"):
            problems.append(f"row {rowid} of {table} points to a missing row of {parent}")
        return problems

    def checkpoint(self, *, truncate: bool = False) -> bool:
        """Fold the write-ahead log into the project file, without waiting for readers; true
        when the file alone now holds every commit (a copy of it is the whole project).
        ``truncate``: also empty the log (waiting for readers a while), so that no old frames
        stay in a log left beside a name the file no longer has."""
        if self.read_only or self.path is None:
            return True
        mode = "TRUNCATE" if truncate else "PASSIVE"
        busy, frames, done = self.db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return not busy and frames == done

    def moved(self) -> bool:
        """Whether the project file, open for writing, was renamed, moved or given a second
        name since it was opened: SQLite keeps writing its log beside the old name, so every
        commit must then be folded into the file (see :meth:`checkpoint`) to be found."""
        return self._lock is not None and not self._lock.still_the_same_file()

    def file_identity(self) -> tuple[int, int] | None:
        """The (device, inode) of the file open for writing, whatever its name is now (None:
        not opened for writing, or in memory)."""
        return None if self._lock is None else self._lock.identity

    def save_copy(self, target: str | Path, progress: CopyProgress | None = None) -> Counts | None:
        """Write the whole project, as it is now, into the new single file ``target``."""
        if self.path is None:
            raise ProjectError("a project in memory has no file to copy")
        target = Path(target)
        if target.exists() and target.resolve() == self.path.resolve():
            raise ProjectError(f"{target.name}: that is the project itself")
        return copy_project_file(self.path, target, progress)

    def schema_version(self) -> list[str]:
        """The migrations applied to this file, oldest first."""
        return [m.name for m in schema.migrations.applied(self.db)]


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _check_is_project_file(path: Path) -> None:
    if not path.exists():
        raise ProjectError(f"{path.name}: no such project (make one with 'annotator new')")
    if not path.is_file():
        raise ProjectError(f"{path.name}: not a project file")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise ProjectError(f"{path.name}: cannot be read ({error.strerror})") from None
    if header != SQLITE_HEADER:
        raise ProjectError(f"{path.name}: not an annotator project (not an SQLite database)")
