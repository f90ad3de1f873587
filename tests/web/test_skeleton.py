"""The app factory's promises that other areas build on."""

from tests.web.conftest import TOKEN


def test_signed_in_client_sees_start_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Who are you?" in response.data


def test_on_close_hooks_run_and_sessions_are_forgotten(app, client):
    from helper.web import close

    ran = []
    app.extensions["waymark.on_close"].append(lambda: ran.append("locked"))
    close(app)
    assert ran == ["locked"]
    assert client.get("/").status_code == 403


def test_csrf_field_renders_the_session_token(client, csrf_token):
    assert f'name="csrf_token" value="{csrf_token}"'.encode() in client.get("/").data


def test_token_exchange_keeps_other_query_parameters(app):
    c = app.test_client()
    response = c.get(f"/about?token={TOKEN}&x=1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/about?x=1"
