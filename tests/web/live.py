"""A real helper process (`python -m helper serve`) driven over HTTP like a browser would:
the launch token exchanged for the session cookie, pages fetched, forms posted with the CSRF
token. Used where the promise is about the running process itself (its memory, its crash
behaviour, its connection limits), which the in-process test client cannot show."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from tests.support.notes_pages import NOTE
from tests.support.vaults import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
NARRATIVE = "Quokka-marmalade said the stranger asked for a photo"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class LiveSession:
    """One signed-in browser session against a real `waymark serve` process."""

    def __init__(self, home: Path, cwd: Path | None = None, preexec=None, **env: str) -> None:
        full_env = {
            **os.environ,
            "WAYMARK_HOME": str(home),
            "PYTHONPATH": str(ROOT),
            "WAYMARK_KDF_FAST": "1",
            "WAYMARK_TESTING": "1",
            **env,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "helper", "serve"],
            env=full_env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=preexec,
        )
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.url or self.proc.stderr.read()
        self.port = int(self.url.split(":")[2].split("/")[0])
        self.base = f"http://127.0.0.1:{self.port}"
        self.last_location = ""
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.request("GET", self.url.removeprefix(self.base), expect=303)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def request(self, method: str, path: str, data: dict | None = None, expect: int = 200) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=30) as response:
                status, text = response.status, response.read().decode()
                self.last_location = response.headers.get("Location", "")
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode()
            self.last_location = err.headers.get("Location", "")
        assert status == expect, f"{method} {path}: {status}\n{text[:500]}"
        return text

    def csrf(self, path: str = "/pro/create") -> str:
        page = self.request("GET", path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def create_vault_and_note(self) -> None:
        """A new, unlocked vault holding one note: key material and note text in memory."""
        token = self.csrf("/pro/create")
        self.request(
            "POST",
            "/pro/create",
            {"csrf_token": token, "passphrase": PASSPHRASE, "again": PASSPHRASE},
        )
        note = {**NOTE, "narrative": NARRATIVE, "csrf_token": token}
        self.request("POST", "/pro/notes/new", note, expect=303)

    def stop(self) -> tuple[str, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.communicate()
