"""One small exception family, so each front end (CLI, web app, native host) can turn any failure
into its own clear message and exit code without ever showing a traceback to a person."""


class WaymarkError(Exception):
    """Base of every failure we expect and explain. `str(err)` is safe to show a user."""

    exit_code = 1


class BadInput(WaymarkError):
    """The person or program gave us something we refuse: wrong choice, too big, malformed."""

    exit_code = 2


class WrongPassphrase(WaymarkError):
    """Unlock failed. Deliberately says nothing about which part was wrong."""

    def __init__(self, message: str = "Cannot unlock the vault with that passphrase.") -> None:
        super().__init__(message)


class IntegrityError(WaymarkError):
    """Stored data failed an authenticity or consistency check: tampering, corruption, rollback."""


class VaultLocked(WaymarkError):
    """An operation needs the vault key and the vault is locked."""


class NotFound(WaymarkError):
    """No such note, revision or entry."""


class StorageError(WaymarkError):
    """The disk or database refused: full, read-only, locked by another process, not a vault."""
