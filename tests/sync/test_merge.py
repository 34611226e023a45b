"""Merge rules of design §5: examples, then the lattice laws proved with hypothesis."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.sync.merge import Merged, RowState, join, merge_row, state_of
from desktop.sync.protocol import Change

ID = "0190a0a0-0000-7000-8000-000000000001"


def rev(wall: int, device: str = "a", counter: int = 0) -> str:
    return f"{1700000000000 + wall:013d}-{counter:04d}-{device}"


def person(rev_: str, deleted: bool = False, **fields: object) -> RowState:
    return state_of(Change("persons", ID, rev_, fields, deleted))  # type: ignore[arg-type]


def test_mutable_larger_field_rev_wins_per_field() -> None:
    local = join("mutable", person(rev(1), name_zh="王丽", phone="1"), person(rev(3), phone="3"))
    remote = person(rev(2), name_zh="王莉", address="村")
    merged = merge_row("persons", ID, local, remote, agreed={})
    assert dict(merged.state.fields) == {"name_zh": "王莉", "phone": "3", "address": "村"}
    assert merged.state.rev == rev(3)
    assert set(merged.changed_fields) == {"name_zh", "address"}


def test_conflict_only_when_both_changed_since_they_agreed() -> None:
    local = person(rev(5, "a"), phone="555")
    remote = person(rev(7, "b"), phone="777")
    # both wrote after the agreed rev 1: a conflict, and the losing value is kept
    merged = merge_row("persons", ID, local, remote, agreed={"phone": rev(1)})
    assert merged.state.fields["phone"] == "777"
    (conflict,) = merged.conflicts
    assert (conflict.local_value, conflict.local_rev) == ("555", rev(5, "a"))
    assert (conflict.remote_value, conflict.remote_rev) == ("777", rev(7, "b"))
    # local's value is the one both had agreed on: remote simply updated it
    assert merge_row("persons", ID, local, remote, agreed={"phone": rev(5, "a")}).conflicts == ()
    # the same new value on both sides is no conflict
    same = person(rev(7, "b"), phone="555")
    assert merge_row("persons", ID, local, same, agreed={}).conflicts == ()
    # no knowledge of agreement: every differing value is reported
    assert len(merge_row("persons", ID, local, remote).conflicts) == 1


def test_conflicts_are_the_same_seen_from_either_side() -> None:
    a, b = person(rev(5, "a"), phone="5", sex="F"), person(rev(7, "b"), phone="7", sex="F")
    ab = merge_row("persons", ID, a, b, agreed={}).conflicts
    ba = merge_row("persons", ID, b, a, agreed={}).conflicts
    assert [c.swapped() for c in ab] == list(ba)


def test_tombstone_wins_when_larger_and_a_later_edit_revives() -> None:
    live = person(rev(1), name_zh="王丽")
    dead = join("mutable", live, person(rev(2), deleted=True))
    assert dead.deleted and dead.fields["name_zh"] == "王丽"
    assert not join("mutable", dead, person(rev(3, "b"), phone="1")).deleted
    assert join("mutable", dead, person(rev(1, "b"), phone="1")).deleted


def visit(rev_: str, deleted: bool = False, **fields: object) -> RowState:
    return state_of(Change("prenatal_visits", ID, rev_, fields, deleted))  # type: ignore[arg-type]


def test_events_insert_if_absent_and_duplicates_absorbed() -> None:
    first = visit(rev(1), sbp=120, dbp=80)
    merged = merge_row("prenatal_visits", ID, first, first)
    assert not merged.changed and merged.conflicts == ()
    fresh = merge_row("prenatal_visits", ID, None, first)
    assert fresh.state == first and set(fresh.changed_fields) == {"sbp", "dbp"}
    tomb = merge_row("prenatal_visits", ID, first, visit(rev(4), deleted=True))
    assert tomb.state.deleted and tomb.deleted_changed and tomb.state.fields["sbp"] == 120
    stale_tomb = visit(rev(0), deleted=True)
    assert not join("event", first, stale_tomb).deleted


def test_event_with_different_contents_keeps_first_and_reports() -> None:
    first, second = visit(rev(1, "a"), sbp=120), visit(rev(2, "b"), sbp=150)
    merged = merge_row("prenatal_visits", ID, second, first)
    assert merged.state.fields["sbp"] == 120
    assert [(c.local_value, c.remote_value) for c in merged.conflicts] == [(150, 120)]


# -- properties -------------------------------------------------------------------------

REVS = st.builds(rev, st.integers(0, 4), st.sampled_from(["a", "b", "c"]), st.integers(0, 1))
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from([1.0, 2.5]),
                   st.sampled_from(["", "王丽", "Сарнай", "ᠰᠠᠷᠠᠨᠠ"]))
NAMES = st.sampled_from(["name_zh", "phone", "address", "area_code"])


@st.composite
def states(draw: st.DrawFn) -> RowState:
    names = draw(st.lists(NAMES, unique=True, max_size=4))
    fields = {n: draw(VALUES) for n in names}
    revs = {n: draw(REVS) for n in names}
    top = max([*revs.values(), draw(REVS)])
    return RowState(fields, revs, draw(st.booleans()), top)


KINDS = st.sampled_from(["mutable", "event"])


@given(KINDS, states(), states())
def test_join_is_commutative(kind: str, a: RowState, b: RowState) -> None:
    assert join(kind, a, b) == join(kind, b, a)


@given(KINDS, states(), states(), states())
def test_join_is_associative(kind: str, a: RowState, b: RowState, c: RowState) -> None:
    assert join(kind, join(kind, a, b), c) == join(kind, a, join(kind, b, c))


@given(KINDS, states(), states())
def test_join_is_idempotent(kind: str, a: RowState, b: RowState) -> None:
    assert join(kind, a, a) == a
    ab = join(kind, a, b)
    assert join(kind, ab, b) == ab and join(kind, ab, a) == ab


@given(st.sampled_from(["persons", "vaccinations"]), st.lists(states(), min_size=1, max_size=6),
       st.randoms(use_true_random=False))
def test_any_delivery_order_converges(table: str, changes: list[RowState], rnd) -> None:
    # Apply the same changes in two orders, some twice: both sides end in the same state.
    def apply(order: list[RowState]) -> RowState | None:
        row: RowState | None = None
        for change in order:
            row = merge_row(table, ID, row, change).state
        return row

    shuffled = list(changes) + changes[: len(changes) // 2]
    rnd.shuffle(shuffled)
    assert apply(changes) == apply(shuffled)


@given(states(), states())
def test_nothing_is_silently_dropped(a: RowState, b: RowState) -> None:
    # Every value that loses a field is either equal to the winner or kept as a conflict.
    merged: Merged = merge_row("persons", ID, a, b, agreed={})
    kept = {(c.field, c.local_rev) for c in merged.conflicts} | \
        {(c.field, c.remote_rev) for c in merged.conflicts}
    for side in (a, b):
        for name, value in side.fields.items():
            won = merged.state.fields[name]
            same = (won == value and type(won) is type(value))
            assert same or (name, side.field_revs[name]) in kept
