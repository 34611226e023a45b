"""Shared set-up for the maternal service tests: sessions on a real encrypted store."""

from __future__ import annotations

from datetime import date

from desktop.domain.ids import check_char
from desktop.services.session import Session
from desktop.store.keys import KdfParams

TODAY = date(2026, 11, 24)
VILLAGE = "150525100201"
OTHER_VILLAGE = "150525100202"


def resident_id(born: date, seq: int = 22, county: str = "150525") -> str:
    first17 = f"{county}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def woman_fields(**over: object) -> dict:
    fields = {"name_zh": "王丽", "birth_date": "1996-03-01",
              "resident_id": resident_id(date(1996, 3, 1)), "ethnicity": "han",
              "occupation": "farmer", "phone": "13800001111", "address": "白音昌乡东村一组",
              "area_code": VILLAGE, "husband_name": "李强", "husband_phone": "13900002222",
              "blood_group": "A", "rh": "+"}
    fields.update(over)
    return {k: v for k, v in fields.items() if v is not None}


def admin_session(made) -> Session:
    return Session(made.store, made.admin)


def village_doctor_session(made, areas=(VILLAGE,), name: str = "doctor1") -> Session:
    user = made.store.add_user(made.admin.id, name, "村医", "village_doctor", list(areas),
                               "doctor-pass", kdf=KdfParams.floor())
    return Session(made.store, user)


def count(made, table: str) -> int:
    return made.store.conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0"
                                   ).fetchone()[0]
