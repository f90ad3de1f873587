"""The helper as a person installs it: a wheel built from this checkout, installed into a fresh
venv outside the repository, every command run from an unrelated folder with no source tree."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tarfile
import urllib.request
import zipfile

from helper.nativehost.identity import HOST_NAME, chromium_origin, extension_id

HEADER = struct.Struct("=I")
KNOWLEDGE = ["concerns", "domains", "platforms", "procedure", "routes", "services"]


def run(installed, env, cwd, *args, stdin=None, timeout=120) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(installed.waymark), *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_wheel_carries_the_knowledge_base_templates_static_files_and_extension(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for name in KNOWLEDGE:
        assert f"helper/_resources/{name}.json" in names
        assert f"helper/_resources/schema/{name}.schema.json" in names
    for name in ["concerns", "platforms", "procedure", "routes", "services"]:
        assert f"helper/_extension/data/{name}.json" in names
    assert "helper/_extension/manifest.json" in names
    assert "helper/_resources/.checked.json" in names  # starts skip the checks (resources.py)
    assert any(n.startswith("helper/_extension/icons/") and n.endswith(".png") for n in names)
    assert "helper/web/templates/base.html" in names
    assert any(n.startswith("helper/web/static/") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "resources/", "extension/")) for n in names)


def test_wheel_metadata_has_classifiers_license_and_a_readme(installed):
    archive = zipfile.ZipFile(installed.wheel)
    (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    text = archive.read(metadata).decode()
    assert "Classifier: License :: OSI Approved :: MIT License" in text
    assert "Description-Content-Type: text/markdown" in text
    assert "License-File: LICENSE" in text


def test_sdist_carries_the_sources_the_wheel_is_built_from(installed):
    with tarfile.open(installed.sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {"LICENSE", "setup.py", "pyproject.toml", "resources/routes.json"} <= names
    assert "extension/manifest.json" in names and "helper/paths.py" in names


def test_installed_helper_finds_its_files_inside_the_package(installed, user_env, elsewhere):
    probe = (
        "import helper.paths as p; print(p.resources_dir()); print(p.extension_dir()); "
        "print(p.installed_from_wheel()); import helper.resources as r; "
        "print(r.checked_is_current())"
    )
    result = subprocess.run(
        [str(installed.python), "-c", probe],
        cwd=elsewhere,
        env=user_env,
        capture_output=True,
        text=True,
        check=True,
    )
    resources, extension, from_wheel, checked = result.stdout.splitlines()
    site = str(installed.venv)
    assert resources.startswith(site) and resources.endswith("helper/_resources")
    assert extension.startswith(site) and extension.endswith("helper/_extension")
    assert from_wheel == "True"
    assert checked == "True", "the wheel's knowledge base record does not match its files"


def test_signpost_works_from_any_folder(installed, user_env, elsewhere):
    result = run(
        installed, user_env, elsewhere, "signpost", "--audience", "young-person", "--age", "14",
        "--concern", "sextortion", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    routes = json.loads(result.stdout)["routes"]
    assert routes and all({"id", "name", "url"} <= set(r) for r in routes)


def test_serve_prints_its_address_first_and_answers_it(installed, user_env, elsewhere):
    process = subprocess.Popen(
        [str(installed.waymark), "serve"],
        cwd=elsewhere,
        env=user_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        # The address carries a one-time token that the helper swaps for a session cookie.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(url, timeout=20) as response:
            assert response.status == 200
            assert "Waymark" in response.read().decode()
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert "Traceback" not in stderr, stderr


def test_notes_init_new_list_work_from_any_folder(installed, user_env, elsewhere, tmp_path):
    secret = tmp_path / "passphrase.txt"
    secret.write_text("packaging passphrase 1\n")
    env = {**user_env, "WAYMARK_PASSPHRASE_FILE": str(secret)}
    result = run(installed, env, elsewhere, "notes", "init")
    assert result.returncode == 0, result.stderr
    assert "recovery code" in result.stdout
    result = run(
        installed, env, elsewhere, "notes", "new", "--concern", "grooming", "--child", "KU",
        "--age", "12", "--narrative", "Told a teacher at break", "--signed-by", "Ms Reed",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    note_id = result.stdout.splitlines()[0]
    listing = run(installed, env, elsewhere, "notes", "list")
    assert listing.returncode == 0, listing.stderr
    assert note_id in listing.stdout and "grooming" in listing.stdout


def test_doctor_runs_and_reports_on_the_packaged_knowledge_base(installed, user_env, elsewhere):
    result = run(installed, user_env, elsewhere, "doctor")
    # Exit 1 is an honest "entries need review" while evidence is still being gathered; what
    # matters here is that the installed helper found and loaded its own knowledge base.
    assert result.returncode in (0, 1), result.stderr
    assert "[ok] knowledge base" in result.stdout, result.stdout
    assert "missing from the knowledge base" not in result.stdout + result.stderr


def test_install_native_host_then_a_round_trip_through_the_written_manifest(
    installed, user_env, elsewhere
):
    result = run(installed, user_env, elsewhere, "install-native-host", "--browser", "chromium")
    assert result.returncode == 0, result.stderr
    manifest_path = (
        elsewhere.parent / "home" / ".config" / "chromium" / "NativeMessagingHosts"
    ) / f"{HOST_NAME}.json"
    manifest = json.loads(manifest_path.read_text())
    assert manifest["allowed_origins"] == [chromium_origin(extension_id())]
    # What Chromium does: start `path` with the caller's origin, speak length-prefixed JSON.
    body = json.dumps({"v": 1, "type": "hello"}).encode()
    reply = subprocess.run(
        [manifest["path"], manifest["allowed_origins"][0]],
        input=HEADER.pack(len(body)) + body,
        capture_output=True,
        cwd="/",
        env=user_env,
        timeout=60,
    )
    assert reply.returncode == 0, reply.stderr.decode()
    (length,) = HEADER.unpack_from(reply.stdout)
    answer = json.loads(reply.stdout[4 : 4 + length])
    assert len(reply.stdout) == 4 + length
    assert answer["ok"] is True and answer["type"] == "hello"
    assert answer["helper"].startswith("waymark ")


def test_long_description_renders_on_a_package_index(installed):
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, installed.dist.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_build_web_works_from_the_installed_wheel(installed, user_env, elsewhere):
    """The pocket web app is built from the wheel alone: its own files (helper/_pocket), the
    extension's modules and the checked knowledge base, all from inside the package."""
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    pocket_files = ["app.js", "sw.js", "page.html", "manifest.json", "messages.json", "pocket.css"]
    assert {f"helper/_pocket/{name}" for name in pocket_files} <= names
    assert not any(n.startswith("pocket/") for n in names)
    result = run(installed, user_env, elsewhere, "build-web", "site")
    assert result.returncode == 0, result.stderr
    site = elsewhere / "site"
    for name in ("index.html", "help.html", "sw.js", "manifest.webmanifest", "lib/engine.js"):
        assert (site / name).is_file(), name
    assert len(list((site / "icons").glob("*.png"))) == 6
    for name in ("concerns", "services", "platforms", "procedure", "routes", "guidance"):
        repo = installed.venv.glob(f"lib/python*/site-packages/helper/_resources/{name}.json")
        assert (site / "data" / f"{name}.json").read_bytes() == next(repo).read_bytes()
    assert "to site" in result.stdout and "Version kb-" in result.stdout
