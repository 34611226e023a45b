"""Writer for the crash test: saves records until it is killed.

    python crash_writer.py DATA_DIR USERNAME   (password in EKE_PASSWORD)

Each record is one transaction with a person and a prenatal visit, like a real save. The
person's id goes to stdout (flushed) only after the transaction committed, so every id
the parent read was acknowledged and must survive the kill.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.store.database import Store  # noqa: E402


def main() -> None:
    data_dir, username = Path(sys.argv[1]), sys.argv[2]
    store, user = Store.unlock(data_dir, username, os.environ["EKE_PASSWORD"])
    n = 0
    while True:
        n += 1
        with store.transaction(user.id) as tx:
            person = tx.save("persons", {"kind": "woman", "name_zh": f"乌日娜{n}",
                                         "resident_id": f"150525199001{n % 10000:04d}23",
                                         "area_code": "150525100201"})
            tx.save("prenatal_visits", {"person_id": person["id"], "pregnancy_id": "g",
                                        "visit_date": "2026-03-01", "visit_no": 1,
                                        "sbp": 110 + n % 40, "dbp": 70, "weight_kg": 58.5})
        sys.stdout.write(person["id"] + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
