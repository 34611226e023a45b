"""Growing delays after failed logins.

The failure count is kept in a small file so it survives a restart; the wait is measured
with the monotonic clock, so setting the wall clock forward does not shorten it. After a
restart the full delay for the stored count applies again from the moment of start.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from desktop.store.errors import LoginThrottledError

THROTTLE_FILE = "login-throttle.json"
FREE_TRIES = 3
MAX_DELAY_S = 300.0


def delay_for(failures: int) -> float:
    """Seconds to wait before the next try after *failures* consecutive failures."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_DELAY_S, 2.0 ** (failures - FREE_TRIES + 1))


class LoginThrottle:
    def __init__(self, data_dir: Path, clock=time.monotonic) -> None:
        self.path = data_dir / THROTTLE_FILE
        self._clock = clock
        self._not_before: dict[str, float] = {}

    def _load(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): int(v) for k, v in data.items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def _save(self, counts: dict[str, int]) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(counts, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def failures(self, username: str) -> int:
        return self._load().get(username, 0)

    def wait_seconds(self, username: str) -> float:
        """How long *username* must still wait before a login is tried (0 when free)."""
        failures = self.failures(username)
        if failures < FREE_TRIES:
            return 0.0
        now = self._clock()
        not_before = self._not_before.setdefault(username, now + delay_for(failures))
        return max(0.0, not_before - now)

    def check(self, username: str) -> None:
        wait = self.wait_seconds(username)
        if wait > 0:
            raise LoginThrottledError(username, seconds=int(wait + 0.999))

    def failed(self, username: str) -> None:
        counts = self._load()
        counts[username] = counts.get(username, 0) + 1
        self._save(counts)
        self._not_before[username] = self._clock() + delay_for(counts[username])

    def succeeded(self, username: str) -> None:
        counts = self._load()
        if counts.pop(username, None) is not None:
            self._save(counts)
        self._not_before.pop(username, None)


_shared: dict[Path, LoginThrottle] = {}
_shared_lock = threading.Lock()


def shared_throttle(data_dir: Path) -> LoginThrottle:
    """The one throttle of *data_dir* in this process, on the real monotonic clock.

    The deadlines live in memory, so every login of one run must go through the same
    object: a new one starts the full delay afresh, which is right after a restart only.
    """
    key = data_dir.resolve()
    with _shared_lock:
        if key not in _shared:
            _shared[key] = LoginThrottle(key)
        return _shared[key]
