#!/usr/bin/env bash
# `waymark bench` where every figure can be measured: inside a throwaway D-Bus session with a
# real, unlocked gnome-keyring (for "vault: save with the real keyring") and a virtual display
# (for "web: waymark open (window) to the first question"), in a throwaway HOME. Without them
# those figures are reported as not measured and the run exits 1. Needs what `make test`
# installs (gnome-keyring, dbus, xvfb, chromium). Extra arguments go to `waymark bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SANDBOX=$(mktemp -d /tmp/waymark-bench.XXXXXX)
trap 'rm -rf "$SANDBOX"' EXIT
mkdir -p "$SANDBOX/home" "$SANDBOX/run"
chmod 700 "$SANDBOX/run"
export HOME="$SANDBOX/home" XDG_RUNTIME_DIR="$SANDBOX/run" WAYMARK_ROOT="$ROOT"
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
dbus-run-session -- bash -c '
  set -e
  echo -n waymark-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$WAYMARK_ROOT/.venv/bin/waymark" bench "$@"
' waymark-bench "$@"
