"""Per-device push rate (token bucket) and the oldest program version central accepts.

The buckets live in the server process's memory: a restart forgives everyone, which is
fine for a limit that only protects the server from a runaway client. Behind several
server processes each process limits on its own (the effective rate multiplies).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from central.errors import ClientTooOld, TooManyRequests
from desktop.sync import errors as e
from desktop.sync.errors import ProtocolError

VERSION_HEADER = "X-Eke-Version"
_VERSION = re.compile(r"(\d{1,6})((?:\.\d{1,6}){0,3})([.+-]?[A-Za-z][0-9A-Za-z.+-]{0,31})?")


@dataclass(frozen=True)
class Limits:
    """What `serve` configures: pushes per second and burst per device, oldest version."""

    push_rate_per_s: float = 20.0
    push_burst: int = 200
    min_client_version: str | None = None


class TokenBucket:
    """*rate* tokens per second up to *burst*, one bucket per key; thread-safe."""

    def __init__(self, rate_per_s: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("rate and burst must be positive")
        self.rate, self.burst, self._clock = rate_per_s, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token for *key*: 0.0 if allowed, else seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def check(self, key: str) -> None:
        """TooManyRequests (429, whole seconds in Retry-After) when *key* has no token left."""
        wait = self.take(key)
        if wait > 0:
            raise TooManyRequests(max(1, math.ceil(wait)))


def version_tuple(text: str) -> tuple[int, ...]:
    """(major, minor, patch, …) of a version such as "0.1.0" or "1.2.0rc1"; ProtocolError else."""
    m = _VERSION.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise ProtocolError(e.BAD_VALUE, VERSION_HEADER)
    parts = (int(m.group(1)), *(int(p) for p in m.group(2).split(".")[1:]))
    return parts + (0,) * (4 - len(parts))


def check_client_version(header: str | None, minimum: str | None) -> None:
    """ClientTooOld when the program's version is below *minimum*.

    A request without the header comes from a program older than the header itself, so it
    is too old whenever a minimum is set. A pre-release counts as its release (1.2.0rc1 is
    1.2.0): minimums name releases.
    """
    if minimum is None:
        if header is not None:
            version_tuple(header)  # still refuse garbage
        return
    if header is None or version_tuple(header) < version_tuple(minimum):
        raise ClientTooOld(minimum)
