"""Backups through the Session facade: the extra (USB) folder, told once when it is
missing, the daily backup once a day, restore and the move package to a new laptop."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.services import backups
from desktop.services.session import Session, install_package
from desktop.store.backup import BackupForeignError
from desktop.store.errors import PermissionDeniedError, StoreError
from desktop.store.keys import KdfParams

PASSWORD = "admin-pass-1"


@pytest.fixture
def session(made):
    s = Session(made.store, made.admin)
    yield s
    s.close()


def _clinic(data_dir: Path, password: str = PASSWORD) -> str | None:
    s = Session.login(data_dir, "admin", password)
    try:
        return s.store.meta("clinic_name")
    finally:
        s.close()


def test_a_backup_goes_to_the_data_folder_and_the_chosen_folder(session, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    session.set_backup_folder(str(usb))
    assert session.backup_folder() == str(usb)

    outcome = session.run_backup()

    assert len(outcome.made) == 2 and not outcome.extra_missing
    extra = usb / f"eke-{session.store.store_id}"
    assert outcome.made[1].parent == extra
    assert (extra / "keyslots.json").exists()  # the USB copy opens on another laptop
    locations = {e.location for e in session.all_backups()}
    assert locations == {backups.LOCATION_DATA, backups.LOCATION_EXTRA}


def test_a_missing_usb_folder_backs_up_to_the_data_folder_and_tells_once(session, tmp_path):
    usb = tmp_path / "usb-stick"
    usb.mkdir()
    session.set_backup_folder(str(usb))
    usb.rmdir()  # the stick was pulled out

    first = session.run_backup()
    second = session.run_backup()

    assert len(first.made) == 1 and first.made[0].parent == session.store.data_dir / "backups"
    assert first.extra_missing and first.tell_user
    assert second.extra_missing and not second.tell_user  # told once, not every time
    usb.mkdir()  # plugged in again: works, and the next absence is told again
    assert not session.run_backup().extra_missing
    shutil.rmtree(usb)
    assert session.run_backup().tell_user


def test_no_extra_folder_chosen_means_the_data_folder_only(session):
    outcome = session.run_backup()
    assert outcome.extra_folder is None and not outcome.tell_user
    assert len(outcome.made) == 1


def test_the_daily_backup_is_made_once_a_day(session):
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first = backups.run_daily_backup(session.store, now=now)
    again = backups.run_daily_backup(session.store, now=now + timedelta(hours=3))
    next_day = backups.run_daily_backup(session.store, now=now + timedelta(days=1))
    assert first is not None and again is None and next_day is not None
    daily = [e for e in session.all_backups() if e.reason == "daily"]
    assert len(daily) == 2


def test_only_an_administrator_restores_exports_or_chooses_the_folder(made, tmp_path):
    admin = Session(made.store, made.admin)
    admin.add_user("nurse", "护士", "mch_worker", [], "nurse-pass-1", kdf=KdfParams.floor())
    admin.close()
    nurse = Session.login(made.data_dir, "nurse", "nurse-pass-1")
    try:
        copy = nurse.run_backup().made[0]  # everyone's session makes the automatic copies
        for call in (lambda: nurse.set_backup_folder(str(tmp_path)),
                     lambda: nurse.restore_backup(copy),
                     lambda: nurse.export_for_move(tmp_path)):
            with pytest.raises(PermissionDeniedError):
                call()
    finally:
        nurse.close()


def test_restore_gives_the_data_as_at_the_backup_and_ends_the_session(made, session):
    session.store.set_meta(made.admin.id, "clinic_name", "at backup")
    copy = session.run_backup().made[0]
    session.store.set_meta(made.admin.id, "clinic_name", "changed later")

    aside = session.restore_backup(copy)

    assert session.closed
    assert (aside / "eke.db").exists()
    assert _clinic(made.data_dir) == "at backup"
    # The file that was replaced is also in the list, so a restore can be undone.
    reasons = [b.reason for b in Session.login(made.data_dir, "admin", PASSWORD).all_backups()]
    assert "restore" in reasons


def test_a_backup_from_another_store_is_refused_and_nothing_changes(made, session, tmp_path,
                                                                   make_store):
    other = make_store(tmp_path, "other")
    foreign = other.store.backup("manual")
    other.store.close()
    session.store.set_meta(made.admin.id, "clinic_name", "ours")

    with pytest.raises(BackupForeignError) as caught:
        session.restore_backup(foreign)

    assert isinstance(caught.value, StoreError)
    assert caught.value.code == "store.backup_foreign"
    assert not session.closed
    assert session.store.meta("clinic_name") == "ours"


def test_a_version_1_backup_restores_and_upgrades(tmp_path):
    golden = Path(__file__).resolve().parents[1] / "fixtures" / "v1_store"
    data_dir = tmp_path / "v1"
    shutil.copytree(golden, data_dir)
    old = tmp_path / "eke-20250101T000000000000Z-daily.db"
    shutil.copyfile(golden / "eke.db", old)
    session = Session.login(data_dir, "admin", "golden-v1-pass")
    session.restore_backup(old)
    again = Session.login(data_dir, "admin", "golden-v1-pass")
    try:
        from desktop.store import migrations

        version = again.store.conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == migrations.LATEST
    finally:
        again.close()


def test_the_move_package_opens_on_a_new_laptop_with_password_or_recovery_key(
        made, session, tmp_path):
    session.store.set_meta(made.admin.id, "clinic_name", "moving clinic")
    package = session.export_for_move(tmp_path / "usb")
    assert package.name.startswith("eke-move-") and package.suffix == ".zip"

    laptop = tmp_path / "new-laptop"
    install_package(laptop, package)
    assert _clinic(laptop) == "moving clinic"

    laptop2 = tmp_path / "another-laptop"
    install_package(laptop2, package)
    recovered = Session.recover(laptop2, made.recovery_key, "admin", "new-pass-22",
                                kdf=KdfParams.floor())
    try:
        assert recovered.store.meta("clinic_name") == "moving clinic"
    finally:
        recovered.close()


# -- the commands, as subprocesses ---------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, password: str = "cli-pass-123") -> tuple[int, str, str]:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("EKE_")}
    env.update(EKE_PASSWORD=password, EKE_KDF="floor", EKE_LANGUAGE="zh_Hans_CN",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "desktop", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def test_backup_and_restore_commands(tmp_path):
    import json

    from desktop import i18n
    from desktop.i18n.messages import error_text

    before = i18n.current_language()
    i18n.set_language("zh_Hans_CN")
    try:
        refused = error_text(BackupForeignError())
    finally:
        i18n.set_language(before)
    ours, theirs, usb = tmp_path / "ours", tmp_path / "theirs", tmp_path / "usb"
    for folder in (ours, theirs):
        assert _run("demo", "--data-dir", str(folder), "--persons", "3")[0] == 0

    code, out, err = _run("backup", "--data-dir", str(ours), "--to", str(usb))
    assert code == 0, err
    made = [Path(p) for p in json.loads(out)["made"]]
    assert made[0].parent == ours / "backups" and made[1].parent.parent == usb

    foreign = Path(json.loads(_run("backup", "--data-dir", str(theirs))[1])["made"][0])
    code, out, err = _run("restore", "--data-dir", str(ours), "--from", str(foreign))
    assert code == 2 and out == ""
    assert err.strip() == refused  # one line, in the user's language
    assert "Traceback" not in err

    code, out, err = _run("restore", "--data-dir", str(ours), "--from", str(made[0]))
    assert code == 0, err
    assert Path(json.loads(out)["replaced_kept_in"]).is_dir()

    # A new laptop: the USB copy (with its key slot file) installs into an empty folder;
    # a wrong password leaves the folder empty for the next try.
    laptop = tmp_path / "laptop"
    code, _out, err = _run("restore", "--data-dir", str(laptop), "--from", str(made[1]),
                           password="not-the-password")
    assert code == 2 and not (laptop / "keyslots.json").exists()
    code, out, err = _run("restore", "--data-dir", str(laptop), "--from", str(made[1]))
    assert code == 0, err
    assert _run("stats", "--data-dir", str(laptop))[0] == 0
