"""Commands that run without a window (python -m desktop demo | stats).

Each returns the JSON-able result that __main__ prints, or raises an AppError that
__main__ turns into one line. Passwords come from EKE_PASSWORD only (design §8).
"""

from __future__ import annotations

import os
import sys
from argparse import Namespace
from datetime import date
from pathlib import Path
from typing import Any

from desktop.errors import UsageError
from desktop.services.errors import NoPasswordError
from desktop.store.errors import mapped_db_errors
from desktop.store.keys import KdfParams

KDF_ENV = "EKE_KDF"  # "floor": the weakest allowed Argon2id (tests and CI), else calibrated


def password_from_env() -> str:
    password = os.environ.get("EKE_PASSWORD", "")
    if not password:
        raise NoPasswordError()
    return password


def kdf_from_env() -> KdfParams | None:
    """KdfParams.floor() when EKE_KDF=floor, else None (calibrate on this machine)."""
    return KdfParams.floor() if os.environ.get(KDF_ENV, "").lower() == "floor" else None


def run(command: str, data_dir: Path, args: Namespace) -> dict[str, Any] | None:
    """Run *command* on the store in *data_dir*; returns what to print as JSON."""
    with mapped_db_errors():
        if command == "demo":
            return demo(data_dir, args)
        if command == "stats":
            return stats(data_dir, getattr(args, "sub_user", None) or args.user or "admin")
        if command == "sync":
            return sync(data_dir, getattr(args, "sub_user", None) or args.user or "admin",
                        getattr(args, "endpoint", None))
        if command == "enroll":
            return enroll(data_dir, getattr(args, "sub_user", None) or args.user or "admin",
                          args.endpoint, args.code)
        if command == "backup":
            return backup(data_dir, getattr(args, "sub_user", None) or args.user or "admin",
                          getattr(args, "to_folder", None))
        if command == "report":
            return report(data_dir, getattr(args, "sub_user", None) or args.user or "admin",
                          args.period, getattr(args, "area", None))
        if command == "restore":
            return restore(data_dir, getattr(args, "sub_user", None) or args.user or "admin",
                           Path(args.from_file))
        if command == "print":
            return print_handbooks(data_dir, getattr(args, "sub_user", None) or args.user
                                   or "admin", args)
        if command == "export-bundle":
            return export_bundle(data_dir, getattr(args, "sub_user", None) or args.user
                                 or "admin", Path(args.out))
        if command == "import-bundle":
            return import_bundle(data_dir, getattr(args, "sub_user", None) or args.user
                                 or "admin", Path(args.from_file))
    raise UsageError(f"unknown command {command}")


def demo(data_dir: Path, args: Namespace) -> dict[str, Any]:
    from desktop.services.demo import create_demo

    password = password_from_env()

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    result = create_demo(data_dir, persons=args.persons, password=password,
                         area=args.area, seed=args.seed, today=date.today(),
                         kdf=kdf_from_env(), progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return {"persons": result.persons, "rows": result.rows,
            "township": {"code": result.township_code, "name": result.township_name},
            "villages": len(result.village_codes), "seconds": result.seconds,
            "login": f"python -m desktop --data-dir {data_dir} --user admin"
                     " (password: the EKE_PASSWORD used here)"}


def stats(data_dir: Path, username: str) -> dict[str, Any]:
    from desktop.services.session import Session
    from desktop.store.schema import TABLES

    session = Session.login(data_dir, username, password_from_env())
    try:
        conn = session.store.conn
        out: dict[str, Any] = {}
        for table in TABLES:
            out[table] = conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0"
                                      ).fetchone()[0]
        out["users"] = conn.execute("SELECT count(*) FROM users WHERE removed_at IS NULL"
                                    ).fetchone()[0]
        out["outbox_pending"] = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    finally:
        session.close()
    return out


def backup(data_dir: Path, username: str, to_folder: str | None) -> dict[str, Any]:
    """A manual backup now: {made: [paths], extra_folder_missing: bool}."""
    from desktop.services import backups
    from desktop.services.session import Session

    session = Session.login(data_dir, username, password_from_env())
    try:
        outcome = session.run_backup()
        made = list(outcome.made)
        if to_folder:
            made.append(backups.copy_to_folder(session.store, outcome.made[0],
                                               Path(to_folder)))
    finally:
        session.close()
    return {"made": [str(p) for p in made], "extra_folder_missing": outcome.extra_missing}


def restore(data_dir: Path, username: str, source: Path) -> dict[str, Any]:
    """Restore *source* over the store in *data_dir*, or install it (a move package or a
    backup with its key slot file) when the folder has no store yet. Either way the
    result is opened with the user's password at once, which also upgrades an older
    schema: {restored_from, replaced_kept_in, store_id}."""
    from desktop.services import backups
    from desktop.services.session import Session, has_store

    password = password_from_env()
    aside: str | None = None
    if has_store(data_dir):
        session = Session.login(data_dir, username, password)
        try:
            aside = str(session.restore_backup(source))
        finally:
            session.close()
    else:
        backups.install_package(data_dir, source)
    try:
        session = Session.login(data_dir, username, password)
    except BaseException:
        if aside is None:
            backups.remove_installed(data_dir)  # a fresh folder stays fresh
        raise
    try:
        return {"restored_from": str(source), "replaced_kept_in": aside,
                "store_id": session.store.store_id}
    finally:
        session.close()


def sync(data_dir: Path, username: str, endpoint: str | None) -> dict[str, Any]:
    """Sync once: {pushed, pulled, conflicts, cursor}; any failure raises (never success)."""
    from desktop.services.session import Session
    from desktop.services.sync_service import sync_once

    session = Session.login(data_dir, username, password_from_env())
    try:
        return sync_once(session, endpoint).to_json()
    finally:
        session.close()


def enroll(data_dir: Path, username: str, endpoint: str, code: str) -> dict[str, Any]:
    """Enrol the store with a one-time code: {device_id, areas, endpoint}."""
    from desktop.services.session import Session
    from desktop.services.sync_service import enroll as enroll_store

    session = Session.login(data_dir, username, password_from_env())
    try:
        return enroll_store(session, endpoint, code)
    finally:
        session.close()


def print_handbooks(data_dir: Path, username: str, args: Namespace) -> dict[str, Any]:
    """The handbook pages of one person (--person) or of the first N women (--sample) into
    one PDF (--out), A5 unless --size A4; each handbook is logged and audited:
    {out, persons, pages, size}. Qt (a QGuiApplication, offscreen without a display)
    lives in desktop.printing."""
    from desktop.services import printing_service
    from desktop.services.session import Session

    out = Path(args.out)
    if not out.parent.is_dir():
        raise printing_service.PrintOutputError("no such folder", path=str(out))
    session = Session.login(data_dir, username, password_from_env())
    try:
        if args.person:
            ids = [args.person]
        else:
            ids = printing_service.first_women(session, args.sample or 0)
        if not ids:
            raise printing_service.NothingToPrintError()
        today = date.today()
        handbooks = [printing_service.handbook_data(session, pid, today) for pid in ids]
        from desktop.printing import jobs

        try:
            printed = jobs.handbooks_to_pdf(out, args.size, handbooks, today=today)
        except OSError as exc:
            raise printing_service.PrintOutputError(str(exc), path=str(out)) from exc
        for doc in printed:
            session.record_print(doc.person_id, doc.pages, "pdf", args.size)
        return {"out": str(out), "persons": len(printed),
                "pages": sum(len(d.pages) for d in printed), "size": args.size}
    finally:
        session.close()


def report(data_dir: Path, username: str, period: str, area: str | None) -> dict[str, Any]:
    """Every indicator for *period* (YYYY-MM..YYYY-MM) and *area* with numerator,
    denominator, rate and per-village figures (design §8). Reads only."""
    from desktop.services import reports
    from desktop.services.session import Session

    reports.parse_period(period)  # a bad period is told before the password is tried
    reports.check_area(area)
    session = Session.login(data_dir, username, password_from_env())
    try:
        return reports.report_command(session, period, area)
    finally:
        session.close()


def export_bundle(data_dir: Path, username: str, out: Path) -> dict[str, Any]:
    """Pending changes into encrypted bundle file(s) for central: {files, batches, changes,
    device_id, since} (since: what central's export-bundle needs for the way back)."""
    from desktop.services.session import Session

    session = Session.login(data_dir, username, password_from_env())
    try:
        return session.export_bundle(out).to_json()
    finally:
        session.close()


def import_bundle(data_dir: Path, username: str, source: Path) -> dict[str, Any]:
    """Apply a bundle central wrote for this laptop: {acknowledged, batches, pulled,
    conflicts, errors, cursor, since, gap, more}. A damaged or foreign file changes nothing."""
    from desktop.services import bundles
    from desktop.services.session import Session

    bundles.read_file(source)  # an unreadable file is told before the password is tried
    session = Session.login(data_dir, username, password_from_env())
    try:
        return session.import_bundle(source).to_json()
    finally:
        session.close()
