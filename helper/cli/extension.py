"""The browser extension's commands: the native-messaging host, its installer, the generated
copy of the knowledge base that the extension ships, and the pocket web app built from the same
modules and data (build-web)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helper.errors import BadInput


def register(commands: argparse._SubParsersAction) -> None:
    """Add this area's subcommands to `waymark`."""
    p = commands.add_parser(
        "native-host",
        help="the native-messaging host (browsers start this; not for people to run)",
        description="Speak the native-messaging protocol on stdin/stdout. Browsers start this "
        "through the launcher that `waymark install-native-host` writes.",
    )
    # What the browser passes: Chromium the caller's origin, Firefox the manifest path and id.
    p.add_argument("caller", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(func=run_native_host)

    p = commands.add_parser(
        "install-native-host",
        help="let the Waymark extension start the helper from this browser",
        description="Write the native-messaging host manifest for one browser, allowing only "
        "the Waymark extension.",
    )
    p.add_argument("--browser", required=True, choices=("chrome", "chromium", "edge", "firefox"))
    p.add_argument("--uninstall", action="store_true", help="remove the manifest instead")
    p.add_argument(
        "--user-data-dir",
        type=Path,
        metavar="DIR",
        help="a Chromium-family profile folder started with --user-data-dir (tests use this)",
    )
    p.set_defaults(func=run_install)

    p = commands.add_parser(
        "build-extension",
        help="copy the knowledge base into extension/data/, or write the store packages",
        description="Copy the knowledge-base files the extension needs into extension/data/, "
        "byte for byte. With --zip DIR, write the two packages a store or a school's IT team "
        "installs instead: waymark-VERSION-chromium.zip and waymark-VERSION-firefox.zip.",
    )
    p.add_argument("--check", action="store_true", help="only report files that differ (exit 1)")
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="where to write (default: extension/data)"
    )
    p.add_argument(
        "--zip",
        type=Path,
        metavar="DIR",
        help="write the Chromium and Firefox packages into DIR (nothing else is changed)",
    )
    p.add_argument(
        "--no-bundle",
        action="store_true",
        help="with --zip: leave the scripts as plain modules (no esbuild step)",
    )
    p.set_defaults(func=run_build)

    p = commands.add_parser(
        "build-web",
        help="write the pocket web app (Waymark for phones) as a static site",
        description="Write the pocket web app into DIR: the popup's screens laid out for a "
        "phone, the same engine and checked knowledge base, a web app manifest and a service "
        "worker that keeps every file for offline use. Host DIR on any static HTTPS site. An "
        "invalid knowledge base is refused, as build-extension refuses it, and nothing is "
        "written.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="the folder to write the site into")
    p.add_argument(
        "--no-bundle",
        action="store_true",
        help="leave app.js as a plain module (no esbuild step)",
    )
    p.set_defaults(func=run_build_web)


def run_native_host(args: argparse.Namespace) -> int:
    from helper.nativehost.host import run_stdio

    return run_stdio(args.caller)


def run_install(args: argparse.Namespace) -> int:
    from helper.nativehost import manifests

    if args.uninstall:
        removed = manifests.uninstall(args.browser, args.user_data_dir)
        if not removed:
            print(f"Nothing to remove: no Waymark host manifest for {args.browser}.")
        for path in removed:
            print(f"Removed {path}")
        return 0
    plan = manifests.current_plan(args.browser, args.user_data_dir)
    for path in manifests.apply(plan):
        print(f"Wrote {path}")
    for entry in plan.registry:
        print(f"Set {entry.hive}\\{entry.key} to {entry.value}")
    for note in plan.notes:
        print(f"Note: {note}")
    name = manifests.NAMES[args.browser]
    print(f"Done: the Waymark extension in {name} can now open the helper.")
    return 0


def run_build(args: argparse.Namespace) -> int:
    from helper import extension_data

    out = args.out
    if args.zip is not None:
        if args.check or out is not None:
            raise BadInput("--zip cannot be combined with --check or --out.")
        from helper import extension_package

        bundler = None if args.no_bundle else extension_package.esbuild()
        if bundler is None and not args.no_bundle:
            print(
                "Note: esbuild (npm) is not installed, so the packages carry the plain modules; "
                "they work the same, and the popup opens a little slower.",
                file=sys.stderr,
            )
        for path in extension_package.build_zips(args.zip, bundler=bundler):
            print(f"Wrote {path}")
        return 0
    from helper import checked_record, resources

    if args.check:
        stale = extension_data.differences(out)
        if out is None and not resources.checked_is_current():
            stale = [*stale, f"resources/{checked_record.CHECKED}"]
        for name in stale:
            print(f"differs: {name}", file=sys.stderr)
        if stale:
            print("Run `waymark build-extension` to refresh extension/data/.", file=sys.stderr)
            return 1
        print("extension/data/ matches resources/.")
        return 0
    for path in extension_data.build(out):
        print(f"Wrote {path}")
    if out is None:
        # The knowledge base is schema-checked here, at build time, and its hash recorded, so
        # the helper skips that check on every start while the files are unchanged.
        print(f"Wrote {resources.write_checked()}")
    return 0


def run_build_web(args: argparse.Namespace) -> int:
    from helper import extension_package, pocket

    bundler = None if args.no_bundle else extension_package.esbuild()
    if bundler is None and not args.no_bundle:
        print(
            "Note: esbuild (npm) is not installed, so app.js stays a plain module; the site "
            "works the same, and opens a little slower.",
            file=sys.stderr,
        )
    site = pocket.build_site(bundler=bundler)
    written = pocket.write_site(args.dir, site)
    size = site.total_bytes()
    print(f"Wrote {len(written)} files ({size / 1024:.1f} KiB) to {args.dir}")
    print(f"Version {site.version}")
    print("Host this folder on any static HTTPS site (docs/DEPLOY.md, 'The pocket web app').")
    return 0
