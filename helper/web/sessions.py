"""Server-side sessions kept only in this process's memory.

The browser holds nothing but a random session id in an HttpOnly cookie. Answers, the CSRF token
and (for the notes area) the unlocked vault live here, so "forget" really forgets: quick exit,
lock and shutdown drop them from memory and nothing readable is left in the browser's cookie jar.
A session exists only after a valid launch token was exchanged, so "has a session" means
"is the person who launched the helper"."""

from __future__ import annotations

import json
import secrets
import threading

from flask.sessions import SessionInterface, SessionMixin

# How many cookies with our name we look at (a flood of them must not cost a lookup each).
MAX_SAME_NAME = 8


class LaunchSession(dict, SessionMixin):
    """The data of one signed-in browser. `sid` is None for a visitor without a valid cookie:
    such a request is refused before any view runs, and anything written to it is discarded."""

    def __init__(self, sid: str | None = None) -> None:
        super().__init__()
        self.sid = sid

    @property
    def authenticated(self) -> bool:
        return self.sid is not None


class SessionStore:
    """Session id → session data. Waitress serves from several threads, hence the lock."""

    def __init__(self) -> None:
        self._sessions: dict[str, LaunchSession] = {}
        self._lock = threading.Lock()

    def create(self) -> LaunchSession:
        """A new session with its own CSRF token (bound to it, never reused across sessions)."""
        session = LaunchSession(secrets.token_urlsafe(32))
        session["csrf"] = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session.sid] = session
        return session

    def get(self, sid: str | None) -> LaunchSession | None:
        if not sid:
            return None
        with self._lock:
            return self._sessions.get(sid)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def snapshot(self) -> dict[str, dict]:
        """Every session's data, for the fresh image the helper starts when the vault locks
        (helper/relaunch.py): the person stays signed in. A value that is not plain data
        (text, numbers, lists, mappings) is left behind rather than stopping the relaunch."""
        with self._lock:
            sessions = {sid: dict(data) for sid, data in self._sessions.items()}
        kept: dict[str, dict] = {}
        for sid, data in sessions.items():
            kept[sid] = {}
            for key, value in data.items():
                try:
                    json.dumps(value)
                except (TypeError, ValueError):
                    continue
                kept[sid][key] = value
        return kept

    def restore(self, sessions: dict[str, dict]) -> None:
        """Take back the sessions a previous image of this helper carried (see snapshot)."""
        with self._lock:
            for sid, data in sessions.items():
                session = LaunchSession(sid)
                session.update(data)
                self._sessions[sid] = session

    def drop_all(self) -> None:
        """Forget every session (server stop): nothing survives the process in memory."""
        with self._lock:
            for session in self._sessions.values():
                session.clear()
            self._sessions.clear()


class MemorySessionInterface(SessionInterface):
    """Lets views use `flask.session` as usual while the data never leaves the process.
    The cookie is set once, by the launch-token exchange in security.py, not here."""

    def __init__(self, store: SessionStore, cookie_name: str) -> None:
        self.store = store
        self.cookie_name = cookie_name

    def open_session(self, app, request) -> LaunchSession:
        """The session whose id matches a live one. A page on another 127.0.0.1 port can set a
        cookie with our name (cookies ignore ports) and a longer path, which the browser then
        sends first: taking the first value would lock the person out."""
        for sid in request.cookies.getlist(self.cookie_name)[:MAX_SAME_NAME]:
            found = self.store.get(sid)
            if found is not None:
                return found
        return LaunchSession()

    def save_session(self, app, session, response) -> None:
        """Nothing to save: the data is already in memory, and the cookie never changes."""
