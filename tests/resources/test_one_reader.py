"""Only helper/resources.py reads resources/: every other module goes through its readers, so
the knowledge base is checked in one place and a bad edit is refused in one place."""

from __future__ import annotations

from helper.paths import REPO_ROOT

# The loader and the module that says where the folder is.
READERS = {"helper/resources.py", "helper/paths.py"}


def test_no_other_module_finds_the_knowledge_base_folder_itself():
    offenders = []
    for path in sorted((REPO_ROOT / "helper").rglob("*.py")):
        name = path.relative_to(REPO_ROOT).as_posix()
        if name in READERS:
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("resources_dir(", '"resources" /', '"_resources"'):
            if needle in text:
                offenders.append(f"{name}: {needle}")
    assert offenders == []
