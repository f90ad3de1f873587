"""Settings: auto-lock minutes, unlock on this device, change passphrase."""

from __future__ import annotations

from tests.support.notes_pages import holder
from tests.support.vaults import PASSPHRASE

NEW = "another passphrase entirely"


def test_auto_lock_defaults_to_fifteen_minutes_with_the_reason_and_can_be_changed(
    app, client, csrf_token, unlocked, clock, waymark_home
):
    page = client.get("/pro/settings").get_data(as_text=True)
    assert 'name="idle_minutes" value="15"' in page
    assert "15 minutes gives you time to stop and think" in page
    for bad in ("0", "61", "five", ""):
        response = client.post(
            "/pro/settings/idle", data={"csrf_token": csrf_token, "idle_minutes": bad}
        )
        assert response.status_code == 400, bad
        assert b"whole number of minutes" in response.data
    ok = client.post("/pro/settings/idle", data={"csrf_token": csrf_token, "idle_minutes": "2"})
    assert ok.status_code == 303
    assert b"Auto-lock saved." in client.get(ok.headers["Location"]).data
    assert (waymark_home / "pro-settings.json").exists()
    clock.advance(2 * 60)
    assert not holder(app).is_unlocked()


def test_auto_lock_setting_without_csrf_is_refused(app, client, unlocked):
    response = client.post("/pro/settings/idle", data={"idle_minutes": "60"})
    assert response.status_code == 403
    assert holder(app).idle_minutes == 15


def test_settings_page_needs_the_vault_unlocked(client, csrf_token, unlocked):
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    response = client.get("/pro/settings")
    assert response.status_code == 303 and "/pro/unlock" in response.headers["Location"]


def test_device_unlock_is_not_offered_without_a_keyring(client, unlocked):
    page = client.get("/pro/settings").get_data(as_text=True)
    assert "no keyring" in page
    assert 'id="device-toggle"' not in page


def test_device_unlock_with_a_keyring(app, client, csrf_token, unlocked, memory_keyring):
    holder(app).opened().call(setattr, "_keyring", None)  # the vault asks the keyring again
    page = client.get("/pro/settings").get_data(as_text=True)
    assert 'id="device-toggle"' in page and "Turn it on" in page
    on = client.post("/pro/settings/device", data={"csrf_token": csrf_token, "device": "on"})
    assert on.status_code == 303
    assert memory_keyring.entries, "the device key went into the keyring"
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    assert b'id="unlock-device"' in client.get("/pro/unlock").data
    done = client.post("/pro/unlock", data={"csrf_token": csrf_token, "method": "device"})
    assert done.status_code == 303 and holder(app).is_unlocked()
    off = client.post("/pro/settings/device", data={"csrf_token": csrf_token, "device": "off"})
    assert off.status_code == 303
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    assert b'id="unlock-device"' not in client.get("/pro/unlock").data
    refused = client.post("/pro/unlock", data={"csrf_token": csrf_token, "method": "device"})
    assert refused.status_code == 400 and not holder(app).is_unlocked()


def test_change_passphrase(app, client, csrf_token, unlocked):
    wrong = client.post(
        "/pro/settings/passphrase",
        data={"csrf_token": csrf_token, "old": "not it at all", "new": NEW, "again": NEW},
    )
    assert wrong.status_code == 400 and b"Nothing was changed" in wrong.data
    mismatch = client.post(
        "/pro/settings/passphrase",
        data={"csrf_token": csrf_token, "old": PASSPHRASE, "new": NEW, "again": NEW + "!"},
    )
    assert mismatch.status_code == 400
    ok = client.post(
        "/pro/settings/passphrase",
        data={"csrf_token": csrf_token, "old": PASSPHRASE, "new": NEW, "again": NEW},
    )
    assert ok.status_code == 303
    client.post("/pro/lock", data={"csrf_token": csrf_token})
    old = client.post("/pro/unlock", data={"csrf_token": csrf_token, "passphrase": PASSPHRASE})
    assert old.status_code == 400
    client.post("/pro/unlock", data={"csrf_token": csrf_token, "passphrase": NEW})
    assert holder(app).is_unlocked()
