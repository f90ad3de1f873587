"""Packaging glue that pyproject.toml cannot say: the knowledge base (`resources/`), the
browser extension (`extension/`) and the pocket web app (`pocket/`) stay top-level folders in the
repository, and the wheel carries them inside the package as `helper/_resources`,
`helper/_extension` and `helper/_pocket`, mapped by setuptools' package_dir. Nothing is copied
by hand and there is no second committed copy; helper/paths.py finds the packaged folders through
importlib.resources and falls back to the source tree."""

from setuptools import find_namespace_packages, setup

MAPPED = {
    "helper._resources": "resources",
    "helper._resources.schema": "resources/schema",
    "helper._extension": "extension",
    "helper._pocket": "pocket",
}

setup(
    # Namespace discovery, so template and static folders (no __init__.py) carry their files.
    packages=[
        *find_namespace_packages(include=["helper", "helper.*"], exclude=["*.__pycache__"]),
        *MAPPED,
    ],
    package_dir=MAPPED,
    package_data={
        "": ["*.md", "*.json", "*.html", "*.css", "*.js", "*.txt", "*.svg", "*.ico", "*.png"],
        "helper._resources": ["*.json", "*.md", ".checked.json"],
        "helper._resources.schema": ["*.json"],
        # Everything the extension is made of (build-extension zips it from here).
        "helper._extension": ["**/*.json", "**/*.js", "**/*.html", "**/*.css", "**/*.png", "*.md"],
        # The pocket web app's own files (build-web adds the extension's modules and data).
        "helper._pocket": ["*.json", "*.js", "*.html", "*.css"],
    },
)
