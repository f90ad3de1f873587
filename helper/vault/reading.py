"""Reading notes back: decrypt, check, and shape them into the note model. A forged or damaged
revision is never shown; it makes its own note refuse to open, and the rest of the vault stays
readable (the list marks that note as damaged)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper.errors import BadInput, IntegrityError, NotFound
from helper.vault import store
from helper.vault.notes import DeletionRecord, Note, NoteSummary, Revision, searchable_text
from helper.vault.sealed import (
    deletion_ad,
    open_sealed,
    open_summary,
    revision_ad,
    summary_ad,
)

DAMAGED = "damaged"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # sorts a note with a damaged time last


def stored_time(text: object) -> datetime:
    """A time from a clear metadata column; a damaged one is an integrity failure."""
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        raise IntegrityError("A stored time has been altered or damaged.") from None


LATEST = (
    # SQLite returns the bare columns from the row holding MAX(number) in each group.
    "SELECT note_id, MAX(number), saved_at, {columns}, "
    "(SELECT created_at FROM notes WHERE id = note_id) FROM revisions GROUP BY note_id"
)


def latest_fields(
    conn: sqlite3.Connection, aead: AESGCM, vault_id: str, needle: str
) -> list[tuple[str, dict[str, Any]]]:
    """(note id, latest fields) of live notes whose latest revision opens and whose text may
    hold `needle` (already case-folded), newest first. The cheap test on the decrypted text
    comes first, so only likely matches pay for parsing JSON."""
    out = []
    for note_id, number, saved_at, nonce, ct, _created in store.query(
        conn, LATEST.format(columns="nonce, ct")
    ):
        ad = revision_ad(vault_id, note_id, number, saved_at)
        try:
            if needle not in aead.decrypt(nonce, ct, ad).decode("utf-8").casefold():
                continue
            payload = open_sealed(aead, nonce, ct, ad)
        except (InvalidTag, ValueError, TypeError, IntegrityError):
            continue  # a damaged revision never matches; verify names it
        out.append((str(saved_at), note_id, payload.get("fields", {})))
    out.sort(reverse=True, key=lambda item: item[0])
    return [(note_id, fields) for _at, note_id, fields in out]


def _summary(row: tuple, aead: AESGCM, vault_id: str) -> NoteSummary:
    note_id, number, saved_at, snonce, sct, created = row
    try:  # a plain try, not contextlib.suppress: this runs once per note on every list
        concern, status = open_summary(
            aead, snonce, sct, summary_ad(vault_id, note_id, number, saved_at)
        )
    except IntegrityError:
        concern, status = "", DAMAGED
    return NoteSummary(
        id=str(note_id),
        created_at=stored_time(created or saved_at),
        updated_at=stored_time(saved_at),
        revisions=number if isinstance(number, int) else 0,
        concern=concern,
        status=status,
    )


def list_summaries(conn: sqlite3.Connection, aead: AESGCM, vault_id: str) -> list[NoteSummary]:
    """Every note's summary, newest change first. The loop is kept bare (it runs 10,000 times
    for a big vault): the associated data is summary_ad's, inlined; the cycle collector is
    paused while the small objects are built (nothing here can form a cycle)."""
    from helper.vault.followups import without_gc

    with without_gc():
        return _list_summaries(conn, aead, vault_id)


def _list_summaries(conn: sqlite3.Connection, aead: AESGCM, vault_id: str) -> list[NoteSummary]:
    prefix = f"waymark/v1 summary\x00{vault_id}\x00"
    decrypt = aead.decrypt
    parse = datetime.fromisoformat
    summaries: list[NoteSummary] = []
    append = summaries.append
    for note_id, number, saved_at, snonce, sct, created in store.query(
        conn, LATEST.format(columns="snonce, sct")
    ):
        try:  # the same check as open_summary(summary_ad(...)), without two calls per note
            concern, status = (
                decrypt(snonce, sct, f"{prefix}{note_id}\x00{number}\x00{saved_at}".encode())
                .decode("utf-8")
                .split("\n")
            )
        except (InvalidTag, ValueError, TypeError):
            concern, status = "", DAMAGED
        try:
            updated_at = parse(saved_at)
            created_at = parse(created) if created else updated_at
        except (ValueError, TypeError):
            append(NoteSummary(str(note_id), EPOCH, EPOCH, 0, "", DAMAGED))
            continue
        revisions = number if type(number) is int else 0
        append(NoteSummary(str(note_id), created_at, updated_at, revisions, concern, status))
    for note_id, created, deleted_at in store.query(
        conn,
        "SELECT n.id, n.created_at, d.deleted_at FROM deletions d JOIN notes n ON n.id = d.note_id",
    ):
        try:
            created_at, updated_at = stored_time(created), stored_time(deleted_at)
        except IntegrityError:
            created_at = updated_at = EPOCH
        summaries.append(
            NoteSummary(str(note_id), created_at, updated_at, 0, "", "deleted", deleted=True)
        )
    summaries.sort(key=itemgetter(2), reverse=True)  # updated_at
    return summaries


def read_revisions(
    conn: sqlite3.Connection, aead: AESGCM, vault_id: str, note_id: str
) -> list[Revision]:
    """Every revision of one note, in order, each opened and checked against its slot; a gap or
    a damaged one is the IntegrityError that names it (read_note and the chronology share it)."""
    revisions = []
    rows = store.query(
        conn,
        "SELECT number, saved_at, nonce, ct FROM revisions WHERE note_id = ? ORDER BY number",
        (note_id,),
    )
    for expected, (number, saved_at, nonce, ct) in enumerate(rows, start=1):
        if number != expected:
            raise IntegrityError(f"Note {note_id}: revision {expected} is missing.")
        try:
            payload = open_sealed(aead, nonce, ct, revision_ad(vault_id, note_id, number, saved_at))
        except IntegrityError:
            raise IntegrityError(
                f"Note {note_id}: revision {number} has been altered or damaged, so it is not "
                "shown. Other notes are not affected."
            ) from None
        revisions.append(
            Revision(
                number=number,
                saved_at=stored_time(saved_at),
                signed_by=str(payload.get("signed_by", "")),
                fields=dict(payload.get("fields", {})),
            )
        )
    return revisions


def read_note(conn: sqlite3.Connection, aead: AESGCM, vault_id: str, note_id: str) -> Note:
    if not isinstance(note_id, str) or not store.query(
        conn, "SELECT 1 FROM notes WHERE id = ?", (note_id,)
    ):
        raise NotFound(f"There is no note {note_id!r}.")
    deleted = None
    rows = store.query(
        conn, "SELECT deleted_at, nonce, ct FROM deletions WHERE note_id = ?", (note_id,)
    )
    if rows:
        deleted_at, nonce, ct = rows[0]
        try:
            data = open_sealed(aead, nonce, ct, deletion_ad(vault_id, note_id, deleted_at))
        except IntegrityError:
            raise IntegrityError(
                f"The deletion record of note {note_id} has been altered or damaged."
            ) from None
        deleted = DeletionRecord(
            stored_time(deleted_at), str(data["reason"]), str(data["signed_by"])
        )
    revisions = read_revisions(conn, aead, vault_id, note_id)
    logged = store.query(
        conn,
        "SELECT COUNT(*) FROM audit WHERE note_id = ? AND action IN ('create', 'revise')",
        (note_id,),
    )
    if deleted is None and logged and logged[0][0] != len(revisions):
        raise IntegrityError(f"Note {note_id}: some of its revisions are missing.")
    if not revisions and deleted is None:
        raise IntegrityError(f"Note {note_id}: its revisions are missing.")
    return Note(note_id, tuple(revisions), deleted)


class Reading:
    """The reading half of `Vault`: the list, one note, search and export."""

    _conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by Vault

        @property
        def vault_id(self) -> str: ...
        def _require_aead(self) -> AESGCM: ...
        def _append(
            self, action: str, note_id: str | None = None, revision: int | None = None
        ) -> None: ...

    def list_notes(self) -> list[NoteSummary]:
        """Every note, newest change first, with just enough to pick one."""
        return list_summaries(self._conn, self._require_aead(), self.vault_id)

    def note(self, note_id: str) -> Note:
        """A note with all its revisions; IntegrityError if any revision has been tampered with."""
        return read_note(self._conn, self._require_aead(), self.vault_id, note_id)

    def search(self, text: str) -> list[str]:
        """Ids of notes whose latest revision contains `text` (ignoring case), newest first."""
        needle = text.casefold()
        if not needle:
            return []
        found = latest_fields(self._conn, self._require_aead(), self.vault_id, needle)
        return [nid for nid, fields in found if needle in searchable_text(fields)]

    def export(self, note_ids: Sequence[str], fmt: str = "text") -> str:
        """A printable record of the notes asked for ("text" or self-contained "html")."""
        from helper.vault.export import render

        if fmt not in ("text", "html"):
            raise BadInput("Export format must be text or html.")
        from helper import casework
        from helper.vault import followups

        notes = [self.note(nid) for nid in note_ids]
        ids = [n.id for n in notes]
        rows = followups.events(self._conn, self._require_aead(), self.vault_id, ids)
        wanted: dict[str, list] = {nid: [] for nid in ids}
        for item in casework.fold(rows).values():
            wanted.setdefault(item.note, []).append(item)
        output = render(notes, fmt, wanted)
        self._append("export", None, len(notes))
        return output
