"""USB bundles on the laptop against the real central on 127.0.0.1 (its own import-bundle and
export-bundle commands): a laptop's changes reach another laptop by stick only, imports are
idempotent, a damaged or foreign file changes nothing, central's answers acknowledge the
outbox, and an online sync afterwards sends and receives nothing twice. Also: the update
message when central refuses a too-old program (service and command)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sync_world import (
    PASSWORD,
    Central,
    central_rows,
    enrol,
    laptop,
    rows_of,
    sync,
    township,
    woman,
)

import desktop
from desktop.i18n import LANGUAGES, current_language, translate
from desktop.i18n.messages import ERROR_TEXTS, error_text
from desktop.services import bundles, sync_service
from desktop.services.session import Session
from desktop.store.repositories import sync_state
from desktop.sync import errors as sync_errors
from desktop.sync.errors import BundleError

ROOT = Path(__file__).resolve().parents[2]


def visit(session: Session, pid: str, day: str) -> None:
    with session.store.transaction(session.user.id) as tx:
        tx.save("prenatal_visits", {"person_id": pid, "pregnancy_id": pid,
                                    "visit_date": day, "sbp": 118, "weight_kg": 61})


def device_of(session: Session) -> str:
    return sync_state.enrollment(session.store.conn).device_id or ""


def cursor_of(session: Session) -> int:
    return sync_state.enrollment(session.store.conn).cursor


def snapshot(session: Session) -> dict[str, Any]:
    """Everything an import could change: rows, outbox, cursor, conflicts, errors, audit,
    the last result shown on the Sync page."""
    conn = session.store.conn
    return {"rows": rows_of(session),
            "outbox": conn.execute("SELECT seq, batch_id FROM outbox ORDER BY seq").fetchall(),
            "batches": conn.execute("SELECT batch_id FROM sync_batches").fetchall(),
            "state": conn.execute("SELECT cursor, last_result FROM sync_state").fetchall(),
            "conflicts": conn.execute("SELECT count(*) FROM conflicts").fetchone()[0],
            "errors": conn.execute("SELECT count(*) FROM sync_errors").fetchone()[0],
            "audit": conn.execute("SELECT count(*) FROM audit").fetchone()[0]}


def central_import(central: Central, path: Path) -> dict[str, Any]:
    return json.loads(central.cli("import-bundle", str(path)).stdout)


def central_export(central: Central, device: str, since: int, out: Path) -> dict[str, Any]:
    return json.loads(central.cli("export-bundle", "--device", device, "--since", str(since),
                                  "--out", str(out)).stdout)


def test_laptop_to_laptop_by_stick_then_online_sends_and_receives_nothing_twice(
        pair, central: Central, tmp_path: Path) -> None:
    a, b, village = pair
    stick = tmp_path / "stick"
    stick.mkdir()
    pid = woman(a, village, phone="13900000001")
    visit(a, pid, "2025-03-01")
    visit(a, pid, "2025-04-01")

    out = a.export_bundle(stick)
    [path] = out.files
    assert path.parent == stick and path.name.startswith(f"eke-{device_of(a)[:8]}-")
    assert path.suffix == ".ekebundle" and "王" not in path.name and village not in path.name
    assert (out.batches, out.changes, out.cursor) == (1, 3, cursor_of(a))
    assert sync_state.pending_count(a.store.conn) == 3  # kept until central answers
    assert "sync_bundle_export" in [r[0] for r in a.store.conn.execute(
        "SELECT action FROM audit")]

    took = central_import(central, path)
    assert (took["batches"], took["changes"], took["conflicts"]) == (1, 3, 0)
    assert central_import(central, path)["changes"] == 3  # the same answer, nothing new
    assert {k: v for k, v in central_rows(central).items() if k in rows_of(a)} == rows_of(a)

    # b gets a's changes by stick only.
    back_b = central_export(central, device_of(b), cursor_of(b), tmp_path / "to-b.ekebundle")
    assert back_b["changes"] == 3
    got = b.import_bundle(tmp_path / "to-b.ekebundle")
    assert (got.pulled, got.acknowledged, got.gap, got.more) == (3, 0, False, False)
    assert rows_of(b) == rows_of(a)
    assert sync_state.pending_count(b.store.conn) == 0  # pulled rows are not queued again
    before = snapshot(b)
    again = b.import_bundle(tmp_path / "to-b.ekebundle")
    assert not again.changed and again.pulled == 0
    assert snapshot(b) == before  # the second import writes nothing at all

    # Central's answers come back to a: its outbox is acknowledged.
    central_export(central, device_of(a), out.cursor, tmp_path / "to-a.ekebundle")
    back = a.import_bundle(tmp_path / "to-a.ekebundle")
    assert (back.acknowledged, back.batches, back.pulled) == (3, 1, 0)
    assert sync_state.pending_count(a.store.conn) == 0
    before = snapshot(a)
    assert not a.import_bundle(tmp_path / "to-a.ekebundle").changed
    assert snapshot(a) == before

    # Online afterwards: nothing is sent or received twice, and the sides agree.
    for session in (a, b):
        result = sync(session)
        assert (result.pushed, result.pulled) == (0, 0)
    assert rows_of(a) == rows_of(b)
    assert {k: v for k, v in central_rows(central).items() if k in rows_of(a)} == rows_of(a)


def test_online_retry_of_exported_batches_is_idempotent(pair, central: Central,
                                                        tmp_path: Path) -> None:
    """The stick reached central, but the laptop syncs online before the bundle comes back:
    it re-sends the same batch ids and central adds nothing (0 duplicated)."""
    a, b, village = pair
    pid = woman(a, village)
    visit(a, pid, "2025-05-02")
    out = a.export_bundle(tmp_path / "a.ekebundle")
    assert out.files == (tmp_path / "a.ekebundle",)
    central_import(central, out.files[0])
    edit_then = woman(a, village, name_zh="李娜")  # one more change made after the export
    result = sync(a)
    assert result.pushed == 3 and result.batches == 2  # the exported batch, then the new one
    got = sync(b)
    assert got.pulled == 3  # each change once
    assert rows_of(b) == rows_of(a) and ("persons", edit_then) in rows_of(b)
    # The answers arriving later by stick find nothing left to acknowledge.
    central_export(central, device_of(a), 0, tmp_path / "late.ekebundle")
    before = snapshot(a)
    late = a.import_bundle(tmp_path / "late.ekebundle")
    assert (late.acknowledged, late.pulled) == (0, 0) and not late.changed
    assert snapshot(a) == before


def test_flipped_byte_foreign_and_wrong_way_bundles_change_nothing(pair, central: Central,
                                                                  tmp_path: Path) -> None:
    a, b, village = pair
    woman(a, village)
    sync(a)
    central_export(central, device_of(b), 0, tmp_path / "to-b.ekebundle")
    good = (tmp_path / "to-b.ekebundle").read_bytes()
    before = snapshot(b)
    cases = {}
    for where in (len(good) // 2, 30, len(good) - 3):  # ciphertext, header, tag
        bad = bytearray(good)
        bad[where] ^= 0x01
        cases[f"flip{where}"] = bytes(bad)
    cases["garbage"] = b"not a bundle at all" * 10
    cases["truncated"] = good[: len(good) // 2]
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(BundleError) as info:
            b.import_bundle(tmp_path / name)
        assert info.value.code in (sync_errors.BUNDLE_AUTH, sync_errors.BUNDLE_NOT_A_BUNDLE), name
        assert snapshot(b) == before, name
    # a's bundle is not b's; b's own export offered back to itself goes the wrong way
    with pytest.raises(BundleError) as info:
        a.import_bundle(tmp_path / "to-b.ekebundle")
    assert info.value.code == sync_errors.BUNDLE_WRONG_DEVICE
    woman(b, village, name_zh="赵敏")
    own = b.export_bundle(tmp_path).files[0]
    before = snapshot(b)
    with pytest.raises(BundleError) as info:
        b.import_bundle(own)
    assert info.value.code == sync_errors.BUNDLE_DIRECTION
    assert snapshot(b) == before
    with pytest.raises(bundles.BundleFileError):
        b.import_bundle(tmp_path / "missing.ekebundle")
    # Every refusal has words, in English and in Chinese, saying nothing changed.
    for code in (sync_errors.BUNDLE_AUTH, sync_errors.BUNDLE_NOT_A_BUNDLE,
                 sync_errors.BUNDLE_WRONG_DEVICE, sync_errors.BUNDLE_DIRECTION):
        assert "Nothing was changed" in ERROR_TEXTS[code]
        assert translate("zh_Hans_CN", ERROR_TEXTS[code]) != ERROR_TEXTS[code]
    assert b.import_bundle(tmp_path / "to-b.ekebundle").pulled == 1  # the good one still works


def test_bundle_from_an_older_cursor_adds_no_false_conflict(pair, central: Central,
                                                           tmp_path: Path) -> None:
    """Central was asked from 0 while the laptop already pulled online and edited since:
    the part pulled before is not merged again (no conflict with the pending edit)."""
    a, b, village = pair
    pid = woman(a, village, phone="13900000001")
    sync(a)
    sync(b)
    with b.store.transaction(b.user.id) as tx:
        tx.save("persons", {"phone": "13900000002"}, id=pid)
    with a.store.transaction(a.user.id) as tx:
        tx.save("persons", {"address": "东村"}, id=pid)
    sync(a)
    central_export(central, device_of(b), 0, tmp_path / "from0.ekebundle")
    got = b.import_bundle(tmp_path / "from0.ekebundle")
    assert got.conflicts == 0 and got.pulled >= 1
    row = rows_of(b)[("persons", pid)][0]
    assert (row["phone"], row["address"]) == ("13900000002", "东村")
    assert sync_state.pending_count(b.store.conn) == 1  # b's edit still goes out
    sync(b)
    sync(a)
    assert rows_of(a) == rows_of(b)


def test_bundle_starting_after_the_cursor_is_not_applied(pair, central: Central,
                                                        tmp_path: Path) -> None:
    a, b, village = pair
    woman(a, village)
    sync(a)
    woman(a, village, name_zh="李娜")
    late = sync(a).cursor
    central_export(central, device_of(b), late, tmp_path / "gap.ekebundle")
    before = snapshot(b)
    got = b.import_bundle(tmp_path / "gap.ekebundle")
    assert got.gap and got.pulled == 0 and got.cursor == 0 and not got.more
    assert snapshot(b) == before


def test_commands_export_and_import(pair, central: Central, tmp_path: Path) -> None:
    a, b, village = pair
    woman(a, village)
    a_dir, b_dir = a.store.data_dir, b.store.data_dir
    a_dev, b_dev = device_of(a), device_of(b)
    a.close()
    b.close()
    env = {**os.environ, "EKE_PASSWORD": PASSWORD, "EKE_LANGUAGE": "zh_Hans_CN"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    done = run("export-bundle", "--data-dir", str(a_dir), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    out = json.loads(line)
    assert out["changes"] == 1 and out["device_id"] == a_dev and len(out["files"]) == 1
    central_import(central, Path(out["files"][0]))
    central_export(central, b_dev, 0, tmp_path / "b.ekebundle")
    got = run("import-bundle", "--data-dir", str(b_dir), "--from", str(tmp_path / "b.ekebundle"))
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["pulled"] == 1
    bad = bytearray((tmp_path / "b.ekebundle").read_bytes())
    bad[-5] ^= 0x20
    (tmp_path / "bad.ekebundle").write_bytes(bytes(bad))
    refused = run("import-bundle", "--data-dir", str(b_dir), "--from",
                  str(tmp_path / "bad.ekebundle"))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip() == translate("zh_Hans_CN",
                                               ERROR_TEXTS[sync_errors.BUNDLE_AUTH])
    assert len(refused.stderr.strip().splitlines()) == 1
    missing = run("import-bundle", "--data-dir", str(b_dir), "--from", str(tmp_path / "no"))
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.strip() == translate(
        "zh_Hans_CN", ERROR_TEXTS["sync.bundle.file"], path=str(tmp_path / "no"),
        detail=os.strerror(2))


# -- the update message ---------------------------------------------------------------------


@pytest.fixture
def too_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """A laptop enrolled with a central that accepts only version 99.2 and later (enrolled
    while the program called itself 99.2.0; every later request sends the real version)."""
    server = Central(tmp_path / "old.sqlite3", serve_args=("--min-client-version", "99.2"))
    area, village = township()
    session = laptop(tmp_path, "old", area, [village])
    with monkeypatch.context() as m:
        m.setattr(desktop, "__version__", "99.2.0")
        enrol(session, server, area)
    woman(session, village)
    yield session, server
    session.close()
    server.close()


def test_too_old_program_is_told_to_update(too_old, tmp_path: Path) -> None:
    session, server = too_old
    assert desktop.__version__ < "99.2"
    with pytest.raises(sync_errors.SyncClientTooOldError) as info:
        sync(session)
    assert info.value.params["min_version"] == "99.2"
    text = error_text(info.value)
    assert text == translate(current_language(), ERROR_TEXTS["sync.client_too_old"],
                             min_version="99.2")
    assert "99.2" in text and "{" not in text and "update Eke" in ERROR_TEXTS[
        "sync.client_too_old"]
    assert sync_state.pending_count(session.store.conn) == 1  # nothing lost
    # The Sync page's last result words it again from what was stored.
    last = sync_service.overview(session).last_result
    assert last["code"] == "sync.client_too_old" and last["params"]["min_version"] == "99.2"

    data_dir = session.store.data_dir
    session.close()
    for language in LANGUAGES:
        env = {**os.environ, "EKE_PASSWORD": PASSWORD, "EKE_LANGUAGE": language}
        done = subprocess.run([sys.executable, "-m", "desktop", "sync", "--data-dir",
                               str(data_dir), "--endpoint", server.url], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and done.stdout == ""
        expected = translate(language, ERROR_TEXTS["sync.client_too_old"], min_version="99.2")
        assert done.stderr.strip() == expected
        assert "99.2" in expected and "{" not in expected
    assert "更新" in translate("zh_Hans_CN", ERROR_TEXTS["sync.client_too_old"], min_version="9")
