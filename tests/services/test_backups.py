"""Snapshots: consistent copies, when they are taken, the schedule, restoring, settings."""

from __future__ import annotations

import configparser
import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from annotator import paths
from annotator.domain.errors import UserError
from annotator.services import backups, create_project
from annotator.storage import Project
from annotator.storage.snapshots import Counts

FIXTURES = Path(__file__).parents[1] / "storage" / "schemas"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _counts(path: Path) -> tuple[int, int, int]:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM codings), "
            "(SELECT count(*) FROM coders)"
        ).fetchone()
    finally:
        connection.close()
    return int(row[0]), int(row[1]), int(row[2])


def test_a_snapshot_is_one_checked_file_with_its_counts(demo: Project) -> None:
    snapshot = backups.take_snapshot(demo, "on request")
    assert snapshot is not None
    assert snapshot.counts == Counts(8, 171, 2)
    assert _counts(snapshot.path) == (8, 171, 2)
    # One file: no write-ahead log beside it, and it opens as a project of its own.
    assert not snapshot.path.with_name(snapshot.path.name + "-wal").exists()
    with Project.open(snapshot.path, read_only=True) as copy:
        assert copy.integrity_problems() == []
    assert backups.list_snapshots(demo.path) == [snapshot]  # type: ignore[arg-type]
    assert snapshot.path.parent.is_relative_to(paths.data_dir() / "backups")


def test_a_snapshot_sees_commits_only_and_does_not_wait_for_the_writer(demo: Project) -> None:
    assert demo.path is not None
    coding = next(demo.codings.all())
    # A second writer inside an open transaction: the snapshot neither waits nor sees it.
    demo.db.execute("BEGIN IMMEDIATE")
    demo.db.execute("DELETE FROM codings WHERE id = ?", [coding.id])
    snapshot = backups.snapshot_file(demo.path, "while writing")
    demo.db.execute("ROLLBACK")
    assert snapshot.counts.codings == 171
    demo.codings.delete(coding.id)
    after = backups.snapshot_file(demo.path, "after the commit")
    assert after.counts.codings == 170


def test_restore_brings_back_exactly_the_snapshot_and_keeps_the_state_it_replaced(
    demo: Project,
) -> None:
    assert demo.path is not None
    inode = demo.path.stat().st_ino
    snapshot = backups.take_snapshot(demo, "before a mistake")
    assert snapshot is not None
    with demo.transaction():
        demo.db.execute("DELETE FROM codings WHERE id % 3 = 0")
        demo.coders.add("Chloé")
    changed = (demo.documents.count(), demo.codings.count(), len(demo.coders.all()))
    restored = backups.restore(demo, snapshot)
    assert restored.counts == snapshot.counts == Counts(8, 171, 2)
    assert (demo.documents.count(), demo.codings.count(), len(demo.coders.all())) == (8, 171, 2)
    assert demo.path.stat().st_ino == inode  # the same file, still locked by us
    assert restored.safety is not None
    assert (
        restored.safety.counts.articles,
        restored.safety.counts.codings,
        restored.safety.counts.coders,
    ) == changed
    assert demo.integrity_problems() == []
    # The restore can itself be undone from the snapshot it took.
    backups.restore(demo, restored.safety)
    assert demo.codings.count() == changed[1]


def test_restore_refuses_what_is_not_a_snapshot_and_changes_nothing(
    demo: Project, tmp_path: Path
) -> None:
    foreign = tmp_path / "other.annotator"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE t (x)")
    connection.close()
    text = tmp_path / "notes.annotator"
    text.write_text("not a database", encoding="utf-8")
    before = demo.codings.count()
    for bad in (foreign, text):
        with pytest.raises(UserError, match=bad.name):
            backups.restore(demo, backups.find_snapshot(demo.path, str(bad)))  # type: ignore[arg-type]
    assert demo.codings.count() == before
    assert backups.list_snapshots(demo.path) == []  # type: ignore[arg-type]


def test_a_snapshot_from_an_earlier_version_is_restored_and_brought_up_to_date(
    demo: Project, tmp_path: Path
) -> None:
    old = tmp_path / "0001.annotator"
    shutil.copy(FIXTURES / "0001_initial.annotator", old)
    expected = _counts(old)
    restored = backups.restore(demo, backups.find_snapshot(demo.path, str(old)))  # type: ignore[arg-type]
    assert (restored.counts.articles, restored.counts.codings, restored.counts.coders) == expected
    assert demo.schema_version() == Project.in_memory().schema_version()


def test_opening_an_earlier_version_snapshots_it_before_the_upgrade(tmp_path: Path) -> None:
    old = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "0001_initial.annotator", old)
    with backups.open_for_writing(old) as opened:
        assert opened.schema_version()[-1] != "0001_initial"
    (snapshot,) = backups.list_snapshots(old)
    assert snapshot.reason == "before upgrading"
    connection = sqlite3.connect(snapshot.path)
    names = [row[0] for row in connection.execute("SELECT name FROM _sqlite_migrations")]
    connection.close()
    assert names == ["0001_initial"]


def test_opening_takes_a_snapshot_only_when_the_newest_is_older_than_the_setting(
    demo: Project,
) -> None:
    assert backups.snapshot_if_due(demo, now=NOW) is not None
    assert backups.snapshot_if_due(demo, now=NOW + timedelta(hours=3)) is None
    later = backups.snapshot_if_due(demo, now=NOW + timedelta(hours=4, minutes=1))
    assert later is not None
    assert later.reason == "opened"
    assert len(backups.list_snapshots(demo.path)) == 2  # type: ignore[arg-type]


def test_backups_can_be_turned_off(demo: Project) -> None:
    backups.save_settings(backups.BackupSettings(enabled=False))
    assert backups.take_snapshot(demo, "anything") is None
    assert backups.snapshot_if_due(demo) is None
    assert backups.list_snapshots(demo.path) == []  # type: ignore[arg-type]


def test_settings_keep_the_rest_of_the_windows_settings_file() -> None:
    file = backups.settings_file()
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(
        "[coder]\nname=Ana\n\n[window]\ngeometry=@ByteArray(\\x1\\xd9\\xd0)\n", encoding="utf-8"
    )
    chosen = backups.BackupSettings(folder="/somewhere", keep_last=3, keep_daily=2)
    backups.save_settings(chosen)
    assert backups.load_settings() == chosen
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(file, encoding="utf-8")
    assert parser["coder"]["name"] == "Ana"
    assert parser["window"]["geometry"] == "@ByteArray(\\x1\\xd9\\xd0)"


def test_unreadable_settings_fall_back_to_the_defaults() -> None:
    file = backups.settings_file()
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("[backups]\nkeep_last=-4\nenabled=perhaps\n", encoding="utf-8")
    assert backups.load_settings() == backups.BackupSettings()
    file.write_bytes(b"\xff\xfe garbage [[[")
    assert backups.load_settings() == backups.BackupSettings()
    with pytest.raises(UserError, match="keep"):
        backups.save_settings(backups.BackupSettings(keep_last=0))


def test_snapshots_go_beside_the_project_only_when_asked(demo: Project) -> None:
    assert demo.path is not None
    backups.save_settings(backups.BackupSettings(folder=backups.BESIDE))
    snapshot = backups.take_snapshot(demo, "here")
    assert snapshot is not None
    assert snapshot.path.parent == demo.path.parent / "demo backups"


def _snapshot(day: datetime) -> backups.Snapshot:
    return backups.Snapshot(Path(f"/x/{day.isoformat()}.annotator"), day, "", Counts(1, 1, 1), 1)


def test_the_schedule_keeps_the_last_ones_then_one_a_day_then_one_a_week() -> None:
    settings = backups.BackupSettings(keep_last=3, keep_daily=4, keep_weekly=3)
    # Two snapshots a day, at 09:00 and 17:00 UTC, for 40 days up to NOW (a Sunday).
    taken = [
        NOW.replace(hour=hour) - timedelta(days=days) for days in range(40) for hour in (9, 17)
    ]
    taken = [t for t in taken if t <= NOW]
    kept = {p.stem for p in backups.to_keep([_snapshot(t) for t in taken], settings, NOW)}

    def stem(days: int, hour: int) -> str:
        return (NOW.replace(hour=hour) - timedelta(days=days)).isoformat()

    last_three = {stem(0, 9), stem(1, 17), stem(1, 9)}
    one_a_day = {stem(0, 9), stem(1, 17), stem(2, 17), stem(3, 17)}
    # ISO weeks end on Sunday: NOW's week (its newest is NOW's 09:00), the week before (newest:
    # the Sunday 7 days back at 17:00), and the one before that.
    one_a_week = {stem(0, 9), stem(7, 17), stem(14, 17)}
    assert kept == last_three | one_a_day | one_a_week


def test_pruning_deletes_what_the_schedule_drops(demo: Project) -> None:
    assert demo.path is not None
    settings = backups.BackupSettings(keep_last=2, keep_daily=0, keep_weekly=0)
    for hours in range(4):
        backups.snapshot_file(
            demo.path, f"number {hours}", settings=settings, now=NOW + timedelta(hours=hours)
        )
    names = [s.reason for s in backups.list_snapshots(demo.path, settings)]
    assert names == ["number 3", "number 2"]
    folder = backups.backups_folder(demo.path, settings)
    assert len(list(folder.iterdir())) == 4  # two snapshots and their two descriptions


def test_a_snapshot_is_never_written_over_a_file(demo: Project) -> None:
    assert demo.path is not None
    first = backups.snapshot_file(demo.path, "same second", now=NOW)
    second = backups.snapshot_file(demo.path, "same second", now=NOW)
    assert first.path != second.path
    assert first.path.exists()
    assert second.path.exists()


def test_a_damaged_description_leaves_only_that_snapshot_out(demo: Project) -> None:
    assert demo.path is not None
    good = backups.snapshot_file(demo.path, "good", now=NOW)
    bad = backups.snapshot_file(demo.path, "bad", now=NOW + timedelta(hours=1))
    bad.path.with_suffix(".json").write_text("{not json", encoding="utf-8")
    assert backups.list_snapshots(demo.path) == [good]


def test_find_snapshot_by_number_name_and_latest(demo: Project) -> None:
    assert demo.path is not None
    older = backups.snapshot_file(demo.path, "older", now=NOW)
    newer = backups.snapshot_file(demo.path, "newer", now=NOW + timedelta(hours=1))
    assert backups.find_snapshot(demo.path, "latest") == newer
    assert backups.find_snapshot(demo.path, "2") == older
    assert backups.find_snapshot(demo.path, older.name) == older
    with pytest.raises(UserError, match="no snapshot '7'"):
        backups.find_snapshot(demo.path, "7")


def test_durability_every_commit_is_synced(demo: Project) -> None:
    assert demo.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert demo.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_after_a_checkpoint_the_file_alone_is_the_whole_project(
    demo: Project, tmp_path: Path
) -> None:
    assert demo.path is not None
    with demo.transaction():
        demo.db.execute("DELETE FROM codings WHERE id > 100")
    copied = tmp_path / "copied-alone.annotator"
    shutil.copy(demo.path, copied)  # what a user mailing the file alone sends
    assert _counts(copied)[1] == 171  # the deletion still sits in the write-ahead log
    assert demo.checkpoint()
    os.unlink(copied)
    shutil.copy(demo.path, copied)
    assert _counts(copied)[1] == 100


def test_save_a_copy_writes_one_complete_file_while_the_project_is_open(
    demo: Project, tmp_path: Path
) -> None:
    with demo.transaction():
        demo.db.execute("DELETE FROM codings WHERE id > 150")
    target = tmp_path / "to-mail.annotator"
    counts = demo.save_copy(target)
    assert counts.codings == 150
    assert _counts(target)[1] == 150
    assert not Path(str(target) + "-wal").exists()
    with pytest.raises(UserError, match="already exists"):
        demo.save_copy(target)
    with pytest.raises(UserError):
        demo.save_copy(demo.path)  # type: ignore[arg-type]


def test_a_new_project_made_from_nothing_has_no_snapshots(tmp_path: Path) -> None:
    with create_project(tmp_path / "fresh.annotator") as fresh:
        assert backups.list_snapshots(fresh.path) == []  # type: ignore[arg-type]


def test_importing_several_articles_takes_a_snapshot_first(demo: Project, tmp_path: Path) -> None:
    from annotator.services import import_files

    assert demo.path is not None
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "one.txt").write_text("A first new article.", encoding="utf-8")
    (folder / "two.txt").write_text("A second new article.", encoding="utf-8")
    single = tmp_path / "single.txt"
    single.write_text("Only this one.", encoding="utf-8")
    import_files(demo, [single])
    assert backups.list_snapshots(demo.path) == []
    import_files(demo, [folder])
    (snapshot,) = backups.list_snapshots(demo.path)
    assert snapshot.reason == "before importing 2 articles"
    assert snapshot.counts.articles == 9  # the state before the folder came in
    assert demo.documents.count() == 11


def test_a_copy_is_never_written_through_a_dangling_link_or_onto_a_pipe(
    demo: Project, tmp_path: Path
) -> None:
    dangling = tmp_path / "link.annotator"
    dangling.symlink_to(tmp_path / "nowhere" / "x.annotator")
    pipe = tmp_path / "pipe.annotator"
    os.mkfifo(pipe)
    for target in (dangling, pipe):
        with pytest.raises(UserError, match="already exists"):
            demo.save_copy(target)
    assert dangling.is_symlink()
    assert not (tmp_path / "nowhere").exists()
    assert not pipe.is_file()


def test_a_codebook_import_and_deleting_a_used_code_take_a_snapshot_first(
    demo: Project, tmp_path: Path
) -> None:
    from annotator.services import import_codebook
    from annotator.services.codebook_editing import delete_code

    assert demo.path is not None
    codebook = tmp_path / "extra.csv"
    codebook.write_text("path,color,shortcut,exclusive,description\nTone,,,0,\n", encoding="utf-8")
    import_codebook(demo, codebook)
    assert [s.reason for s in backups.list_snapshots(demo.path)] == [
        "before importing the codebook extra.csv"
    ]
    tone = demo.codebook.tree().find("Tone")
    assert tone is not None
    delete_code(demo, tone.id)  # no codings go with it: nothing to keep
    assert len(backups.list_snapshots(demo.path)) == 1
    political = demo.codebook.tree().find("Motive > Political")
    assert political is not None
    delete_code(demo, political.id)
    newest = backups.list_snapshots(demo.path)[0]
    assert newest.reason == "before deleting 'Political'"
    assert newest.counts.codings == 171


def test_a_project_being_made_is_never_snapshotted(tmp_path: Path) -> None:
    with create_project(tmp_path / "made.annotator", demo=True) as made:
        assert made.path is not None
        assert backups.list_snapshots(made.path) == []
    assert not (paths.data_dir() / "backups").exists()
