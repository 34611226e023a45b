"""Backoff of the sync client: exponential bound, full jitter, Retry-After honoured."""

from desktop.sync.client import backoff_delay


def test_full_jitter_stays_under_the_exponential_bound() -> None:
    assert [backoff_delay(n, rng=lambda: 1.0) for n in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff_delay(3, rng=lambda: 0.25) == 2.0
    assert backoff_delay(30, rng=lambda: 1.0) == 300.0  # capped


def test_retry_after_wins_but_is_capped() -> None:
    assert backoff_delay(0, rng=lambda: 1.0, retry_after="7") == 7.0
    assert backoff_delay(0, rng=lambda: 1.0, retry_after="86400") == 300.0
    # an HTTP date or garbage falls back to the jittered delay
    assert backoff_delay(1, rng=lambda: 0.5, retry_after="soon") == 1.0
