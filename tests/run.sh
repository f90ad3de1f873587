#!/usr/bin/env bash
# The one test command (`make test`). It installs everything the tests need on a fresh machine
# (Debian packages, the Python venv, npm tools), then runs ruff, the Node tests and pytest inside
# a throwaway D-Bus session with a real, unlocked gnome-keyring and a virtual X display.
# Extra arguments go to pytest (e.g. `make test ARGS="-k vault"`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# 1. Debian packages: the real browser, X server, keyring daemon and Qt's libraries.
DEB_PACKAGES=(chromium xvfb xauth gnome-keyring dbus dbus-x11 libsecret-tools
  libxcb-icccm4 libxcb-keysyms1 libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6
  libxkbfile1 libxkbcommon-x11-0 libasound2 libdbus-1-3 libfontconfig1 libegl1 libgl1 libgbm1
  libx11-xcb1 libxcb-cursor0 libxcb-render-util0 libxcb-shape0 libglib2.0-0 fonts-dejavu-core
  firefox-esr)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 1b. Firefox ESR must be at least the manifest's strict_min_version. Debian 12's main archive
# has an older ESR than the security archive: apt picks the newest it knows (check with
# `apt-cache policy firefox-esr`), so an old one means `apt-get update` then upgrade.
need_ff=$(python3 -c 'import json; print(json.load(open("extension/manifest.json"))["browser_specific_settings"]["gecko"]["strict_min_version"])')
have_ff=$(firefox-esr --version | grep -oE '[0-9]+(\.[0-9]+)+' | head -1)
if [ "$(printf '%s\n%s\n' "$need_ff" "$have_ff" | sort -V | head -1)" != "$need_ff" ]; then
  echo "Firefox ESR $have_ff is older than the manifest's strict_min_version $need_ff; upgrading."
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends firefox-esr >/dev/null
  have_ff=$(firefox-esr --version | grep -oE '[0-9]+(\.[0-9]+)+' | head -1)
  if [ "$(printf '%s\n%s\n' "$need_ff" "$have_ff" | sort -V | head -1)" != "$need_ff" ]; then
    echo "Firefox ESR $have_ff is still older than $need_ff: enable the security archive." >&2
    exit 1
  fi
fi

# 2. Python: a venv with Waymark, its window toolkit and the test tools.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[gui,test]'

# 3. npm tools, pinned by package-lock.json: web-ext and addons-linter (Mozilla's linters),
# puppeteer-core (drives Firefox over WebDriver BiDi; never `puppeteer`, whose install step
# downloads a browser) and esbuild (bundles the packaged popup).
if [ -f package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# 4. Lint and format.
.venv/bin/ruff check .
.venv/bin/ruff format --check .

# 5. The extension's own unit tests in Node's test runner (in CI a skipped or todo test fails).
if compgen -G "tests/js/*.test.mjs" >/dev/null; then
  .venv/bin/python -m tests.support.node_tests tests/js/
fi

# 6. pytest with a real Secret Service and a virtual display, in a throwaway HOME.
SANDBOX=$(mktemp -d /tmp/waymark-test.XXXXXX)
trap 'rm -rf "$SANDBOX"' EXIT
mkdir -p "$SANDBOX/home" "$SANDBOX/run" "$ROOT/test-artifacts"
chmod 700 "$SANDBOX/run"
export HOME="$SANDBOX/home" XDG_DATA_HOME="$SANDBOX/home/.local/share" \
  XDG_CONFIG_HOME="$SANDBOX/home/.config" XDG_CACHE_HOME="$SANDBOX/home/.cache" \
  XDG_RUNTIME_DIR="$SANDBOX/run" WAYMARK_TEST_SANDBOX="$SANDBOX" PYTHONDONTWRITEBYTECODE=1
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
export WAYMARK_ROOT="$ROOT"
dbus-run-session -- bash -c '
  set -e
  echo -n waymark-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$WAYMARK_ROOT/.venv/bin/pytest" \
    --basetemp="$WAYMARK_TEST_SANDBOX/pytest" "$@"
' waymark-tests "$@"
