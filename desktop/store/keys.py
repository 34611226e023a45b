"""Key slots: the random data key, wrapped once per user and once for the recovery key.

The slots live in keyslots.json beside the database because they must be read before the
database can be opened. A slot holds only the Argon2id parameters, a salt and the AES-GCM
wrapped data key; the associated data binds each slot to its store and user so slots cannot
be swapped between users or stores. Files are replaced atomically (write, fsync, rename).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.store.errors import StoreError, UnknownUserError, WrongPasswordError

SLOTS_FILE = "keyslots.json"
FORMAT = 1
MIN_MEMORY_KIB = 19 * 1024  # OWASP floor for Argon2id: 19 MiB, 2 passes
MIN_ITERATIONS = 2
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed back


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int = 1

    def __post_init__(self) -> None:
        if self.memory_kib < MIN_MEMORY_KIB or self.iterations < MIN_ITERATIONS:
            raise ValueError("Argon2id parameters below the 19 MiB / 2 pass floor")

    @classmethod
    def floor(cls) -> KdfParams:
        """The weakest parameters we allow (used by tests to keep them quick)."""
        return cls(MIN_MEMORY_KIB, MIN_ITERATIONS)


def calibrate(target_s: float = 0.5, max_memory_kib: int = 256 * 1024) -> KdfParams:
    """Argon2id parameters that take about *target_s* seconds on this machine."""
    memory = 64 * 1024
    iterations = 2
    elapsed = _time_kdf(KdfParams(memory, iterations))
    while elapsed < target_s / 2 and memory * 2 <= max_memory_kib:
        memory *= 2
        elapsed *= 2
    if elapsed < target_s:
        per_pass = elapsed / iterations
        iterations = max(MIN_ITERATIONS, round(target_s / per_pass))
    return KdfParams(memory, iterations)


def _time_kdf(params: KdfParams) -> float:
    start = time.perf_counter()
    derive_key(b"calibration", os.urandom(16), params)
    return time.perf_counter() - start


def derive_key(password: bytes, salt: bytes, params: KdfParams) -> bytes:
    return Argon2id(
        salt=salt, length=32, iterations=params.iterations, lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(password)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def new_recovery_key() -> str:
    """A random recovery key of 160 bits, in 8 groups of 4 easy-to-read characters."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(32))
    return "-".join(chars[i:i + 4] for i in range(0, 32, 4))


def normalise_recovery_key(text: str) -> str:
    return "".join(c for c in text.upper() if c in RECOVERY_ALPHABET)


@dataclass
class Slot:
    user_id: str
    username: str
    display_name: str
    salt: str
    nonce: str
    wrapped: str
    kdf: dict[str, int]


class KeySlots:
    """The key slot file of one store. Methods that change it write it back at once."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self._data = data

    # -- creation and loading -------------------------------------------------------
    @classmethod
    def create(cls, data_dir: Path, store_id: str, data_key: bytes, recovery_key: str
               ) -> KeySlots:
        slots = cls(data_dir / SLOTS_FILE, {"format": FORMAT, "store_id": store_id,
                                              "slots": [], "recovery": None})
        slots._data["recovery"] = slots._wrap_recovery(data_key, recovery_key)
        slots.save()
        return slots

    @classmethod
    def load(cls, data_dir: Path) -> KeySlots:
        path = data_dir / SLOTS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise
        except (OSError, ValueError) as exc:
            raise StoreError("key slot file unreadable") from exc
        if data.get("format") != FORMAT:
            raise StoreError("key slot file has an unknown format")
        return cls(path, data)

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self._data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)

    # -- reading ----------------------------------------------------------------------
    @property
    def store_id(self) -> str:
        return str(self._data["store_id"])

    def users(self) -> list[Slot]:
        return [Slot(**s) for s in self._data["slots"]]

    def find(self, username: str) -> Slot:
        for slot in self.users():
            if slot.username == username:
                return slot
        raise UnknownUserError(username)

    # -- unwrapping -------------------------------------------------------------------
    def unlock(self, username: str, password: str) -> tuple[bytes, Slot]:
        """The data key and the slot of *username*; WrongPasswordError if it does not open."""
        slot = self.find(username)
        kek = derive_key(password.encode("utf-8"), _unb64(slot.salt), KdfParams(**slot.kdf))
        try:
            key = AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.wrapped),
                                      self._aad("user", slot.user_id))
        except InvalidTag:
            raise WrongPasswordError(username) from None
        return key, slot

    def unlock_recovery(self, recovery_key: str) -> bytes:
        rec = self._data["recovery"]
        kek = self._recovery_kek(recovery_key, _unb64(rec["salt"]))
        try:
            return AESGCM(kek).decrypt(_unb64(rec["nonce"]), _unb64(rec["wrapped"]),
                                       self._aad("recovery", ""))
        except InvalidTag:
            raise WrongPasswordError("recovery") from None

    # -- changing ---------------------------------------------------------------------
    def set_user(self, data_key: bytes, user_id: str, username: str, display_name: str,
                 password: str, params: KdfParams) -> None:
        """Add the slot of a user, or rewrap it under a new password; writes the file."""
        salt = os.urandom(16)
        nonce = os.urandom(12)
        kek = derive_key(password.encode("utf-8"), salt, params)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, self._aad("user", user_id))
        slot = Slot(user_id, username, display_name, _b64(salt), _b64(nonce), _b64(wrapped),
                    asdict(params))
        others = [s for s in self._data["slots"] if s["user_id"] != user_id]
        if any(s["username"] == username for s in others):
            raise StoreError("user name taken")
        self._data["slots"] = others + [asdict(slot)]
        self.save()

    def remove_user(self, user_id: str) -> None:
        self._data["slots"] = [s for s in self._data["slots"] if s["user_id"] != user_id]
        self.save()

    def _aad(self, kind: str, user_id: str) -> bytes:
        return f"eke-keyslot/{FORMAT}/{self.store_id}/{kind}/{user_id}".encode()

    def _recovery_kek(self, recovery_key: str, salt: bytes) -> bytes:
        # The recovery key is 160 random bits, so a fast KDF is enough.
        return HKDF(hashes.SHA256(), 32, salt, b"eke-recovery").derive(
            normalise_recovery_key(recovery_key).encode("ascii"))

    def _wrap_recovery(self, data_key: bytes, recovery_key: str) -> dict[str, str]:
        salt = os.urandom(16)
        nonce = os.urandom(12)
        kek = self._recovery_kek(recovery_key, salt)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, self._aad("recovery", ""))
        return {"salt": _b64(salt), "nonce": _b64(nonce), "wrapped": _b64(wrapped)}


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_data_key() -> bytes:
    return secrets.token_bytes(32)
