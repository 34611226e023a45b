"""python -m central: serve, issue-code, stats, list-devices, revoke-device (design §8).

Every command takes --database-url (default: $EKE_CENTRAL_DB, else eke-central.sqlite3 in
the current folder). Output is JSON where a program may read it; the enrollment code is
printed alone on one line so that it can be copied or piped.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from central.auth import issue_code, utc_now_iso
from central.errors import StorageError
from central.storage import open_storage
from desktop.sync.errors import ProtocolError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m central", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", default=None,
                        help="sqlite:///FILE or a file path (default: $EKE_CENTRAL_DB)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", parents=[common], help="run the sync server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    code = sub.add_parser("issue-code", parents=[common], help="print a one-time enrollment code")
    code.add_argument("--areas", required=True, help="area codes, comma separated")
    sub.add_parser("stats", parents=[common], help="live rows per table, as JSON")
    sub.add_parser("list-devices", parents=[common], help="enrolled devices, as JSON")
    revoke = sub.add_parser("revoke-device", parents=[common], help="refuse a device's token")
    revoke.add_argument("device_id")
    return parser


def _serve(database_url: str | None, host: str, port: int) -> int:
    import uvicorn

    from central.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(open_storage(database_url))
    # uvicorn's access log would record client addresses and query strings: ours is enough.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="info")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args.database_url, args.host, args.port)
        storage = open_storage(args.database_url)
        if args.command == "issue-code":
            areas = [a.strip() for a in args.areas.split(",") if a.strip()]
            try:
                print(issue_code(storage, areas))
            except (ValueError, ProtocolError):
                print("error: --areas needs area codes of 2, 4, 6, 9 or 12 digits",
                      file=sys.stderr)
                return 2
        elif args.command == "stats":
            print(json.dumps(storage.live_rows(), sort_keys=True))
        elif args.command == "list-devices":
            print(json.dumps([{"id": d.id, "name": d.name, "areas": list(d.areas),
                               "enrolled_at": d.enrolled_at, "revoked_at": d.revoked_at}
                              for d in storage.list_devices()], ensure_ascii=False))
        elif args.command == "revoke-device":
            if not storage.revoke_device(args.device_id, utc_now_iso()):
                print(f"error: no device {args.device_id}", file=sys.stderr)
                return 1
            print(json.dumps({"revoked": args.device_id}))
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
