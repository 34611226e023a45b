"""Hybrid logical clock (design §4) as pure functions.

A rev is "WWWWWWWWWWWWW-CCCC-DEVICE": 13-digit UTC milliseconds, a 4-digit counter and the
device id, so revs sort as strings. The caller passes the wall clock in; nothing here reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_COUNTER = 9999
WRONG_CLOCK_MS = 24 * 3600 * 1000


@dataclass(frozen=True, order=True)
class Rev:
    wall: int
    counter: int
    device: str

    def __str__(self) -> str:
        return f"{self.wall:013d}-{self.counter:04d}-{self.device}"


ZERO = Rev(0, 0, "")


def parse(rev: str) -> Rev:
    """A Rev from its text form; raises ValueError on anything else."""
    wall, counter, device = rev.split("-", 2)
    if len(wall) != 13 or len(counter) != 4 or not wall.isdigit() or not counter.isdigit():
        raise ValueError(f"not a rev: {rev!r}")
    return Rev(int(wall), int(counter), device)


def tick(last: Rev, now_ms: int, device: str) -> Rev:
    """The rev of a new local event after *last*, given the wall clock *now_ms*.

    Never goes backwards whatever the wall clock does: the counter advances while the wall
    does not, and a full counter moves the wall on by one millisecond.
    """
    if now_ms > last.wall:
        return Rev(now_ms, 0, device)
    if last.counter < MAX_COUNTER:
        return Rev(last.wall, last.counter + 1, device)
    return Rev(last.wall + 1, 0, device)


def ticks(last: Rev, now_ms: int, device: str, n: int) -> tuple[list[str], Rev]:
    """The revs (as text) of *n* new local events at one wall-clock reading: what *n*
    successive tick() calls with the same *now_ms* give, and the last of them (*last*
    when n is 0). For bulk writes: no Rev made per event."""
    if n <= 0:
        return [], last
    wall, counter = (now_ms, -1) if now_ms > last.wall else (last.wall, last.counter)
    out: list[str] = []
    suffix = f"-{device}"
    while len(out) < n:
        if counter >= MAX_COUNTER:
            wall, counter = wall + 1, -1
        stop = min(MAX_COUNTER, counter + n - len(out))
        prefix = f"{wall:013d}-"
        out += [f"{prefix}{c:04d}{suffix}" for c in range(counter + 1, stop + 1)]
        counter = stop
    return out, Rev(wall, counter, device)


def receive(last: Rev, remote: Rev, now_ms: int, device: str, max_ahead_ms: int | None = None
            ) -> Rev:
    """The local clock after seeing *remote*: later than both and than the wall clock.

    With *max_ahead_ms*, a remote wall more than that ahead of *now_ms* is clamped, so one
    device with a clock set in the future cannot drag everyone's clock forward.
    """
    remote_wall, remote_counter = remote.wall, remote.counter
    if max_ahead_ms is not None and remote_wall > now_ms + max_ahead_ms:
        # A clamped remote's counter belongs to a time that never happened here; keeping it
        # could overflow the counter and push our wall past the clamp.
        remote_wall, remote_counter = now_ms + max_ahead_ms, 0
    top = max(last.wall, remote_wall, now_ms)
    if top == last.wall == remote_wall:
        counter = max(last.counter, remote_counter) + 1
    elif top == last.wall:
        counter = last.counter + 1
    elif top == remote_wall:
        counter = remote_counter + 1
    else:
        counter = 0
    if counter > MAX_COUNTER:
        return Rev(top + 1, 0, device)
    return Rev(top, counter, device)


def clock_is_wrong(now_ms: int, largest_seen: Rev) -> bool:
    """True when the wall clock is more than 24 h behind the largest HLC seen (design §4)."""
    return now_ms < largest_seen.wall - WRONG_CLOCK_MS
