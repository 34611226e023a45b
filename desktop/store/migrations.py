"""Named, transactional schema migrations.

Each migration runs in its own transaction together with the row that records it, so a
power cut leaves the file either before or after a migration, never half-way. Migrations
are history: never edit one that has shipped; add a new one. A file that records a
migration this program does not know was written by a newer program and is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import sqlcipher3

from desktop.store.connection import immediate, rollback_if_open
from desktop.store.errors import StoreTooNewError, mapped_db_errors
from desktop.store.writer import read_meta, write_meta

SYNC_COLUMNS = (
    "id TEXT PRIMARY KEY, rev TEXT NOT NULL, origin TEXT NOT NULL, "
    "deleted INTEGER NOT NULL DEFAULT 0, updated_by TEXT"
)
MUTABLE_COLUMNS = SYNC_COLUMNS + ", field_revs TEXT NOT NULL DEFAULT '{}'"
EVENT_COLUMNS = SYNC_COLUMNS + ", supersedes TEXT"


@dataclass(frozen=True)
class Migration:
    name: str
    apply: Callable[[sqlcipher3.Connection], None]


def _m0001_base(conn: sqlcipher3.Connection) -> None:
    statements = [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL, role TEXT NOT NULL, areas TEXT NOT NULL DEFAULT '[]',
            language TEXT NOT NULL DEFAULT 'zh_Hans_CN', created_at TEXT NOT NULL,
            removed_at TEXT)""",
        """CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL,
            row_id TEXT NOT NULL, rev TEXT NOT NULL, fields TEXT NOT NULL,
            deleted INTEGER NOT NULL, urgent INTEGER NOT NULL DEFAULT 0, batch_id TEXT)""",
        "CREATE INDEX outbox_row ON outbox(table_name, row_id)",
        """CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, user_id TEXT,
            action TEXT NOT NULL, table_name TEXT, row_id TEXT, rev TEXT, detail TEXT,
            prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""",
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
        f"""CREATE TABLE persons ({MUTABLE_COLUMNS}, kind TEXT NOT NULL, name_zh TEXT,
            name_mn TEXT, name_latin TEXT, sex TEXT, birth_date TEXT, resident_id TEXT,
            ethnicity TEXT, occupation TEXT, phone TEXT, address TEXT, area_code TEXT,
            husband_name TEXT, husband_phone TEXT, blood_group TEXT, rh TEXT, mother_id TEXT,
            birth_cert_no TEXT, status TEXT NOT NULL DEFAULT 'active', status_reason TEXT,
            notes TEXT)""",
        "CREATE INDEX persons_area ON persons(area_code, kind)",
        "CREATE INDEX persons_mother ON persons(mother_id)",
        "CREATE INDEX persons_resident_id ON persons(resident_id)",
        f"""CREATE TABLE pregnancies ({MUTABLE_COLUMNS}, person_id TEXT NOT NULL,
            area_code TEXT, registered_on TEXT, lmp TEXT, edd TEXT, edd_method TEXT,
            us_date TEXT, us_ga_days INTEGER, gravidity INTEGER, parity INTEGER,
            history TEXT, handbook_no TEXT, status TEXT NOT NULL DEFAULT 'ongoing',
            ended_on TEXT, end_reason TEXT, risk_colour TEXT, risk_colours TEXT)""",
        "CREATE INDEX pregnancies_person ON pregnancies(person_id)",
        "CREATE INDEX pregnancies_status ON pregnancies(status, edd)",
        f"""CREATE TABLE cases ({MUTABLE_COLUMNS}, person_id TEXT NOT NULL,
            pregnancy_id TEXT, colour TEXT NOT NULL, status TEXT NOT NULL,
            responsible_user TEXT, referral_level TEXT, plan TEXT, opened_on TEXT,
            reported_on TEXT, next_followup TEXT, closed_on TEXT, outcome TEXT)""",
        "CREATE INDEX cases_person ON cases(person_id)",
        "CREATE INDEX cases_status ON cases(status, next_followup)",
        f"""CREATE TABLE prenatal_visits ({EVENT_COLUMNS}, person_id TEXT NOT NULL,
            pregnancy_id TEXT NOT NULL, visit_date TEXT NOT NULL, visit_no INTEGER,
            ga_days INTEGER, weight_kg REAL, sbp INTEGER, dbp INTEGER, fundal_cm REAL,
            abdominal_cm REAL, fhr INTEGER, hb_g_l REAL, urine_protein TEXT,
            glucose_mmol_l REAL, tests TEXT, symptoms TEXT, danger_signs TEXT, advice TEXT,
            next_date TEXT)""",
        "CREATE INDEX prenatal_visits_pregnancy ON prenatal_visits(pregnancy_id, visit_date)",
        f"""CREATE TABLE risk_assessments ({EVENT_COLUMNS}, person_id TEXT NOT NULL,
            pregnancy_id TEXT, assessed_on TEXT NOT NULL, colour TEXT NOT NULL,
            colours TEXT NOT NULL, reasons TEXT NOT NULL, facts TEXT, confirmed_by TEXT)""",
        "CREATE INDEX risk_assessments_pregnancy ON risk_assessments(pregnancy_id)",
        f"""CREATE TABLE case_followups ({EVENT_COLUMNS}, case_id TEXT NOT NULL,
            person_id TEXT NOT NULL, followup_date TEXT NOT NULL, status TEXT, notes TEXT,
            next_date TEXT)""",
        "CREATE INDEX case_followups_case ON case_followups(case_id)",
        f"""CREATE TABLE deliveries ({EVENT_COLUMNS}, person_id TEXT NOT NULL,
            pregnancy_id TEXT NOT NULL, delivery_date TEXT NOT NULL, place TEXT,
            place_level TEXT, mode TEXT, ga_days INTEGER, outcome TEXT, complications TEXT,
            blood_loss_ml INTEGER, babies INTEGER, discharge_date TEXT)""",
        "CREATE INDEX deliveries_pregnancy ON deliveries(pregnancy_id)",
        f"""CREATE TABLE postpartum_visits ({EVENT_COLUMNS}, person_id TEXT NOT NULL,
            pregnancy_id TEXT NOT NULL, kind TEXT NOT NULL, visit_date TEXT NOT NULL,
            sbp INTEGER, dbp INTEGER, findings TEXT, classification TEXT, disposal TEXT)""",
        "CREATE INDEX postpartum_visits_pregnancy ON postpartum_visits(pregnancy_id)",
        f"""CREATE TABLE child_visits ({EVENT_COLUMNS}, person_id TEXT NOT NULL,
            kind TEXT NOT NULL, visit_date TEXT NOT NULL, age_days INTEGER, weight_kg REAL,
            length_cm REAL, lying INTEGER, head_cm REAL, hb_g_l REAL, feeding TEXT,
            findings TEXT)""",
        "CREATE INDEX child_visits_person ON child_visits(person_id, visit_date)",
        f"""CREATE TABLE vaccinations ({EVENT_COLUMNS}, person_id TEXT NOT NULL,
            vaccine TEXT NOT NULL, dose INTEGER NOT NULL, given_on TEXT NOT NULL,
            batch_no TEXT, site TEXT)""",
        "CREATE INDEX vaccinations_person ON vaccinations(person_id)",
        f"""CREATE TABLE case_reports ({EVENT_COLUMNS}, person_id TEXT NOT NULL,
            kind TEXT NOT NULL, event_date TEXT NOT NULL, details TEXT)""",
        f"""CREATE TABLE worklist_outcomes ({EVENT_COLUMNS}, person_id TEXT NOT NULL,
            item TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT, recorded_on TEXT NOT NULL)""",
        "CREATE INDEX worklist_outcomes_person ON worklist_outcomes(person_id)",
    ]
    for sql in statements:
        conn.execute(sql)


def _m0002_search_keys(conn: sqlcipher3.Connection) -> None:
    # Our own normalised key index (design §7): FTS5 does not split Chinese and trigram
    # needs three characters, while most given names have one or two.
    import sqlite_utils  # here only: its imports are a tenth of the program's start

    db = sqlite_utils.Database(conn, execute_plugins=False)
    db.create_table("search_keys", {"key": str, "person_id": str, "kind": str},
                    pk=("key", "person_id"), not_null={"key", "person_id"})
    db.execute("CREATE INDEX search_keys_person ON search_keys(person_id)")


def _m0003_sync_state(conn: sqlcipher3.Connection) -> None:
    # The device token lives here, inside the encrypted file, never in a settings file.
    statements = [
        """CREATE TABLE sync_state (id INTEGER PRIMARY KEY CHECK (id = 1), endpoint TEXT,
            device_id TEXT, token TEXT, areas TEXT NOT NULL DEFAULT '[]', enrolled_at TEXT,
            cursor INTEGER NOT NULL DEFAULT 0, last_result TEXT)""",
        "INSERT INTO sync_state(id) VALUES (1)",
        # A batch id is chosen and stored (with the outbox rows it covers) before the first
        # send, so a retry after a crash re-sends the same id and central answers from memory.
        """CREATE TABLE sync_batches (batch_id TEXT PRIMARY KEY, base_cursor INTEGER NOT NULL,
            changes INTEGER NOT NULL, created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at TEXT)""",
        "CREATE INDEX outbox_batch ON outbox(batch_id, urgent DESC, seq)",
        """CREATE TABLE conflicts (id INTEGER PRIMARY KEY, table_name TEXT NOT NULL,
            row_id TEXT NOT NULL, field TEXT NOT NULL, local_value TEXT, local_rev TEXT NOT NULL,
            remote_value TEXT, remote_rev TEXT NOT NULL, source TEXT NOT NULL,
            detected_at TEXT NOT NULL, resolved_at TEXT, resolution TEXT, resolved_by TEXT,
            UNIQUE (table_name, row_id, field, local_rev, remote_rev))""",
        "CREATE INDEX conflicts_open ON conflicts(resolved_at, detected_at)",
        """CREATE TABLE sync_errors (id INTEGER PRIMARY KEY, table_name TEXT NOT NULL,
            row_id TEXT NOT NULL, direction TEXT NOT NULL, code TEXT NOT NULL,
            outbox_seq INTEGER, change TEXT, at TEXT NOT NULL, resolved_at TEXT)""",
        "CREATE INDEX sync_errors_open ON sync_errors(resolved_at, at)",
    ]
    for sql in statements:
        conn.execute(sql)


def _m0004_maternal(conn: sqlcipher3.Connection) -> None:
    """Maternal care (issue 3): pregnancy facts and screening ticks, risk confirmation,
    case fields, the 42-day check fields, worklist snoozes, lookup indexes and search keys
    for every person already stored. Only adds: existing columns keep their meaning."""
    from desktop.store.repositories import search_index

    columns = {
        "pregnancies": ("registered_ga_days INTEGER", "early_registration INTEGER",
                        "fetuses INTEGER", "height_cm REAL", "pre_weight_kg REAL",
                        "screening TEXT", "risk_reasons TEXT", "risk_assessed_on TEXT",
                        "risk_confirmed_by TEXT"),
        "prenatal_visits": ("plt_10e9_l REAL", "ferritin_ug_l REAL", "screening TEXT"),
        "risk_assessments": ("screening TEXT", "trigger TEXT"),
        "cases": ("colours TEXT", "reasons TEXT", "status_on TEXT", "referred_to TEXT",
                  "area_code TEXT"),
        "case_followups": ("recorded_by TEXT",),
        "postpartum_visits": ("general_health TEXT", "mental_state TEXT", "other TEXT",
                              "guidance TEXT", "disposal_reason TEXT", "refer_to TEXT"),
        "case_reports": ("area_code TEXT", "pregnancy_id TEXT", "urgent INTEGER"),
        "worklist_outcomes": ("ref_id TEXT", "until TEXT"),
    }
    for table, defs in columns.items():
        for definition in defs:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {definition}")
    for sql in (
        "CREATE INDEX pregnancies_area ON pregnancies(area_code, status)",
        "CREATE INDEX pregnancies_handbook ON pregnancies(handbook_no)",
        "CREATE INDEX pregnancies_ended ON pregnancies(status, ended_on)",
        "CREATE INDEX persons_birth ON persons(birth_date)",
        "CREATE INDEX cases_pregnancy ON cases(pregnancy_id)",
        "CREATE INDEX deliveries_person ON deliveries(person_id)",
        "CREATE INDEX postpartum_visits_person ON postpartum_visits(person_id)",
        "CREATE INDEX prenatal_visits_person ON prenatal_visits(person_id)",
        "CREATE INDEX worklist_outcomes_item ON worklist_outcomes(item, ref_id)",
        "CREATE INDEX case_reports_person ON case_reports(person_id)",
    ):
        conn.execute(sql)
    # The key index is derived data (rebuilt just below): as a WITHOUT ROWID table its
    # primary key is the table, so each key costs two B-tree inserts instead of three and a
    # prefix scan reads one tree.
    conn.execute("DROP TABLE search_keys")
    conn.execute("""CREATE TABLE search_keys (key TEXT NOT NULL, person_id TEXT NOT NULL,
                    kind TEXT, PRIMARY KEY (key, person_id)) WITHOUT ROWID""")
    conn.execute("CREATE INDEX search_keys_person ON search_keys(person_id)")
    search_index.backfill(conn)


def _m0005_child(conn: sqlcipher3.Connection) -> None:
    """Child health (issue 4): birth facts and special management on the child's person
    row; newborn findings, screening, referral, development, hearing, vision, teeth and the
    z-scores with the growth standard that produced them on each child visit. Only adds."""
    columns = {
        # Birth facts are registration facts of the child (mutable, merged per field).
        "persons": ("birth_weight_kg REAL", "birth_length_cm REAL", "birth_ga_days INTEGER",
                    "multiple_birth INTEGER", "birth_defects TEXT", "discharge_date TEXT",
                    "special_mgmt TEXT", "hbig_needed INTEGER"),
        "child_visits": ("temperature_c REAL", "breaths_per_min INTEGER", "jaundice TEXT",
                         "umbilicus TEXT", "screen_metabolic TEXT", "screen_hearing TEXT",
                         "hbig_given INTEGER", "danger_signs TEXT", "referral TEXT",
                         "referral_urgent INTEGER", "referred_to TEXT", "dev_signs TEXT",
                         "hearing TEXT", "vision TEXT", "teeth INTEGER", "caries INTEGER",
                         "growth_standard TEXT", "waz REAL", "lhaz REAL", "wlhz REAL",
                         "bmiz REAL", "hcz REAL", "growth_codes TEXT", "anaemia TEXT",
                         "special_mgmt TEXT", "notes TEXT"),
    }
    for table, defs in columns.items():
        for definition in defs:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {definition}")
    for sql in (
        "CREATE INDEX child_visits_kind ON child_visits(kind, visit_date)",
        "CREATE INDEX vaccinations_person_vaccine ON vaccinations(person_id, vaccine, dose)",
        "CREATE INDEX case_reports_kind ON case_reports(kind, event_date)",
    ):
        conn.execute(sql)


def _m0006_report_indexes(conn: sqlcipher3.Connection) -> None:
    """Indicator reports (issue 8): covering indexes, so a year of a 100k-person township
    is read from compact index pages instead of the wide rows, and small partial indexes
    that find corrections (superseding events). Only adds indexes."""
    for sql in (
        """CREATE INDEX report_children ON persons(kind, birth_date, area_code, sex, status,
            mother_id, deleted, id)""",
        """CREATE INDEX report_child_visits ON child_visits(visit_date, person_id, kind,
            age_days, weight_kg, length_cm, lying, hb_g_l, feeding, waz, lhaz, wlhz, deleted)""",
        "CREATE INDEX report_vaccinations ON vaccinations(given_on, person_id, vaccine, dose,"
        " deleted)",
        "CREATE INDEX report_deliveries ON deliveries(delivery_date)",
        "CREATE INDEX child_visits_supersedes ON child_visits(supersedes)"
        " WHERE supersedes IS NOT NULL",
        "CREATE INDEX vaccinations_supersedes ON vaccinations(supersedes)"
        " WHERE supersedes IS NOT NULL",
        "CREATE INDEX deliveries_supersedes ON deliveries(supersedes)"
        " WHERE supersedes IS NOT NULL",
    ):
        conn.execute(sql)


def _m0007_print_log(conn: sqlcipher3.Connection) -> None:
    """Printing (issue 7): which handbook pages were printed for whom, with the digest of
    what each page showed, so "pages changed since the last print" can be chosen. Local
    bookkeeping of this laptop's printer (not synced); who printed is also in the audit."""
    conn.execute("""CREATE TABLE print_log (seq INTEGER PRIMARY KEY, person_id TEXT NOT NULL,
        page_key TEXT NOT NULL, content_hash TEXT NOT NULL, printed_at TEXT NOT NULL,
        user_id TEXT, target TEXT, page_size TEXT)""")
    conn.execute("CREATE INDEX print_log_person ON print_log(person_id, page_key, seq)")


# Tables whose rows decide a person's worklist items (desktop.services.worklist_due): a
# write to any of them marks the person (and, for a delivery, her children, whose newborn
# visit counts from its discharge date) in due_dirty.
_DUE_SOURCES = ("pregnancies", "prenatal_visits", "deliveries", "postpartum_visits", "cases",
                "case_followups", "child_visits", "vaccinations")


def _m0008_due_items(conn: sqlcipher3.Connection) -> None:
    """Worklist (issues 3 and 4): each person's open work items, derived and local (never
    synced, not audited), so the worklist is one indexed range query instead of every
    schedule computed on each look. show_from..show_until is the range of days on which
    an item is on the list (its window, the look-ahead and when a later visit replaces
    it); urgent_from the day from which it counts as urgent (NULL: never).

    Triggers mark the persons a write touches in due_dirty inside that write's transaction,
    whatever the path (the one write path, a pulled sync page, a repair): the services
    recompute marked persons before the transaction commits when they are loaded, and
    before any worklist read otherwise. Existing files are backfilled by marking everyone.
    """
    conn.execute("""CREATE TABLE due_items (person_id TEXT NOT NULL, kind TEXT NOT NULL,
        ref_id TEXT, due_from TEXT NOT NULL, due_by TEXT NOT NULL, show_from TEXT NOT NULL,
        show_until TEXT NOT NULL, area_code TEXT NOT NULL, colours TEXT NOT NULL DEFAULT '',
        urgent_from TEXT, details TEXT, name_zh TEXT, name_mn TEXT, phone TEXT,
        seq INTEGER NOT NULL DEFAULT 0)""")
    conn.execute("CREATE INDEX due_items_show ON due_items(show_from)")
    conn.execute("CREATE INDEX due_items_area ON due_items(area_code, show_from)")
    conn.execute("CREATE INDEX due_items_person ON due_items(person_id)")
    conn.execute("CREATE TABLE due_dirty (person_id TEXT PRIMARY KEY) WITHOUT ROWID")
    for _name, sql in _due_triggers():
        conn.execute(sql)
    conn.execute("INSERT INTO due_dirty(person_id) SELECT id FROM persons")


def _due_triggers() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER) of the triggers that mark persons in due_dirty."""
    out = []
    mark = "INSERT OR IGNORE INTO due_dirty(person_id) VALUES ({})"
    for event in ("INSERT", "UPDATE"):
        name = f"due_persons_{event.lower()}"
        out.append((name, f"""CREATE TRIGGER {name} AFTER {event} ON persons
            BEGIN {mark.format("NEW.id")}; END"""))
        for table in _DUE_SOURCES:
            children = ("; INSERT OR IGNORE INTO due_dirty(person_id) SELECT id FROM persons"
                        " WHERE mother_id = NEW.person_id") if table == "deliveries" else ""
            # A row moved to another person (a repair) leaves the first one's list too.
            moved = f"; {mark.format('OLD.person_id')}" if event == "UPDATE" else ""
            name = f"due_{table}_{event.lower()}"
            out.append((name, f"""CREATE TRIGGER {name} AFTER {event}
                ON {table} BEGIN {mark.format("NEW.person_id")}{moved}{children}; END"""))
    return out


DEFERRED_KEY = "deferred_indexes"  # meta: indexes a bulk fill dropped, to be made again


def defer_indexes(conn: sqlcipher3.Connection, names: tuple[str, ...]) -> None:
    """Drop the indexes *names* for a bulk fill (the demo), keeping their definitions in
    meta: restore_indexes makes them again when the fill ends, or when the file is next
    opened if it never did. Inside the caller's transaction."""
    marks = ",".join("?" * len(names))
    found = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
                         f" name IN ({marks}) AND sql IS NOT NULL", names).fetchall()
    write_meta(conn, DEFERRED_KEY, json.dumps(found))
    for name, _sql in found:
        conn.execute(f"DROP INDEX {name}")


def restore_indexes(conn: sqlcipher3.Connection) -> bool:
    """Make the indexes defer_indexes dropped (one read when there are none); returns
    whether there were. Runs its own transaction."""
    deferred = read_meta(conn, DEFERRED_KEY)
    if deferred is None:
        return False
    with immediate(conn):
        for name, sql in json.loads(deferred):
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND"
                                " name = ?", (name,)).fetchone():
                conn.execute(sql)
        conn.execute("DELETE FROM meta WHERE key = ?", (DEFERRED_KEY,))
    return True


def drop_due_triggers(conn: sqlcipher3.Connection) -> None:
    """Stop marking persons (a bulk writer that builds every person's worklist rows
    itself: the demo). Inside the caller's transaction; ensure_due_triggers undoes it."""
    for name, _sql in _due_triggers():
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def ensure_due_triggers(conn: sqlcipher3.Connection) -> bool:
    """Re-create missing marking triggers and mark every person, whose rows may then be
    missing too (a demo stopped after drop_due_triggers); returns whether anything was
    missing. Runs its own transaction; one read when nothing is."""
    wanted = _due_triggers()
    names = [n for n, _s in wanted]
    have = {r[0] for r in conn.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN"
        f" ({','.join('?' * len(names))})", names)}
    if len(have) == len(names) or not have and not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'due_dirty'").fetchone():
        return False
    with immediate(conn):
        for name, sql in wanted:
            if name not in have:
                conn.execute(sql)
        conn.execute("INSERT OR IGNORE INTO due_dirty(person_id) SELECT id FROM persons")
    return True


def _m0009_report_covering(conn: sqlcipher3.Connection) -> None:
    """Indicator reports (issue 8): covering indexes for the maternal reads, so a year's
    deliveries, the women and pregnancies they join, and those pregnancies' visits, grades
    and checks come from compact index pages: the wide rows they replace did not fit the
    page cache together, and a report decrypted them again on every run. Each new index
    starts with the columns of the one it replaces, which is dropped (same lookups, one
    index to write)."""
    for sql in (
        """CREATE INDEX report_deliveries_cover ON deliveries(delivery_date, deleted,
            person_id, pregnancy_id, place_level, outcome, babies, discharge_date, rev, id)""",
        "DROP INDEX report_deliveries",
        "CREATE INDEX report_women ON persons(id, deleted, area_code, status)",
        """CREATE INDEX report_pregnancies ON pregnancies(id, deleted, registered_ga_days,
            risk_colours)""",
        """CREATE INDEX report_prenatal ON prenatal_visits(pregnancy_id, visit_date, deleted,
            supersedes, id)""",
        "DROP INDEX prenatal_visits_pregnancy",
        """CREATE INDEX report_postpartum ON postpartum_visits(pregnancy_id, kind, visit_date,
            deleted, supersedes, id)""",
        "DROP INDEX postpartum_visits_pregnancy",
        "CREATE INDEX report_risk_colours ON risk_assessments(pregnancy_id, deleted, colours)",
        "DROP INDEX risk_assessments_pregnancy",
    ):
        conn.execute(sql)


def _m0010_due_items_list(conn: sqlcipher3.Connection) -> None:
    """Worklist (issue 3): the due items in the shape the list reads. A township's list
    (~30,000 of ~200,000 rows on a 100,000-person store) is read village by village from one
    covering index in the list's order (window start, name, provider), so the read is
    index range scans with no sort and no table lookups. What a row shows beyond its
    village and person (kind, record, window, colours, details, names, phone) is one packed
    text (desktop.store.repositories.due_items.ITEM_SEP), split only for the rows someone
    looks at; sort_name is the name the list sorts by. The table is derived and local: it
    is made anew and the first worklist read fills it (there is no basis day)."""
    conn.execute("DROP TABLE due_items")
    conn.execute("""CREATE TABLE due_items (person_id TEXT NOT NULL, kind TEXT NOT NULL,
        due_from TEXT NOT NULL, due_by TEXT NOT NULL, show_from TEXT NOT NULL,
        show_until TEXT NOT NULL, area_code TEXT NOT NULL, urgent_from TEXT,
        sort_name TEXT NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL)""")
    conn.execute("""CREATE INDEX due_items_list ON due_items(area_code, due_from, sort_name,
        seq, due_by, urgent_from, show_from, show_until, person_id, item)""")
    conn.execute("CREATE INDEX due_items_person ON due_items(person_id)")
    conn.execute("DELETE FROM meta WHERE key IN ('due_items_day', 'due_items_pruned')")


def _m0011_due_next(conn: sqlcipher3.Connection) -> None:
    """Worklist (new day): per child, the first day on which its vaccination item may
    change (desktop.domain.vaccines.next_change; '9999-12-31' for never), so a new day
    recomputes only the children whose day has come instead of every child. Derived and
    local like due_items; the basis day is forgotten so the first read rebuilds both."""
    conn.execute("""CREATE TABLE due_next (person_id TEXT PRIMARY KEY,
        next_change TEXT NOT NULL) WITHOUT ROWID""")
    conn.execute("CREATE INDEX due_next_day ON due_next(next_change)")
    conn.execute("DELETE FROM meta WHERE key IN ('due_items_day', 'due_items_pruned')")


def _m0012_report_doses(conn: sqlcipher3.Connection) -> None:
    """Indicator reports (issue 8): the doses of each vaccine and dose by day, so a report
    reads, per dose, the children given it in the period as one text per day (a dose row
    then looks its children up by id among that dose's only). Only adds an index."""
    conn.execute("""CREATE INDEX report_doses ON vaccinations(vaccine, dose, given_on, person_id,
        deleted)""")


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_base", _m0001_base),
    Migration("0002_search_keys", _m0002_search_keys),
    Migration("0003_sync_state", _m0003_sync_state),
    Migration("0004_maternal", _m0004_maternal),
    Migration("0005_child", _m0005_child),
    Migration("0006_report_indexes", _m0006_report_indexes),
    Migration("0007_print_log", _m0007_print_log),
    Migration("0008_due_items", _m0008_due_items),
    Migration("0009_report_covering", _m0009_report_covering),
    Migration("0010_due_items_list", _m0010_due_items_list),
    Migration("0011_due_next", _m0011_due_next),
    Migration("0012_report_doses", _m0012_report_doses),
)
LATEST = len(MIGRATIONS)


def applied(conn: sqlcipher3.Connection) -> list[str]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='_migrations'").fetchone()
    if not exists:
        return []
    return [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def pending(conn: sqlcipher3.Connection, target: int = LATEST) -> list[Migration]:
    """The migrations still to run; StoreTooNewError if the file is newer than us."""
    with mapped_db_errors():
        done = applied(conn)
    known = [m.name for m in MIGRATIONS]
    unknown = [name for name in done if name not in known]
    if unknown:
        raise StoreTooNewError(unknown[0], version=unknown[-1])
    return [m for m in MIGRATIONS[:target] if m.name not in done]


def migrate(conn: sqlcipher3.Connection, target: int = LATEST) -> list[str]:
    """Apply every pending migration up to *target*, each in one transaction."""
    names = []
    with mapped_db_errors():
        conn.execute("""CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY,
                        applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)""")
        for migration in pending(conn, target):
            conn.execute("BEGIN IMMEDIATE")
            try:
                migration.apply(conn)
                conn.execute("INSERT INTO _migrations(name) VALUES (?)", (migration.name,))
                conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(migration) + 1}")
                conn.execute("COMMIT")
            except BaseException:
                rollback_if_open(conn)
                raise
            names.append(migration.name)
    return names
