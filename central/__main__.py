"""python -m central: serve, issue-code, stats, list-devices, revoke-device, import-bundle,
export-bundle (design §8; operating guide in central/README.md).

Every command takes --database-url (postgresql://… or an SQLite file; default:
$EKE_CENTRAL_DB, else eke-central.sqlite3 in the current folder) and --key-file (see
central/keys.py). Output is JSON where a program may read it; the enrollment code is printed
alone on one line so that it can be copied or piped.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from central.auth import issue_code, utc_now_iso
from central.errors import CentralError, StorageError
from central.keys import KeyFile, default_key_file
from central.limits import Limits, version_tuple
from central.storage import Storage, open_storage
from desktop.sync.errors import ProtocolError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m central", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", default=None,
                        help="postgresql://USER@HOST/DB, sqlite:///FILE or a file path"
                             " (default: $EKE_CENTRAL_DB, else eke-central.sqlite3)")
    common.add_argument("--key-file", default=None, type=Path,
                        help="the key that seals bundle keys (default: $EKE_CENTRAL_KEY_FILE,"
                             " else DATABASE.key next to an SQLite file, else eke-central.key)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", parents=[common], help="run the sync server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument("--push-rate", type=float, default=Limits.push_rate_per_s,
                       help="batches per second a device may push on average (default 20)")
    serve.add_argument("--push-burst", type=int, default=Limits.push_burst,
                       help="batches a device may push at once after a pause (default 200)")
    serve.add_argument("--min-client-version", default=None,
                       help="refuse programs older than this version (409 client_too_old)")
    code = sub.add_parser("issue-code", parents=[common], help="print a one-time enrollment code")
    code.add_argument("--areas", required=True, help="area codes, comma separated")
    sub.add_parser("stats", parents=[common], help="live rows per table, as JSON")
    sub.add_parser("list-devices", parents=[common], help="enrolled devices, as JSON")
    revoke = sub.add_parser("revoke-device", parents=[common], help="refuse a device's token")
    revoke.add_argument("device_id")
    imp = sub.add_parser("import-bundle", parents=[common],
                         help="apply a laptop's offline bundle (twice changes nothing)")
    imp.add_argument("file", type=Path)
    exp = sub.add_parser("export-bundle", parents=[common],
                         help="write others' changes for a laptop into a bundle for it")
    exp.add_argument("--device", required=True, help="the laptop's device id")
    exp.add_argument("--since", type=int, default=0,
                     help="the laptop's pull cursor (shown on its Sync page); 0 for all")
    exp.add_argument("--out", required=True, type=Path, help="the bundle file to write")
    return parser


def _keys(args: argparse.Namespace, create: bool = False) -> KeyFile:
    return KeyFile(args.key_file or default_key_file(args.database_url), create=create)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from central.app import create_app

    if args.min_client_version is not None:
        try:
            version_tuple(args.min_client_version)
        except ProtocolError:
            print("error: --min-client-version needs a version such as 0.2.0", file=sys.stderr)
            return 2
    if args.push_rate <= 0 or args.push_burst < 1:
        print("error: --push-rate and --push-burst must be positive", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    limits = Limits(args.push_rate, args.push_burst, args.min_client_version)
    storage = open_storage(args.database_url)
    app = create_app(storage, _keys(args, create=True), limits=limits)
    try:
        # uvicorn's access log would record client addresses and query strings: ours is enough.
        uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")
    finally:
        storage.close()
    return 0


def _bundle_command(args: argparse.Namespace, storage: Storage) -> int:
    from central.app import now_ms
    from central.bundles import export_bundle, import_bundle

    keys = _keys(args)
    if args.command == "import-bundle":
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
        result = import_bundle(storage, keys, data, now_ms())
        print(json.dumps(result.to_json()))
        return 0
    if args.since < 0:
        print("error: --since must be 0 or more", file=sys.stderr)
        return 2
    exported = export_bundle(storage, keys, args.device, args.since, now_ms)
    tmp = args.out.with_name(args.out.name + ".part")
    try:
        # Written aside and renamed: a stick pulled out early never holds half a bundle
        # under the final name.
        with open(tmp, "wb") as f:
            f.write(exported.data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, args.out)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    print(json.dumps({**exported.to_json(), "file": str(args.out)}))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        storage = open_storage(args.database_url)
        if args.command in ("import-bundle", "export-bundle"):
            try:
                return _bundle_command(args, storage)
            finally:
                storage.close()
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
    except CentralError as exc:
        # A refused bundle, an unknown or revoked device: the stable code says which.
        print(f"error: {exc.code}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
