"""python -m desktop: parse the arguments and hand over to the window or a command.

Every command prints one clear line in the user's language and exits non-zero on error,
never a traceback (design §8). Passwords come from EKE_PASSWORD, never from arguments.
"""
# ruff: noqa: E402 - START is taken before the other imports on purpose

from __future__ import annotations

import time

START = time.perf_counter()  # read by desktop.ui.app to report start-up time (--exit-when-ready)

import argparse
import json
import os
import sys

from desktop import paths
from desktop.errors import AppError, UsageError
from desktop.i18n import _, set_language
from desktop.i18n.messages import error_text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage and exit 2
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m desktop",
                     description="Eke: the offline Maternal and Child Health Handbook.")
    parser.add_argument("--data-dir", help="data folder (default: the user's data folder)")
    parser.add_argument("--user", default=None,
                        help="log in as this user with the password in EKE_PASSWORD")
    parser.add_argument("--exit-when-ready", action="store_true",
                        help="print start-up timings as JSON when the main window is usable,"
                             " then quit (benchmarks and smoke tests)")
    sub = parser.add_subparsers(dest="command")

    def on_store(name: str, what: str, user: bool = True) -> argparse.ArgumentParser:
        """A command on the store in --data-dir, opened as --user (not for one that makes it)."""
        command = sub.add_parser(name, help=what)
        command.add_argument("--data-dir", dest="sub_data_dir", required=True)
        if user:
            command.add_argument("--user", dest="sub_user", default=None)
        return command

    demo = on_store("demo", "create an encrypted store filled with a demo township", user=False)
    demo.add_argument("--persons", type=int, default=2000)
    demo.add_argument("--area", default="150525", help="6-digit county or 9-digit township code")
    demo.add_argument("--seed", type=int, default=20261124)

    on_store("stats", "print live rows per table and pending changes as JSON")

    sync = on_store("sync", "sync once with central and print the result as JSON")
    sync.add_argument("--endpoint", default=None, help="central's address (default: enrolled)")

    enroll = on_store("enroll", "enrol the store with central using a one-time code")
    enroll.add_argument("--endpoint", required=True, help="central's address, https://…")
    enroll.add_argument("--code", required=True, help="the one-time enrollment code")

    back = on_store("backup", "make an encrypted backup now (data folder, the chosen extra"
                    " folder and --to FOLDER); prints what was made as JSON")
    back.add_argument("--to", dest="to_folder", default=None,
                      help="also copy the backup into this folder (e.g. a USB drive)")

    report = on_store("report", "print every indicator with its numerator and denominator"
                      " for a period (and an area) as JSON")
    report.add_argument("--period", required=True, help="YYYY-MM..YYYY-MM (or one YYYY-MM)")
    report.add_argument("--area", default=None,
                        help="a township (9 digits) or village (12 digits) code")
    report.add_argument("--json", action="store_true", help="JSON output (the only form)")

    restore = on_store("restore", "restore a backup or install a move package (an empty data"
                       " folder); the replaced file is kept aside")
    restore.add_argument("--from", dest="from_file", required=True,
                         help="a backup file (eke-….db) or a move package (eke-move-….zip)")

    printing = on_store("print", "print the handbook pages of one person (or of the first N"
                        " women) to a PDF")
    printing.add_argument("--out", required=True, help="the PDF file to write")
    printing.add_argument("--size", choices=("A5", "A4"), default="A5",
                          help="page size (the handbook is A5)")
    who = printing.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", help="the person's id")
    who.add_argument("--sample", type=int, help="the first N women of the store")

    export = on_store("export-bundle", "write the changes not yet sent to an encrypted file"
                      " for central (a USB stick); prints JSON")
    export.add_argument("--out", required=True,
                        help="a folder (the file is named eke-DEVICE-TIME.ekebundle) or a file")
    bring = on_store("import-bundle", "apply a bundle central wrote for this laptop; prints JSON")
    bring.add_argument("--from", dest="from_file", required=True, help="the .ekebundle file")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    set_language(os.environ.get("EKE_LANGUAGE", "zh_Hans_CN"))
    try:
        args = build_parser().parse_args(argv)
        data_dir = getattr(args, "sub_data_dir", None) or args.data_dir
        if args.command is None:
            from desktop.ui.app import run  # Qt is imported only for the window

            return run(paths.resolve_data_dir(data_dir), user=args.user,
                       exit_when_ready=args.exit_when_ready)
        from desktop.services import commands

        result = commands.run(args.command, paths.resolve_data_dir(data_dir), args)
        if result is not None:
            print(json.dumps(result, ensure_ascii=False))
        return 0
    except AppError as exc:
        print(error_text(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("Stopped."), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
