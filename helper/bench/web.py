"""Web figures, each on the path a person takes, beside a floor measured in the same run.

- "web: cold start to the first question": from spawning `waymark serve` to the first question
  page (the one after choosing who you are, which needs the engine and the knowledge base),
  against a bare Flask app on waitress serving one page. Goal <= 1.3x.
- "web: waymark open (window) to the first question": the same from spawning `waymark open`,
  in its real window (Qt WebEngine, driven over its DevTools port), against a bare pywebview
  window showing the bare Flask page. Needs a display and Qt; without them it is unmeasured.
- "web: notes list page, N notes": the first page of `/pro/notes` (50 a page, with what is due)
  in a vault of N notes each with a follow-up, against the vault call `list_notes()` on the same
  file. Goal <= 1.5x.
- "web: p99 under a concurrent flood": six processes each opening a fresh connection for every
  request (as a hostile page can) while a signed-in person loads the routes page; p99 of the
  person's page. Goal <= 50 ms. Bounded in count and time, loopback only."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from helper.bench import Figure, ratio_figures, unmeasured_ratio

COLD_START_GOAL = 1.3
NOTES_PAGE_GOAL = 1.5
P99_GOAL_MS = 50.0
FLOODERS = 6
FIRST_QUESTION = "Is anyone in danger right now?"
COLD = "web: cold start to the first question"
WINDOW = "web: waymark open (window) to the first question"
FLOOD = "web: p99 under a concurrent flood"
PASSPHRASE = "bench passphrase"  # noqa: S105 - a throwaway vault in a temp folder
# A bare Flask app on a waitress server: the floor any Flask + waitress helper starts from.
BARE_SERVER = """
import socket
from flask import Flask
from waitress.server import create_server
app = Flask("bare")
@app.get("/")
def index():
    return "<!doctype html><title>bare</title><p>ok</p>"
sock = socket.socket(); sock.bind(("127.0.0.1", 0))
server = create_server(app, sockets=[sock])
"""
# Served as `waymark serve` serves: the address on stdout, then the server in the main thread.
BARE_APP = (
    BARE_SERVER
    + """
print(f"http://127.0.0.1:{sock.getsockname()[1]}/", flush=True)
server.run()
"""
)
# The same, shown in a bare pywebview window (Qt), as `waymark open` shows the helper.
BARE_WINDOW = (
    BARE_SERVER
    + """
import threading
threading.Thread(target=server.run, daemon=True).start()
import webview
webview.create_window("bare", f"http://127.0.0.1:{sock.getsockname()[1]}/")
webview.start(gui="qt", private_mode=True)
"""
)


def run(quick: bool) -> list[Figure]:
    rounds = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="waymark-bench-") as home:
        env = {**os.environ, "WAYMARK_HOME": home, "BROWSER": "false"}
        # Started as an installed helper starts: with compiled bytecode. An installed wheel
        # has it; a checkout run with PYTHONDONTWRITEBYTECODE (as the tests run) would compile
        # every module on every start, which no person waits for. The bytecode goes to a
        # folder of this run's own, never into the source tree; a warm-up start fills it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(home) / "pycache")
        figures = cold_start_figures(env, rounds)
        figures += window_figures(env, 2 if quick else 5)
        figures += notes_page_figures(Path(home), env, 10_000, rounds * 3)
        figures += flood_figures(env, 150 if quick else 1_500, 15.0 if quick else 60.0)
    return figures


# ---- processes and requests --------------------------------------------------------------------


def start(command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    return proc, proc.stdout.readline().strip()


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Client:
    """One person's keep-alive connection with their session cookie and form token."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.cookie = ""
        self.csrf = ""
        self.conn.request("GET", f"{parts.path}?{parts.query}")  # the launch address
        response = self.conn.getresponse()
        response.read()
        self.cookie = response.getheader("Set-Cookie", "").split(";")[0]

    def get(self, path: str, expect: int = 200) -> str:
        self.conn.request("GET", path, headers={"Cookie": self.cookie})
        response = self.conn.getresponse()
        page = response.read().decode()
        assert response.status == expect, (path, response.status)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if found:
            self.csrf = found.group(1)
        return page

    def post(self, path: str, body: str, expect: int = 303) -> str:
        self.conn.request(
            "POST",
            path,
            body=f"{body}&csrf_token={self.csrf}",
            headers={"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = self.conn.getresponse()
        response.read()
        assert response.status == expect, (path, response.status)
        return response.getheader("Location", "")


def first_question(client: Client) -> None:
    """The start page, who you are, then the first question (danger), as a person goes."""
    client.get("/")
    where = client.post("/", "audience=parent-carer")
    page = client.get(urlsplit(where).path or "/help/danger")
    assert FIRST_QUESTION in page, "the first question page did not ask about danger"


def answer_questions(client: Client) -> None:
    """Walk the signposting flow in its order (who you are, danger, what happened, age,
    platform) so /help/result is a real page of routes."""
    first_question(client)
    steps = [
        ("/help/danger", "danger_now=no"),
        ("/help/concern", "concern=sextortion"),
        ("/help/age", "age=13"),
        ("/help/platform", "platform=not-sure"),
    ]
    for path, body in steps:
        client.get(path)
        client.post(path, body)
    page = client.get("/help/result")
    assert "Report Remove" in page or "route" in page.lower()


# ---- cold start --------------------------------------------------------------------------------


def cold_start(command: list[str], env: dict[str, str], ours: bool) -> float:
    """Seconds from spawning the process to the first question (ours) or its one page (bare)."""
    began = time.perf_counter()
    proc, url = start(command, env)
    try:
        if ours:
            first_question(Client(url))
        else:
            parts = urlsplit(url)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            conn.request("GET", "/")
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - began
    finally:
        stop(proc)


def cold_start_figures(env: dict[str, str], rounds: int) -> list[Figure]:
    ours_runs, bare_runs = [], []
    for _ in range(rounds + 1):  # interleaved, so both see the same machine load
        ours_runs.append(cold_start([sys.executable, "-m", "helper", "serve"], env, True))
        bare_runs.append(cold_start([sys.executable, "-c", BARE_APP], env, False))
    ours_runs, bare_runs = ours_runs[1:], bare_runs[1:]  # the first: a warm-up (bytecode)
    ours, bare = statistics.median(ours_runs), statistics.median(bare_runs)
    return ratio_figures(COLD, ours, "bare Flask+waitress", bare, COLD_START_GOAL)


# ---- the window --------------------------------------------------------------------------------


def window_figures(env: dict[str, str], rounds: int) -> list[Figure]:
    why = window_unavailable()
    if why:
        return unmeasured_ratio(WINDOW, "bare window", why)
    from helper.window import gui_environment

    env = {**env, **gui_environment()}  # as `waymark open` sets it for itself (root: no sandbox)
    ours_runs, bare_runs = [], []
    try:
        for _ in range(rounds + 1):
            ours_runs.append(window_start([sys.executable, "-m", "helper", "open"], env, True))
            bare_runs.append(window_start([sys.executable, "-c", BARE_WINDOW], env, False))
        ours_runs, bare_runs = ours_runs[1:], bare_runs[1:]  # the first: a warm-up
    except (OSError, RuntimeError, TimeoutError, ValueError) as err:
        why = f"the window could not be measured: {err}"
        return unmeasured_ratio(WINDOW, "bare window", why)
    ours, bare = statistics.median(ours_runs), statistics.median(bare_runs)
    return ratio_figures(WINDOW, ours, "bare window", bare, COLD_START_GOAL)


def window_unavailable() -> str:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display (run under a desktop or xvfb-run)"
    from helper import window

    return window.probe_gui() or ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def window_start(command: list[str], env: dict[str, str], ours: bool) -> float:
    """Seconds from spawning the process to the first question shown in its window (ours:
    the start page, then a click on "parent or carer" in the window, then the danger
    question drawn) or to the bare page drawn (the floor)."""
    devtools = free_port()
    began = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env={**env, "QTWEBENGINE_REMOTE_DEBUGGING": str(devtools)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Qt's web engine processes go with it
    )
    try:
        page = DevToolsPage.wait_for(devtools, proc, deadline=time.monotonic() + 90)
        with page:
            if ours:
                page.wait_until(
                    "document.readyState === 'complete' && "
                    "!!document.getElementById('audience-parent-carer')"
                )
                page.evaluate(
                    "document.getElementById('audience-parent-carer').click(); "
                    "document.querySelector('form.question button[type=submit]').click()"
                )
                page.wait_until(
                    f"document.readyState === 'complete' && "
                    f"document.body.innerText.includes({json.dumps(FIRST_QUESTION)})"
                )
            else:
                page.wait_until("document.readyState === 'complete' && document.title === 'bare'")
        return time.perf_counter() - began
    finally:
        end_group(proc)


def end_group(proc: subprocess.Popen) -> None:
    """Stop a process started in its own session, and whatever it started (Qt's helpers)."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    proc.poll()


class DevToolsPage:
    """A minimal Chrome DevTools Protocol client (Runtime.evaluate only) over a plain socket:
    Playwright cannot attach to Qt WebEngine (it has no browser contexts to manage)."""

    def __init__(self, ws_url: str) -> None:
        parts = urlsplit(ws_url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        key = "d2F5bWFyay1iZW5jaC1rZXk="
        self.sock.sendall(
            (
                f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            reply += chunk
        if b" 101 " not in reply.split(b"\r\n", 1)[0]:
            raise ConnectionError("DevTools refused the WebSocket")
        self.buffer = reply.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    @classmethod
    def wait_for(cls, port: int, proc: subprocess.Popen, deadline: float) -> DevToolsPage:
        """The first page whose address is on 127.0.0.1 (the app, not about:blank)."""
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the window process ended ({proc.returncode})")
            if time.monotonic() > deadline:
                raise TimeoutError("the window never showed a page")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as got:
                    pages = [p for p in json.load(got) if p.get("type") == "page"]
            except OSError:
                pages = []
            for page in pages:
                if "127.0.0.1" in page.get("url", "") and page.get("webSocketDebuggerUrl"):
                    return cls(page["webSocketDebuggerUrl"])
            time.sleep(0.02)

    def __enter__(self) -> DevToolsPage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def _send(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + len(data).to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + len(data).to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def _read(self, count: int) -> bytes:
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _receive(self) -> str:
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(self._read(2), "big")
            elif length == 127:
                length = int.from_bytes(self._read(8), "big")
            payload = self._read(length)
            if first & 0x0F == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            message += payload
            if first & 0x80:
                return message.decode()

    def evaluate(self, expression: str) -> object:
        self.next_id += 1
        wanted = self.next_id
        self._send(
            json.dumps(
                {
                    "id": wanted,
                    "method": "Runtime.evaluate",
                    "params": {"expression": expression, "returnByValue": True},
                }
            )
        )
        while True:
            reply = json.loads(self._receive())
            if reply.get("id") == wanted:
                return reply.get("result", {}).get("result", {}).get("value")

    def wait_until(self, expression: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.evaluate(f"(() => {{ try {{ return {expression}; }} "
                                 "catch (e) { return false; } })()"):  # fmt: skip
                    return
            except ConnectionError:
                raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"the window never met: {expression}")
            time.sleep(0.005)


# ---- the notes list page -----------------------------------------------------------------------


def notes_page_figures(home: Path, env: dict[str, str], count: int, repeat: int) -> list[Figure]:
    """Page 1 of /pro/notes over HTTP against `list_notes()` in this process, same vault file."""
    import keyring
    from keyring.backends import fail

    from helper.bench.casework import bulk_fill
    from helper.vault import Vault

    name = f"web: notes list page, {count:,} notes"
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    saved = dict(os.environ)
    os.environ.update(WAYMARK_KDF_FAST="1", WAYMARK_TESTING="1")  # the unlock is not measured
    try:
        path = home / "vault.sqlite3"
        vault, _ = Vault.create(PASSPHRASE, path)
        bulk_fill(vault, count, max(1, count // 200))
        vault.close()
        serve_env = {**env, "WAYMARK_KDF_FAST": "1", "WAYMARK_TESTING": "1",
                     "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # fmt: skip
        proc, url = start([sys.executable, "-m", "helper", "serve"], serve_env)
        try:
            person = Client(url)
            person.get("/pro/unlock")
            person.post("/pro/unlock", f"passphrase={PASSPHRASE.replace(' ', '+')}&next=/pro/notes")
            page = person.get("/pro/notes")
            assert f"Page 1 of {-(-count // 50)}." in page, "the list page is not paginated by 50"
            vault = Vault.open(path)
            vault.unlock(PASSPHRASE)
            vault.list_notes()
            pages, calls = [], []
            for _ in range(repeat):  # interleaved, so both see the same machine load
                began = time.perf_counter()
                person.get("/pro/notes")
                pages.append(time.perf_counter() - began)
                began = time.perf_counter()
                vault.list_notes()
                calls.append(time.perf_counter() - began)
            vault.close()
        finally:
            stop(proc)
            path.unlink(missing_ok=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        keyring.set_keyring(previous)
    page_s, call_s = statistics.median(pages), statistics.median(calls)
    return ratio_figures(name, page_s, "vault call", call_s, NOTES_PAGE_GOAL)


# ---- the flood ---------------------------------------------------------------------------------


def flood(port: int, count: int, seconds: float) -> None:
    """Requests a hostile page could send, each on a fresh connection: no cookie, or a foreign
    Host. Every one is refused. Stops after `count` requests or `seconds`."""
    ends = time.monotonic() + seconds
    for i in range(count):
        if time.monotonic() > ends:
            return
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            headers = {"Host": "evil.test"} if i % 2 else {}
            conn.request("GET", "/help/result", headers=headers)
            conn.getresponse().read()
        except OSError:
            pass  # refused or reset under load: the flood goes on
        finally:
            conn.close()


def flood_figures(env: dict[str, str], per_flooder: int, seconds: float) -> list[Figure]:
    proc, url = start([sys.executable, "-m", "helper", "serve"], env)
    try:
        port = urlsplit(url).port
        person = Client(url)
        answer_questions(person)
        # Other processes, as a hostile page would be: the flood must not share our GIL.
        context = multiprocessing.get_context("spawn")
        flooders = [
            context.Process(target=flood, args=(port, per_flooder, seconds))
            for _ in range(FLOODERS)
        ]
        for f in flooders:
            f.start()
        timings: list[float] = []
        ends = time.monotonic() + seconds + 30
        while (any(f.is_alive() for f in flooders) or len(timings) < 100) and (
            time.monotonic() < ends
        ):
            began = time.perf_counter()
            person.get("/help/result")
            timings.append((time.perf_counter() - began) * 1000)
        for f in flooders:
            f.join(timeout=30)
            if f.is_alive():
                f.kill()
        timings.sort()
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    finally:
        stop(proc)
    return [
        Figure(FLOOD, p99, "ms", f"<= {P99_GOAL_MS:g} ms", p99 <= P99_GOAL_MS),
        Figure(f"{FLOOD}: median", timings[len(timings) // 2], "ms"),
        Figure(f"{FLOOD}: pages timed ({FLOODERS} flooders, fresh connections)",
               len(timings), ""),
    ]  # fmt: skip
