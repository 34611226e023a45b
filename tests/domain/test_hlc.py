"""Hybrid logical clock properties (design §4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain import hlc
from desktop.domain.hlc import MAX_COUNTER, Rev

DAY_MS = 24 * 3600 * 1000
YEAR_MS = 365 * DAY_MS
NOW_2026 = int(datetime(2026, 11, 24, tzinfo=UTC).timestamp() * 1000)
MAX_WALL = 10**13 - 1 - 20 * YEAR_MS  # keeps 13 digits even after a clamp and many ticks

walls = st.integers(min_value=0, max_value=MAX_WALL)
counters = st.integers(min_value=0, max_value=MAX_COUNTER)
devices = st.text(alphabet="abcdefghijklmnopqrstuvwxyz234567-", min_size=1, max_size=12)
revs = st.builds(Rev, walls, counters, devices)


@given(st.lists(walls, min_size=1, max_size=200), revs, devices)
def test_tick_is_strictly_monotonic_whatever_the_wall_clock_does(nows, start, device):
    last = start
    for now in nows:
        nxt = hlc.tick(last, now, device)
        assert (nxt.wall, nxt.counter) > (last.wall, last.counter)
        assert nxt.wall >= now
        last = nxt


@given(revs, revs, walls, devices)
def test_receive_is_later_than_both_clocks_and_the_wall(last, remote, now, device):
    got = hlc.receive(last, remote, now, device)
    assert (got.wall, got.counter) > (last.wall, last.counter)
    assert (got.wall, got.counter) > (remote.wall, remote.counter)
    assert got.wall >= now


@given(st.lists(st.tuples(st.booleans(), revs, walls), min_size=1, max_size=100), devices)
def test_ticks_and_receives_in_any_order_stay_monotonic(events, device):
    last = hlc.ZERO
    for is_receive, remote, now in events:
        nxt = (hlc.receive(last, remote, now, device, max_ahead_ms=DAY_MS) if is_receive
               else hlc.tick(last, now, device))
        assert (nxt.wall, nxt.counter) > (last.wall, last.counter)
        last = nxt


@given(revs)
def test_text_round_trip(rev):
    assert hlc.parse(str(rev)) == rev


@given(revs, revs)
def test_text_order_is_tuple_order(a, b):
    assert (str(a) < str(b)) == (a < b)
    assert (str(a) == str(b)) == (a == b)


@pytest.mark.parametrize("text", ["", "123", "0000000000001-001-dev", "000000000001-0001-d",
                                  "000000000000a-0001-dev", "0000000000001-000x-dev"])
def test_parse_refuses_what_is_not_a_rev(text):
    with pytest.raises(ValueError):
        hlc.parse(text)


@given(st.integers(min_value=0, max_value=MAX_COUNTER - 1), counters,
       st.integers(min_value=0, max_value=DAY_MS))
def test_a_remote_ten_years_ahead_moves_the_clock_at_most_max_ahead(remote_counter,
                                                                    last_counter, behind):
    now = NOW_2026
    last = Rev(now - behind, last_counter, "local")
    remote = Rev(now + 10 * YEAR_MS, remote_counter, "future")
    got = hlc.receive(last, remote, now, "local", max_ahead_ms=DAY_MS)
    assert got.wall <= now + DAY_MS
    assert got > last


def test_a_clamped_remote_with_a_full_counter_still_stays_within_max_ahead():
    remote = Rev(NOW_2026 + 10 * YEAR_MS, MAX_COUNTER, "future")
    got = hlc.receive(Rev(NOW_2026, 0, "local"), remote, NOW_2026, "local",
                      max_ahead_ms=DAY_MS)
    assert got.wall <= NOW_2026 + DAY_MS


def test_without_a_limit_the_remote_wall_is_taken():
    remote = Rev(NOW_2026 + 10 * YEAR_MS, 3, "future")
    assert hlc.receive(Rev(NOW_2026, 0, "local"), remote, NOW_2026, "local") == Rev(
        remote.wall, 4, "local")


def test_a_2009_clock_is_wrong_and_a_few_minutes_off_is_not():
    seen = Rev(NOW_2026, 0, "central")
    in_2009 = int(datetime(2009, 1, 1, tzinfo=UTC).timestamp() * 1000)
    assert hlc.clock_is_wrong(in_2009, seen)
    assert not hlc.clock_is_wrong(NOW_2026 - 10 * 60 * 1000, seen)
    assert not hlc.clock_is_wrong(NOW_2026 - DAY_MS, seen)
    assert hlc.clock_is_wrong(NOW_2026 - DAY_MS - 1, seen)
    assert not hlc.clock_is_wrong(NOW_2026 + YEAR_MS, seen)


def test_a_local_write_after_a_2009_clock_still_sorts_after_what_was_seen():
    seen = Rev(NOW_2026, 17, "central")
    in_2009 = int(datetime(2009, 1, 1, tzinfo=UTC).timestamp() * 1000)
    local = hlc.receive(hlc.ZERO, seen, in_2009, "dev")
    written = hlc.tick(local, in_2009, "dev")
    assert str(written) > str(seen)


def test_ticks_are_what_successive_ticks_at_one_reading_give():
    import random

    rng = random.Random(7)
    for _ in range(500):
        last = hlc.Rev(rng.choice([0, 1_733_000_000_000]), rng.choice([0, 5, 9998, 9999]), "a")
        now = last.wall + rng.choice([-5, 0, 1])
        n = rng.choice([0, 1, 2, 9, 10_001, 20_500])
        revs, end = hlc.ticks(last, now, "dev", n)
        expected, rev = [], last
        for _ in range(n):
            rev = hlc.tick(rev, now, "dev")
            expected.append(str(rev))
        assert revs == expected
        assert end == rev
