"""Getting into the vault through the pages: create, unlock, recover, lock, auto-lock."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from helper.web import close
from helper.web.vault_session import DEFAULT_IDLE_MINUTES
from tests.support.notes_pages import create_vault, holder, write_note
from tests.support.vaults import PASSPHRASE

NEW_PASSPHRASE = "a different long passphrase"

IDLE = DEFAULT_IDLE_MINUTES * 60  # the professional area's default idle limit, in seconds


def test_first_visit_is_sent_to_create_the_vault(client):
    response = client.get("/pro/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/pro/create"


def test_create_page_welcomes_password_managers_and_paste(client):
    page = client.get("/pro/create").get_data(as_text=True)
    assert page.count('autocomplete="new-password"') == 2
    assert "onpaste" not in page and "paste allowed" not in page.lower()
    assert "paste" in page.lower()


def test_create_shows_the_recovery_code_once(app, client, csrf_token, waymark_home):
    code = create_vault(client, csrf_token)
    assert len(code) >= 16
    assert (waymark_home / "vault.sqlite3").exists()
    assert holder(app).is_unlocked()
    # The code is never shown again: the create page now sends you to unlock.
    again = client.get("/pro/create")
    assert again.status_code == 303 and code not in again.get_data(as_text=True)
    assert code not in client.get("/pro/notes").get_data(as_text=True)


def test_create_refuses_short_or_mismatched_passphrases(client, csrf_token, waymark_home):
    short = client.post(
        "/pro/create", data={"csrf_token": csrf_token, "passphrase": "short", "again": "short"}
    )
    assert short.status_code == 400 and b"at least" in short.data
    mismatch = client.post(
        "/pro/create",
        data={"csrf_token": csrf_token, "passphrase": PASSPHRASE, "again": PASSPHRASE + "x"},
    )
    assert mismatch.status_code == 400 and b"not the same" in mismatch.data
    assert not (waymark_home / "vault.sqlite3").exists()


def test_create_without_csrf_token_is_refused_and_makes_nothing(client, waymark_home):
    response = client.post("/pro/create", data={"passphrase": PASSPHRASE, "again": PASSPHRASE})
    assert response.status_code == 403
    assert not (waymark_home / "vault.sqlite3").exists()


def test_a_stranger_without_the_launch_token_gets_nothing(anon):
    assert anon.get("/pro/").status_code == 403
    assert anon.get("/pro/notes").status_code == 403


def test_wrong_passphrase_gets_one_calm_generic_line(app, client, csrf_token, unlocked):
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    response = client.post(
        "/pro/unlock", data={"csrf_token": csrf_token, "passphrase": "not the passphrase"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Cannot unlock the vault with that passphrase." in page
    assert page.count('role="alert"') == 1
    assert "Traceback" not in page and "WrongPassphrase" not in page
    assert not holder(app).is_unlocked()


def test_unlock_page_accepts_password_managers(client, csrf_token, unlocked):
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    page = client.get("/pro/unlock").get_data(as_text=True)
    assert 'autocomplete="current-password"' in page
    assert "recovery code" in page.lower()
    assert "Unlock on this device" not in page  # no keyring in these tests


def test_locked_new_note_link_unlocks_then_returns_with_its_values(app, client, csrf_token):
    create_vault(client, csrf_token)
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    link = "/pro/notes/new?platform=www.instagram.com&at=2026-11-29T02:24:04%2B00:00"
    response = client.get(link)
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.path == "/pro/unlock"
    back = parse_qs(target.query)["next"][0]
    assert back.startswith("/pro/notes/new?")
    unlock_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next"' in unlock_page
    done = client.post(
        "/pro/unlock", data={"csrf_token": csrf_token, "passphrase": PASSPHRASE, "next": back}
    )
    assert done.status_code == 303 and done.headers["Location"] == back
    form = client.get(back).get_data(as_text=True)
    assert 'value="www.instagram.com"' in form
    assert re.search(r'id="f-concern_at" name="concern_at" value="2026-11-\d\dT\d\d:\d\d"', form)


def test_unlock_never_sends_you_to_another_site(client, csrf_token, unlocked):
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    for evil in ("https://evil.test/", "//evil.test/pro/", "/pro/../about", "javascript:alert(1)"):
        response = client.post(
            "/pro/unlock", data={"csrf_token": csrf_token, "passphrase": PASSPHRASE, "next": evil}
        )
        assert response.headers["Location"] == "/pro/notes", evil
        client.post("/pro/lock", data={"csrf_token": csrf_token})


def test_idle_timeout_locks_the_vault(app, client, csrf_token, unlocked, clock):
    note_id = write_note(client, csrf_token)
    clock.advance(IDLE - 1)
    assert client.get(f"/pro/notes/{note_id}").status_code == 200  # activity restarts the timer
    clock.advance(IDLE - 1)
    assert holder(app).is_unlocked()
    clock.advance(2)
    response = client.get(f"/pro/notes/{note_id}")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/pro/unlock")
    assert not holder(app).is_unlocked()
    assert b"Pupil said" not in client.get(response.headers["Location"]).data


def test_idle_timeout_drops_the_key_without_any_request(app, client, csrf_token, unlocked, clock):
    """The watchdog's check alone (no page asked for) must drop the key."""
    clock.advance(IDLE)
    assert holder(app).expire_if_idle() is True
    assert holder(app)._vault.is_unlocked is False


def test_lock_now_drops_the_key(app, client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    response = client.post("/pro/lock", data={"csrf_token": csrf_token})
    assert response.status_code == 303
    assert not holder(app).is_unlocked()
    assert client.get(f"/pro/notes/{note_id}").status_code == 303


def test_lock_without_csrf_token_is_refused(app, client, unlocked):
    assert client.post("/pro/lock").status_code == 403
    assert holder(app).is_unlocked()


def test_closing_the_app_locks_the_vault(app, client, csrf_token, unlocked):
    vault = holder(app)._vault
    close(app)
    assert vault is not None and holder(app)._vault is None


def test_a_note_form_posted_after_auto_lock_is_kept_until_unlock(
    app, client, csrf_token, unlocked, clock
):
    clock.advance(IDLE + 60)
    data = {
        "csrf_token": csrf_token,
        "concern": "grooming",
        "recorder_name": "Sam",
        "narrative": "Typed for a long time before saving.",
    }
    response = client.post("/pro/notes/new", data=data)
    assert response.status_code == 303 and response.headers["Location"].startswith("/pro/unlock")
    client.post("/pro/unlock", data={"csrf_token": csrf_token, "passphrase": PASSPHRASE})
    with holder(app).use() as vault:
        assert vault.list_notes() == []  # nothing saved behind the person's back
    form = client.get("/pro/notes/new").get_data(as_text=True)
    assert "Typed for a long time before saving." in form
    # Only once: the kept draft is forgotten after it has been shown.
    assert "Typed for a long time" not in client.get("/pro/notes/new").get_data(as_text=True)


def test_recovery_code_sets_a_new_passphrase_and_issues_a_new_code(
    app, client, csrf_token, unlocked
):
    old_code = unlocked
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    wrong = client.post(
        "/pro/recover",
        data={
            "csrf_token": csrf_token,
            "code": "AAAA-BBBB-CCCC-DDDD",
            "passphrase": NEW_PASSPHRASE,
            "again": NEW_PASSPHRASE,
        },
    )
    assert wrong.status_code == 400 and not holder(app).is_unlocked()
    response = client.post(
        "/pro/recover",
        data={
            "csrf_token": csrf_token,
            "code": old_code,
            "passphrase": NEW_PASSPHRASE,
            "again": NEW_PASSPHRASE,
        },
    )
    assert response.status_code == 200
    new_code = re.search(r'id="recovery-code">([^<]+)<', response.get_data(as_text=True))
    assert new_code and new_code.group(1).strip() != old_code
    assert holder(app).is_unlocked()
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    refused = client.post("/pro/unlock", data={"csrf_token": csrf_token, "passphrase": PASSPHRASE})
    assert refused.status_code == 400
    client.post("/pro/unlock", data={"csrf_token": csrf_token, "passphrase": NEW_PASSPHRASE})
    assert holder(app).is_unlocked()


def test_first_run_from_the_extension_sets_up_the_vault_then_returns(client, csrf_token):
    link = "/pro/notes/new?platform=discord.com&at=2026-11-29T02:24:04Z"
    response = client.get(link)
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.path == "/pro/create"
    back = parse_qs(target.query)["next"][0]
    assert 'name="next" value="/pro/notes/new?platform=discord.com' in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    made = client.post(
        "/pro/create",
        data={
            "csrf_token": csrf_token,
            "passphrase": PASSPHRASE,
            "again": PASSPHRASE,
            "next": back,
        },
    )
    assert f'href="{back.replace("&", "&amp;")}" id="code-done"' in made.get_data(as_text=True)
    assert 'value="discord.com"' in client.get(back).get_data(as_text=True)


def test_the_vault_answers_requests_from_any_server_thread(app, client, csrf_token, unlocked):
    """waitress serves each request on whichever thread is free, but a sqlite3 connection only
    works on the thread that opened it: the holder must route every call to one thread."""
    import threading

    note_id = write_note(client, csrf_token)
    seen: list[object] = []

    def read() -> None:
        with holder(app).use() as vault:
            seen.append(vault.note(note_id).revisions[-1].fields["child"])

    workers = [threading.Thread(target=read) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=10)
    assert seen == ["J.B."] * 4


def test_every_professional_page_is_no_store(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    pages = ["/pro/notes", "/pro/notes/new", "/pro/settings", f"/pro/notes/{note_id}"]
    pages += [f"/pro/notes/{note_id}/{p}" for p in ("revise", "delete", "export", "export.txt")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    for url in ("/pro/unlock", "/pro/recover"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_the_watchdog_locks_an_unattended_vault_on_its_own(waymark_home, clock):
    """No request at all (a screen left open): the background check drops the key."""
    import time

    from helper.web.vault_session import VaultSession

    session = VaultSession(path=waymark_home / "vault.sqlite3", clock=clock, watchdog_seconds=0.02)
    try:
        session.create(PASSPHRASE, PASSPHRASE)
        raw = session.opened()  # asked on the vault's thread, which never locks by itself
        assert raw.is_unlocked
        clock.advance(IDLE)
        for _ in range(200):  # bounded: at most about 2 s
            if not raw.is_unlocked:
                break
            time.sleep(0.01)
        assert not raw.is_unlocked
    finally:
        session.close()


def test_a_damaged_vault_file_gets_one_clear_line_not_a_traceback(client, csrf_token, waymark_home):
    (waymark_home / "vault.sqlite3").write_bytes(b"this is not a vault at all" * 100)
    page = client.get("/pro/unlock")
    assert page.status_code == 200
    response = client.post("/pro/unlock", data={"csrf_token": csrf_token, "passphrase": "x" * 12})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not a Waymark vault, or it is damaged" in text
    assert "Traceback" not in text and "sqlite" not in text.lower()
    assert (waymark_home / "vault.sqlite3").read_bytes().startswith(b"this is not a vault")


def test_only_waymarks_own_errors_are_taken_as_no_device_unlock(
    app, client, csrf_token, unlocked, monkeypatch
):
    """A vault that refuses (a Waymark error) just means "no device unlock offered"; anything
    else is a fault in Waymark and must surface as one, not be quietly read as "no"."""
    from helper.errors import StorageError
    from helper.web.vault_session import PinnedVault

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def refuses(self):
        raise StorageError("The disk refused.")

    monkeypatch.setattr(PinnedVault, "device_unlock_available", refuses)
    assert client.get("/pro/settings").status_code == 200

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(PinnedVault, "device_unlock_available", broken)
    assert client.get("/pro/settings").status_code == 500
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    assert client.get("/pro/unlock").status_code == 500
    monkeypatch.setattr(PinnedVault, "device_unlock_available", refuses)
    assert client.get("/pro/unlock").status_code == 200
