"""Central's key file: seals each device's bundle key at rest (desktop/sync/bundle.py).

The database holds a device's bundle key only sealed (AES-256-GCM, the device id as
associated data) under a 256-bit key kept in a separate file (mode 0600), so a copy of the
database or of its backups alone opens no bundle and forges none. Back the key file up
apart from the database: without it, bundles cannot be read or written until the devices
enrol again (online sync keeps working: tokens are checked by hash).

Where the file is: --key-file, else $EKE_CENTRAL_KEY_FILE, else next to an SQLite database
(`<database>.key`), else eke-central.key in the current folder. `serve` creates it on first
start; the bundle commands only read it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from central.errors import StorageError
from central.storage import DB_ENV, DEFAULT_DB_FILE

KEY_FILE_ENV = "EKE_CENTRAL_KEY_FILE"
_PREFIX = "v1:"


def default_key_file(database_url: str | None) -> Path:
    env = os.environ.get(KEY_FILE_ENV)
    if env:
        return Path(env)
    url = database_url or os.environ.get(DB_ENV) or DEFAULT_DB_FILE
    if url.startswith(("postgresql:", "postgres:")):
        return Path("eke-central.key")
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    return Path(url + ".key")


class KeyFile:
    """The key in *path*, read once; `create` makes a fresh one if the file is missing."""

    def __init__(self, path: Path, create: bool = False) -> None:
        self.path = path
        if create and not path.exists():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                fd = -1  # another process made it first: read theirs
            if fd >= 0:
                with os.fdopen(fd, "w") as f:
                    f.write(base64.b64encode(AESGCM.generate_key(256)).decode() + "\n")
                    f.flush()
                    os.fsync(f.fileno())
        try:
            self._key = base64.b64decode(path.read_text().strip(), validate=True)
        except (OSError, ValueError) as exc:
            raise StorageError(detail=f"cannot read the key file {path}: {type(exc).__name__}"
                               ) from exc
        if len(self._key) != 32:
            raise StorageError(detail=f"the key file {path} does not hold a 256-bit key")

    def seal(self, device_id: str, key: bytes) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self._key).encrypt(nonce, key, device_id.encode("utf-8"))
        return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def unseal(self, device_id: str, sealed: str) -> bytes | None:
        """The device's bundle key, or None if sealed under another key file (or altered)."""
        if not sealed.startswith(_PREFIX):
            return None
        try:
            raw = base64.b64decode(sealed[len(_PREFIX):], validate=True)
            return AESGCM(self._key).decrypt(raw[:12], raw[12:], device_id.encode("utf-8"))
        except (ValueError, InvalidTag):
            return None
