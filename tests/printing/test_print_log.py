"""The print log and the audit on a real encrypted store: after a print only the pages a
new visit changed count as "changed since the last print"; every print is audited."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.domain.ids import check_char  # noqa: E402
from desktop.printing import jobs  # noqa: E402
from desktop.services.session import Session  # noqa: E402
from desktop.store.audit import verify_chain  # noqa: E402

TODAY = date(2026, 11, 24)
VILLAGE = "150525100201"


def resident_id(birth: date) -> str:
    first = f"150525{birth:%Y%m%d}122"
    return first + check_char(first)


def pregnant_woman(session: Session) -> tuple[str, str]:
    woman = session.register_woman({
        "name_zh": "王丽", "birth_date": "1996-03-01", "resident_id": resident_id(
            date(1996, 3, 1)), "ethnicity": "han", "occupation": "farmer",
        "phone": "13800001111", "address": "白音昌乡东村一组", "area_code": VILLAGE,
        "husband_name": "李强"}, today=TODAY).ids[0]
    pregnancy = session.register_pregnancy(woman, {
        "registered_on": "2026-10-01", "lmp": "2026-08-01", "gravidity": 1, "parity": 0,
        "height_cm": 160, "pre_weight_kg": 56, "handbook_no": "150525100-2026-00007"},
        today=TODAY).ids[0]
    return woman, pregnancy


def print_pdf(session: Session, person: str, path: Path, selector=jobs.select_all
              ) -> list[tuple[str, str]]:  # noqa: ANN001
    data = session.handbook_data(person, TODAY)
    docs = jobs.handbooks_to_pdf(path, "A5", [data], selector, TODAY)
    pages = [p for d in docs for p in d.pages]
    if pages:
        session.record_print(person, pages, "pdf", "A5")
    return pages


def layout_pages(session: Session, person: str, tmp: Path) -> list[tuple[str, str]]:
    """(key, hash) of every page as it would print now (nothing logged)."""
    from desktop.printing.render import pdf_writer

    jobs.ensure_gui_application()
    writer = pdf_writer(tmp / "probe.pdf", "A5")
    jobs.prepare_device(writer, "A5")
    laid = jobs.layout_handbooks(writer, "A5", [session.handbook_data(person, TODAY)],
                                 today=TODAY)
    return [(p.key, p.content_hash) for _person, pages in laid for p in pages]


def test_changed_since_last_print_selects_only_changed_pages(made, tmp_path: Path):  # noqa: ANN001
    session = Session(made.store, made.admin)
    woman, pregnancy = pregnant_woman(session)
    first = print_pdf(session, woman, tmp_path / "all.pdf")
    keys = [k for k, _ in first]
    assert keys[:4] == ["cover", "identity", "pregnancy", "prenatal"]
    # Nothing changed: nothing to print.
    assert session.pages_changed_since_print(woman, layout_pages(session, woman, tmp_path)) \
        == []

    session.record_prenatal_visit(pregnancy, {
        "visit_date": "2026-11-20", "weight_kg": 58.0, "sbp": 118, "dbp": 76,
        "urine_protein": "-", "next_date": "2026-12-18"}, today=TODAY)
    changed = session.pages_changed_since_print(woman, layout_pages(session, woman, tmp_path))
    assert "prenatal" in changed
    assert "cover" not in changed and "identity" not in changed and "notes" not in changed

    # Printing the changed pages only, then nothing is left.
    again = print_pdf(session, woman, tmp_path / "changed.pdf", jobs.select_keys(changed))
    assert [k for k, _ in again] == changed
    assert session.pages_changed_since_print(woman, layout_pages(session, woman, tmp_path)) \
        == []
    text = __import__("subprocess").run(["pdftotext", str(tmp_path / "changed.pdf"), "-"],
                                        capture_output=True, text=True).stdout
    assert "118/76" in text


def test_every_print_is_audited_who_what_when(made, tmp_path: Path):  # noqa: ANN001
    session = Session(made.store, made.admin)
    woman, _pregnancy = pregnant_woman(session)
    pages = print_pdf(session, woman, tmp_path / "h.pdf", jobs.select_numbers([1, 3]))
    assert [k for k, _ in pages] == ["cover", "pregnancy"]
    rows = made.store.conn.execute(
        "SELECT at, user_id, table_name, row_id, detail FROM audit WHERE action = 'print'"
    ).fetchall()
    assert len(rows) == 1
    at, user_id, table, row_id, detail = rows[0]
    assert user_id == made.admin.id and table == "persons" and row_id == woman
    assert at.startswith("20")
    assert json.loads(detail) == {"what": "handbook", "pages": ["cover", "pregnancy"],
                                  "target": "pdf", "size": "A5"}
    assert verify_chain(made.store.conn) is None
    history = made.store.conn.execute("SELECT page_key FROM print_log WHERE person_id = ?"
                                      " ORDER BY seq", (woman,)).fetchall()
    assert [r[0] for r in history] == ["cover", "pregnancy"]


def test_visit_sheets_for_the_worklist(made, tmp_path: Path):  # noqa: ANN001
    session = Session(made.store, made.admin)
    woman, _pregnancy = pregnant_woman(session)
    sheets = session.visit_sheets_data(TODAY)
    assert sheets and all(s["section"] in ("overdue", "today") for s in sheets)
    assert any(s["person_id"] == woman for s in sheets)
    done = jobs.sheets_to_pdf(tmp_path / "sheets.pdf", "A5", sheets)
    assert len(done.pages) == len(sheets)
    session.record_sheets_print(sorted({s["person_id"] for s in sheets}), len(done.pages),
                                "pdf", "A5")
    detail = made.store.conn.execute(
        "SELECT detail FROM audit WHERE action = 'print'").fetchone()[0]
    assert json.loads(detail)["what"] == "visit_sheets"
    text = __import__("subprocess").run(["pdftotext", str(tmp_path / "sheets.pdf"), "-"],
                                        capture_output=True, text=True).stdout
    assert "王丽" in text


def test_a_cancelled_job_leaves_no_file_and_no_log(made, tmp_path: Path):  # noqa: ANN001
    import pytest

    session = Session(made.store, made.admin)
    woman, _pregnancy = pregnant_woman(session)
    data = session.handbook_data(woman, TODAY)
    seen: list[int] = []
    path = tmp_path / "cancelled.pdf"
    with pytest.raises(jobs.PrintCancelled):
        jobs.handbooks_to_pdf(path, "A5", [data], today=TODAY,
                              progress=lambda done, total: seen.append(done),
                              cancelled=lambda: len(seen) >= 2)
    assert seen == [1, 2]
    assert not path.exists()
    assert made.store.conn.execute("SELECT count(*) FROM print_log").fetchone()[0] == 0
