"""Several users, one data key (design §6): key slots, removal, recovery, password change."""

from __future__ import annotations

import json

import pytest

from desktop.store.database import Store
from desktop.store.errors import WrongPasswordError
from desktop.store.keys import SLOTS_FILE, KdfParams

DOCTOR = "doctor1"
DOCTOR_PASSWORD = "doctor-pass-2"


@pytest.fixture
def two_users(made):
    """The admin's store with a person and a second user (a village doctor); closed."""
    doctor = made.store.add_user(made.admin.id, DOCTOR, "巴特尔", "village_doctor",
                                 ["150525100201"], DOCTOR_PASSWORD, kdf=KdfParams.floor())
    with made.store.transaction(made.admin.id) as tx:
        person_id = tx.save("persons", {"kind": "woman", "name_zh": "萨仁"})["id"]
    made.store.close()
    return made, doctor, person_id


def _person_names(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT name_zh FROM persons")]


def _opens(data_dir, username, password) -> list[str]:
    store, user = Store.unlock(data_dir, username, password)
    try:
        assert user.username == username
        return _person_names(store)
    finally:
        store.close()


def test_two_users_open_the_same_data_with_their_own_passwords(two_users):
    made, _doctor, _ = two_users
    assert _opens(made.data_dir, made.admin.username, made.password) == ["萨仁"]
    assert _opens(made.data_dir, DOCTOR, DOCTOR_PASSWORD) == ["萨仁"]
    with pytest.raises(WrongPasswordError):
        Store.unlock(made.data_dir, DOCTOR, made.password)


def test_a_removed_user_is_locked_out_and_the_others_still_open(two_users):
    made, doctor, _ = two_users
    store, admin = Store.unlock(made.data_dir, made.admin.username, made.password)
    store.remove_user(admin.id, doctor.id)
    store.close()

    with pytest.raises(WrongPasswordError):
        Store.unlock(made.data_dir, DOCTOR, DOCTOR_PASSWORD)
    assert _opens(made.data_dir, made.admin.username, made.password) == ["萨仁"]
    slots = json.loads((made.data_dir / SLOTS_FILE).read_text(encoding="utf-8"))
    assert doctor.id not in {s["user_id"] for s in slots["slots"]}


@pytest.mark.parametrize("typed", [
    lambda key: key,
    lambda key: key.lower(),
    lambda key: key.lower().replace("-", " "),
    lambda key: " " + key.replace("-", "").lower() + " ",
])
def test_the_recovery_key_opens_as_printed_or_typed_loosely(two_users, typed):
    made, _, _ = two_users
    store = Store.unlock_recovery(made.data_dir, typed(made.recovery_key))
    try:
        assert _person_names(store) == ["萨仁"]
    finally:
        store.close()


def test_a_wrong_recovery_key_is_refused(two_users):
    made, _, _ = two_users
    key = made.recovery_key
    wrong = ("B" if key[0] == "A" else "A") + key[1:]
    with pytest.raises(WrongPasswordError):
        Store.unlock_recovery(made.data_dir, wrong)


def test_a_password_change_keeps_the_data_and_the_old_password_stops_working(two_users):
    made, doctor, _ = two_users
    store, _ = Store.unlock(made.data_dir, DOCTOR, DOCTOR_PASSWORD)
    store.change_password(doctor.id, doctor.id, "a-new-pass-3", kdf=KdfParams.floor())
    store.close()

    assert _opens(made.data_dir, DOCTOR, "a-new-pass-3") == ["萨仁"]
    with pytest.raises(WrongPasswordError):
        Store.unlock(made.data_dir, DOCTOR, DOCTOR_PASSWORD)
    assert _opens(made.data_dir, made.admin.username, made.password) == ["萨仁"]


def _edit_slots(data_dir, edit) -> None:
    path = data_dir / SLOTS_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    edit({s["username"]: s for s in data["slots"]})
    path.write_text(json.dumps(data), encoding="utf-8")


def test_wrapped_key_copied_into_another_users_slot_is_refused(two_users):
    # The doctor knows only her own password: she copies her wrapped key into the
    # administrator's slot (which keeps the administrator's user id), hoping to log in as
    # the administrator. The slot's associated data names the user id, so it fails.
    made, _, _ = two_users

    def swap(slots):
        for field in ("salt", "nonce", "wrapped", "kdf"):
            slots[made.admin.username][field] = slots[DOCTOR][field]

    _edit_slots(made.data_dir, swap)
    with pytest.raises(WrongPasswordError):
        Store.unlock(made.data_dir, made.admin.username, DOCTOR_PASSWORD)


def test_a_whole_slot_copied_under_another_users_name_is_refused(two_users):
    # With the user id copied too the key unwraps, but the slot then names a user whose
    # record has another user name: logging in as "admin" must not silently become the
    # doctor (or, the other way round, the doctor's slot must not pass as an admin's).
    made, _, _ = two_users

    def rename(slots):
        copy = dict(slots[DOCTOR], username=made.admin.username)
        slots[made.admin.username].clear()
        slots[made.admin.username].update(copy)

    _edit_slots(made.data_dir, rename)
    with pytest.raises(WrongPasswordError):
        Store.unlock(made.data_dir, made.admin.username, DOCTOR_PASSWORD)
    # The doctor's own slot is untouched and still opens, as the doctor.
    assert _opens(made.data_dir, DOCTOR, DOCTOR_PASSWORD) == ["萨仁"]
