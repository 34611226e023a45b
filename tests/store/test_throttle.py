"""Growing delays after failed logins (design §6), on a fake monotonic clock: no sleeping
except in the one test that goes through the default, real-clock path."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.i18n.messages import error_text
from desktop.store.database import Store
from desktop.store.errors import LoginThrottledError, WrongPasswordError
from desktop.store.keys import KdfParams
from desktop.store.throttle import FREE_TRIES, THROTTLE_FILE, LoginThrottle, delay_for

ROOT = Path(__file__).resolve().parents[2]


class FakeMonotonic:
    def __init__(self, start: float = 5000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _fail(data_dir, username, throttle, times=1):
    for _ in range(times):
        with pytest.raises(WrongPasswordError):
            Store.unlock(data_dir, username, "wrong-password", throttle=throttle)


def _login(data_dir, username, password, throttle):
    store, _ = Store.unlock(data_dir, username, password, throttle=throttle)
    store.close()


@pytest.fixture
def closed(made):
    made.store.close()
    return made


def test_the_try_after_the_free_ones_must_wait(closed):
    clock = FakeMonotonic()
    throttle = LoginThrottle(closed.data_dir, clock=clock)
    _fail(closed.data_dir, "admin", throttle, FREE_TRIES)

    # Even the right password is not tried while the delay runs.
    with pytest.raises(LoginThrottledError) as caught:
        Store.unlock(closed.data_dir, "admin", closed.password, throttle=throttle)
    seconds = caught.value.params["seconds"]
    assert seconds == delay_for(FREE_TRIES) > 0
    assert str(seconds) in error_text(caught.value)

    clock.advance(seconds - 0.5)
    with pytest.raises(LoginThrottledError):
        Store.unlock(closed.data_dir, "admin", closed.password, throttle=throttle)
    clock.advance(0.5)
    _login(closed.data_dir, "admin", closed.password, throttle)


def test_delays_grow_with_each_further_failure(closed):
    clock = FakeMonotonic()
    throttle = LoginThrottle(closed.data_dir, clock=clock)
    _fail(closed.data_dir, "admin", throttle, FREE_TRIES)
    waits = []
    for _ in range(3):
        waits.append(throttle.wait_seconds("admin"))
        clock.advance(waits[-1])
        _fail(closed.data_dir, "admin", throttle)
    waits.append(throttle.wait_seconds("admin"))
    assert waits == sorted(waits) and len(set(waits)) == len(waits)


def test_other_users_are_not_held_up(made):
    made.store.add_user(made.admin.id, "doctor1", "巴特尔", "village_doctor", [],
                        "doctor-pass-2", kdf=KdfParams.floor())
    made.store.close()
    throttle = LoginThrottle(made.data_dir, clock=FakeMonotonic())
    _fail(made.data_dir, "doctor1", throttle, FREE_TRIES)
    with pytest.raises(LoginThrottledError):
        Store.unlock(made.data_dir, "doctor1", "doctor-pass-2", throttle=throttle)
    _login(made.data_dir, "admin", made.password, throttle)


def test_a_name_without_a_key_slot_is_not_written_down(closed):
    # People type their password into the user name field: what does not name a user
    # must not land in plain text in the throttle file (there is no slot to guess at).
    throttle = LoginThrottle(closed.data_dir, clock=FakeMonotonic())
    typed = "Gerel-1990-secret"
    _fail(closed.data_dir, typed, throttle, FREE_TRIES + 2)
    throttle_file = closed.data_dir / THROTTLE_FILE
    assert not throttle_file.exists() or typed not in throttle_file.read_text("utf-8")
    with pytest.raises(WrongPasswordError) as caught:
        Store.unlock(closed.data_dir, typed, "x", throttle=throttle)
    assert typed not in str(caught.value)


def test_the_count_survives_a_restart(closed):
    _fail(closed.data_dir, "admin", LoginThrottle(closed.data_dir, clock=FakeMonotonic()),
          FREE_TRIES)

    # A new throttle with a clock that starts elsewhere, as after a reboot.
    restarted = LoginThrottle(closed.data_dir, clock=FakeMonotonic(start=12.0))
    with pytest.raises(LoginThrottledError):
        Store.unlock(closed.data_dir, "admin", closed.password, throttle=restarted)


def test_the_count_survives_a_new_process(closed):
    _fail(closed.data_dir, "admin", LoginThrottle(closed.data_dir, clock=FakeMonotonic()),
          FREE_TRIES)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from desktop.store.database import Store\n"
        "from desktop.store.errors import LoginThrottledError\n"
        "try:\n"
        "    Store.unlock(Path(sys.argv[1]), 'admin', sys.argv[2])\n"
        "except LoginThrottledError as exc:\n"
        "    print('throttled', exc.params['seconds'])\n"
        "else:\n"
        "    print('opened')\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script, str(closed.data_dir), closed.password],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["throttled", str(int(delay_for(FREE_TRIES)))]


def test_setting_the_wall_clock_forward_does_not_shorten_the_wait(closed, monkeypatch):
    clock = FakeMonotonic()
    throttle = LoginThrottle(closed.data_dir, clock=clock)
    _fail(closed.data_dir, "admin", throttle, FREE_TRIES)
    year = 365 * 24 * 3600.0
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + year)
    with pytest.raises(LoginThrottledError):
        Store.unlock(closed.data_dir, "admin", closed.password, throttle=throttle)


def test_success_resets_the_count(closed):
    clock = FakeMonotonic()
    throttle = LoginThrottle(closed.data_dir, clock=clock)
    _fail(closed.data_dir, "admin", throttle, FREE_TRIES)
    clock.advance(delay_for(FREE_TRIES))
    _login(closed.data_dir, "admin", closed.password, throttle)
    assert throttle.failures("admin") == 0
    # Free tries again: FREE_TRIES - 1 failures do not hold up the right password.
    _fail(closed.data_dir, "admin", throttle, FREE_TRIES - 1)
    _login(closed.data_dir, "admin", closed.password, throttle)


def test_without_an_explicit_throttle_the_right_password_opens_after_the_wait(closed):
    # The login screen calls Store.unlock without a throttle. Each call must not start the
    # full delay afresh, or after FREE_TRIES failures the user would be locked out for
    # good. Real clock: waits the shortest delay (2 s) once.
    for _ in range(FREE_TRIES):
        with pytest.raises(WrongPasswordError):
            Store.unlock(closed.data_dir, "admin", "wrong-password")
    with pytest.raises(LoginThrottledError) as caught:
        Store.unlock(closed.data_dir, "admin", closed.password)
    time.sleep(caught.value.params["seconds"] + 0.1)
    store, _ = Store.unlock(closed.data_dir, "admin", closed.password)
    store.close()
