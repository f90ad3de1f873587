"""Times at the edge of what Python can hold (years 0001 and 9999), wherever a bundle or a person
gives one: refused on the way in by the one range rule (helper/vault/times.py), and, if a vault
already holds one (an older Waymark accepted them), shown as "unreadable time" by every command
and page that shows times, in zones far from UTC too, never a crash."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helper.vault import Vault, bundle, followups, handover, inside, store, times
from helper.vault.bundle import HandoverRefused
from helper.vault.contacts import RECORDS_PURPOSE
from helper.vault.sealed import seal, seal_revision
from tests.support.bundles import earlier_hop, resigned
from tests.support.vaults import PASSPHRASE, unlocked
from tests.vault.test_cli import env as env
from tests.vault.test_cli import init, new, waymark
from tests.vault.test_handover import pristine as pristine
from tests.vault.test_handover import world as world

EARLY = "0001-01-01T00:00:00.000000+00:00"
LATE = "9999-12-31T23:59:59.999999+00:00"
ZONES = ("UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin")
CHILD_REF = "QZ-0001"


def _seconds(at: str) -> str:
    """A time as note fields and due values store it (to the second)."""
    return at[:19] + "+00:00"


def _every_event(at: str) -> Callable[[dict], None]:
    def edit(body: dict) -> None:
        for event in body["notes"][0]["casework"]:
            event["at"] = at

    return edit


def _set(path: list, value: Any) -> Callable[[dict], None]:
    def edit(body: dict) -> None:
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return edit


def _hop(at: str) -> Callable[[dict], None]:
    return _set(["notes", 0, "provenance"], [earlier_hop(sent_at=at)])


def _hop_audit(at: str) -> Callable[[dict], None]:
    hop = earlier_hop()
    hop["audit"][0]["at"] = at
    return _set(["notes", 0, "provenance"], [hop])


def _fields(name: str, value: Any) -> Callable[[dict], None]:
    def edit(body: dict) -> None:
        for revision in body["notes"][0]["revisions"]:
            if name == "told":
                revision["fields"]["told"][0]["at"] = value
            elif name == "checklist":
                revision["fields"]["checklist"]["tell-dsl"] = value
            else:
                revision["fields"][name] = value

    return edit


PLACES: dict[str, Callable[[str], Callable[[dict], None]]] = {
    "the bundle's own time": lambda at: _set(["created_at"], at),
    "a note's creation": lambda at: _set(["notes", 0, "created_at"], at),
    "a revision's save time": lambda at: _set(["notes", 0, "revisions", 0, "saved_at"], at),
    "a follow-up's due day": lambda at: _set(["notes", 0, "casework", 1, "due"], at[:10]),
    "a follow-up's due time": lambda at: _set(["notes", 0, "casework", 0, "due"], _seconds(at)),
    "when follow-ups were set and done": _every_event,
    "an audit entry": lambda at: _set(["notes", 0, "audit", 0, "at"], at),
    "an earlier hop's time": _hop,
    "an earlier hop's audit entry": _hop_audit,
    "when the concern happened": lambda at: _fields("concern_at", _seconds(at)),
    "when someone was told": lambda at: _fields("told", _seconds(at)),
    "when a step was ticked": lambda at: _fields("checklist", _seconds(at)),
}


@pytest.mark.parametrize("at", [EARLY, LATE], ids=["year-1", "year-9999"])
@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_signed_bundle_with_an_extreme_date_is_refused_and_changes_nothing(world, place, at):
    data = resigned(world.bundle_path.read_bytes(), world.staff, world.dsl, PLACES[place](at))
    before = world.dsl.path.read_bytes()
    with pytest.raises(HandoverRefused, match="not valid Waymark notes"):
        handover.import_bundle(world.dsl, data)
    assert world.dsl.path.read_bytes() == before


def test_the_edges_of_the_range_are_kept_and_one_step_beyond_is_refused(world):
    """The range is the helper's own (times.FIRST_YEAR to times.LAST_YEAR, in UTC): its first
    and last second import; a second before or after is refused."""
    first = f"{times.FIRST_YEAR}-01-01T00:00:00.000000+00:00"
    last = f"{times.LAST_YEAR}-12-31T23:59:59.999999+00:00"
    before = f"{times.FIRST_YEAR - 1}-12-31T23:59:59.999999+00:00"
    after = f"{times.LAST_YEAR + 1}-01-01T00:00:00.000000+00:00"
    for at in (before, after, f"{times.FIRST_YEAR}-01-01T00:00:00.000000+00:01"):
        edit = _set(["notes", 0, "audit", 0, "at"], at)
        data = resigned(world.bundle_path.read_bytes(), world.staff, world.dsl, edit)
        with pytest.raises(HandoverRefused, match="not valid Waymark notes"):
            handover.import_bundle(world.dsl, data)
    for at in (first, last):

        def edit(body: dict, at: str = at) -> None:
            body["notes"][0]["audit"][0]["at"] = at
            body["bundle_id"] = secrets.token_hex(16)  # a bundle of its own, not a replay

        data = resigned(world.bundle_path.read_bytes(), world.staff, world.dsl, edit)
        assert handover.import_bundle(world.dsl, data).note_ids
    assert world.dsl.verify().ok


# ---- a vault that already holds extreme times ---------------------------------------------------
def plant(vault: Vault, at: str) -> str:
    """A note with `at` in every time it has, as an older Waymark imported it from a signed
    bundle: its revision, creation, follow-ups (one due on that day, one at that time, one
    done), checklist tick, concern time, told time and provenance, each sealed with the vault's
    own keys and logged in its audit chain, so verify finds nothing wrong with the file."""
    aead = inside.note_aead(vault)
    note_id = secrets.token_hex(8)
    fields = {
        "concern": "grooming",
        "concern_at": _seconds(at),
        "child_ref": CHILD_REF,
        "narrative": "Planted with an extreme time",
        "told": [{"who": "dsl", "at": _seconds(at), "name": "R Patel"}],
        "checklist": {"refer-social-care": _seconds(at), "report-platform": _seconds(at)},
        "status": "open",
    }
    events = [
        {"kind": "follow-up", "id": "0000000a", "due": at[:10], "step": "", "signed_by": "J",
         "what": "Due on the day"},
        {"kind": "follow-up", "id": "0000000b", "due": _seconds(at), "step": "", "signed_by": "J",
         "what": "Due at the time"},
        {"kind": "follow-up", "id": "0000000c", "due": "2027-01-04", "step": "", "signed_by": "J",
         "what": "Set and done"},
        {"kind": "done", "followup": "0000000c", "signed_by": "J", "outcome": "Done"},
    ]  # fmt: skip
    hops = [earlier_hop(sent_at=at, received_at=at)]
    hops[0]["audit"][0]["at"] = at
    sealed = seal_revision(aead, vault.vault_id, note_id, 1, at, fields, "J Smith")
    records = inside.sealer(vault, RECORDS_PURPOSE)
    with inside.writing(vault) as conn:
        conn.execute("INSERT INTO notes VALUES (?, ?)", (note_id, at))
        conn.execute(store.INSERT_REVISION, (note_id, 1, at, *sealed))
        inside.log(vault, conn, "create", note_id, 1, at)
        for number, event in enumerate(events, start=1):
            payload = {k: v for k, v in event.items()}
            ad = followups.casework_ad(vault.vault_id, note_id, number, at)
            row = (note_id, number, at, *seal(aead, followups.encode_event(payload), ad))
            conn.execute("INSERT INTO casework VALUES (?, ?, ?, ?, ?)", row)
            inside.log(vault, conn, followups.ACTION, note_id, number, at)
        ad = handover._provenance_ad(vault.vault_id, note_id, at)
        nonce, ct = seal(records, bundle.canonical(hops), ad)
        conn.execute("INSERT INTO provenance VALUES (?, ?, ?, ?)", (note_id, at, nonce, ct))
        inside.log(vault, conn, "import", note_id, 1, at)
    inside.published(vault)
    return note_id


def planted_vault(env: dict[str, str]) -> tuple[Path, list[str]]:
    init(env)
    new(env, "--child-ref", CHILD_REF)  # an ordinary note beside the planted ones
    path = Path(env["WAYMARK_HOME"]) / "vault.sqlite3"
    vault = unlocked(path)
    try:
        ids = [plant(vault, at) for at in (EARLY, LATE)]
        assert vault.verify().ok
    finally:
        vault.close()
    return path, ids


def test_every_command_shows_a_vault_holding_extreme_times_in_every_zone(env):
    """`notes list`, `show`, `due`, `chronology`, `referral`, `export` and `verify` on a vault
    that holds years 0001 and 9999, with TZ set near and far from UTC: exit 0, no traceback
    (the runner fails on one), and the extreme times shown as "unreadable time"."""
    _path, ids = planted_vault(env)
    for zone in ZONES:
        here = {**env, "TZ": zone}
        for args in (
            ("notes", "list"),
            ("notes", "due"),
            ("notes", "chronology", CHILD_REF),
            *(("notes", "show", note_id) for note_id in ids),
        ):
            result = waymark(here, *args)
            assert result.returncode == 0, (zone, args, result.stderr)
            assert times.UNREADABLE in result.stdout, (zone, args)
        for args in (
            ("notes", "due", "--json"),
            ("notes", "chronology", CHILD_REF, "--json"),
            *(("notes", "referral", note_id) for note_id in ids),  # stored text, as ever
        ):
            result = waymark(here, *args)
            assert result.returncode == 0, (zone, args, result.stderr)
        shown = waymark(here, "notes", "show", ids[1], "--json")
        assert json.loads(shown.stdout)["revisions"][0]["saved_at"] == LATE
        out = Path(env["HOME"]) / f"export-{zone.replace('/', '-')}.txt"
        exported = waymark(here, "notes", "export", "--all", "--output", str(out))
        assert exported.returncode == 0, exported.stderr
        assert times.UNREADABLE in out.read_text()
        assert "intact" in waymark(here, "verify").stdout


def test_notes_due_lists_unreadable_due_times_first_as_needing_attention(env):
    _path, ids = planted_vault(env)
    items = json.loads(waymark(env, "notes", "due", "--json").stdout)
    unreadable = [i for i in items if times.readable_due(i["due"]) is None]
    assert {(i["note"], i["what"]) for i in unreadable} == {
        (note_id, what) for note_id in ids for what in ("Due on the day", "Due at the time")
    }
    assert items[: len(unreadable)] == unreadable and all(i["overdue"] for i in unreadable)


def test_a_note_holding_an_extreme_time_is_not_handed_over(world):
    """The writer checks what every reader will: such a note is refused in one sentence before
    any file is written or any note marked."""
    from helper.errors import BadInput
    from helper.vault import contacts

    note_id = plant(world.staff, LATE)
    out = world.bundle_path.with_name("extreme.age")
    before = world.staff.path.read_bytes()
    with pytest.raises(BadInput, match="no hand-over may carry"):
        handover.hand_over(
            world.staff, [note_id], out, to=contacts.find(world.staff, "R Patel (DSL)")
        )
    assert not out.exists() and world.staff.path.read_bytes() == before


# ---- a follow-up due at the end of time ---------------------------------------------------------
@pytest.mark.parametrize(
    ("zone", "due"),
    [
        ("UTC", "9999-12-31"),
        ("Europe/Berlin", "9999-12-31T23:59"),
        ("Etc/GMT+12", "9999-12-31T23:59"),
        ("Pacific/Kiritimati", "0001-01-01T00:00"),
        ("UTC", f"{times.LAST_YEAR + 1}-01-01"),
        ("Etc/GMT+12", f"{times.LAST_YEAR}-12-31T23:59"),  # 2200 in UTC
    ],
)
def test_a_follow_up_due_outside_the_range_is_refused_in_one_sentence(env, zone, due):
    init(env)
    note_id = new(env)
    here = {**env, "TZ": zone}
    result = waymark(here, "notes", "follow-up", note_id, "--what", "Chase", "--due", due)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("waymark: Due: ") and f"from {times.FIRST_YEAR} to" in line, line
    assert json.loads(waymark(here, "notes", "due", "--json").stdout) == []


@pytest.fixture
def zone(monkeypatch) -> Callable[[str], None]:
    """Set this process's time zone (TZ, then tzset); put back afterwards."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_in_process_readers_survive_extreme_stored_times(vault_path, zone):
    """What the web pages call (followups.due, the chronology, proposals, export) on the vault
    itself, in each zone."""
    from helper import casework
    from helper.vault.chronology import chronology

    vault, _ = Vault.create(PASSPHRASE, vault_path)
    try:
        ids = [plant(vault, at) for at in (EARLY, LATE)]
        for name in ZONES:
            zone(name)
            assert len(followups.due(vault)) == 4
            assert len(chronology(vault, CHILD_REF)) >= 8
            for note_id in ids:
                fields = vault.note(note_id).latest.fields
                assert casework.proposals_for(fields, None) == []
                assert times.UNREADABLE in vault.export([note_id])
                assert times.UNREADABLE in vault.export([note_id], "html")
    finally:
        vault.close()
