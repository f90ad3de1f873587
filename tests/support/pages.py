"""Checks shared by the real-browser tests of the helper's pages."""

from __future__ import annotations

from pathlib import Path


def axe_clean(page, name: str, artifacts: Path) -> None:
    """No serious or critical axe violations; a screenshot of the page as evidence."""
    from axe_playwright_python.sync_playwright import Axe

    page.screenshot(path=str(artifacts / f"pro-{name}.png"), full_page=True)
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"


def base(server) -> str:
    """The helper's address without the launch token."""
    return server["url"].split("/?", 1)[0]
