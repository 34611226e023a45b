"""A damaged data file: the user is offered a backup to restore, and it works again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QListWidget
from ui_helpers import ADMIN_PASSWORD, child, click, log_in, screenshot

from desktop.i18n import _
from desktop.i18n.messages import ERROR_TEXTS
from desktop.services.session import Session


def fill_and_back_up(data_dir: Path, kdf) -> None:
    session = Session.login(data_dir, "admin", ADMIN_PASSWORD)
    for n in range(6):
        session.add_user(f"worker{n}", f"专干{n}", "mch_worker", [], "worker-pw-1", kdf=kdf)
    # Most of the file becomes old audit pages, which nothing reads at login (an append
    # reads only the last page), so damage in the middle is found only by the whole-file
    # check, whatever tables later versions add or the first page reads.
    with session.store.transaction(session.user.id) as tx:
        for n in range(4000):
            tx.note("test_padding", detail=f"{n:06d}" + "x" * 200)
    session.backup_now()
    session.close()


def flip(path: Path, start: int, length: int) -> None:
    data = bytearray(path.read_bytes())
    for i in range(start, start + length):
        data[i] ^= 0xA5
    path.write_bytes(bytes(data))


def restore_first_backup(qtbot, dialog: QDialog) -> None:
    backups = child(dialog, QListWidget, "backup_list")
    assert backups.count() == 1
    with qtbot.waitSignal(dialog.restored):
        click(qtbot, dialog, "restore_button")


def test_damage_in_the_middle_is_found_after_login_and_a_backup_restored(
        qtbot, shell, store, data_dir, kdf):
    fill_and_back_up(data_dir, kdf)
    db = data_dir / "eke.db"
    flip(db, db.stat().st_size // 2 - 2048, 4096)
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    session = shell.session
    main.check_integrity()  # normally a few seconds after login
    qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible())
    assert session.closed and shell.main is None
    dialog = child(shell.login, QDialog, "damaged_dialog")
    qtbot.waitUntil(dialog.isVisible)
    screenshot(dialog, "damaged_dialog")
    assert child(shell.login, QLabel, "login_error").text() == _(ERROR_TEXTS["store.damaged"])
    restore_first_backup(qtbot, dialog)
    assert list((data_dir / "replaced").glob("*/eke.db"))  # the damaged file is kept aside
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    assert shell.session.integrity_problems() == []
    assert "worker5" in [u.username for u in shell.session.users()]


def test_damage_at_the_start_is_found_at_login(qtbot, shell, store, data_dir, kdf):
    fill_and_back_up(data_dir, kdf)
    flip(data_dir / "eke.db", 64, 512)  # inside page 1: the key check cannot read it
    shell.start()
    login = shell.login
    login.password.setText(ADMIN_PASSWORD)
    click(qtbot, login, "login_button")
    dialog_found = lambda: login.findChild(QDialog, "damaged_dialog")  # noqa: E731
    qtbot.waitUntil(lambda: dialog_found() is not None and dialog_found().isVisible())
    assert shell.main is None and shell.session is None
    restore_first_backup(qtbot, dialog_found())
    log_in(qtbot, shell, "admin", ADMIN_PASSWORD)


def test_a_stopped_check_reports_nothing_rather_than_damage(store, data_dir):
    session = Session.login(data_dir, "admin", ADMIN_PASSWORD)
    try:
        assert session.integrity_problems(lambda: True) is None
        assert session.integrity_problems(lambda: False) == []
    finally:
        session.close()
