#!/usr/bin/env bash
# Install the .deb that build.sh made, try the installed app the way a user would, remove it.
#   1. apt installs it (pulling its Depends); 2. --self-test; 3. the CLI against the installed
#   app's own emulator, keeping a sign-in in a real keychain (packaging/cli-smoke.sh, the same
#   script the Windows and macOS jobs run); 4. the installed app under Xvfb with a real tray host
#   (the end-to-end test); 5. dpkg removes it and nothing of it is left.
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=$(ls -t dist/zomro-tray_*.deb | head -1)
export DEBIAN_FRONTEND=noninteractive

echo "== install $deb"
apt-get install -y -qq "./$deb" >/dev/null
test -x /usr/bin/zomro-tray && test -f /usr/share/applications/zomro-tray.desktop
test -f /usr/share/icons/hicolor/48x48/apps/zomro-tray.png

echo "== self-test of the installed app"
env -u DISPLAY /usr/bin/zomro-tray --self-test

echo "== the installed CLI, with a real keychain (gnome-keyring over the Secret Service)"
sandbox=$(mktemp -d)
trap 'rm -rf "$sandbox"' EXIT
mkdir -p "$sandbox/home" "$sandbox/runtime" && chmod 700 "$sandbox/runtime"
HOME="$sandbox/home" XDG_RUNTIME_DIR="$sandbox/runtime" env -u DISPLAY dbus-run-session -- bash -euc '
  eval "$(printf %s smoke | gnome-keyring-daemon --unlock --components=secrets | sed "s/^/export /")"
  /usr/bin/zomro-tray --self-test | grep "in use: keyring.backends.SecretService"
  packaging/cli-smoke.sh /usr/bin/zomro-tray' 2>&1 | grep -v "fd limit"

echo "== the installed app in a real tray (Xvfb + trayer)"
ZOMRO_E2E_COMMAND=/usr/bin/zomro-tray tests/run -q tests/test_e2e_x11.py

echo "== remove"
dpkg -r zomro-tray >/dev/null
for left in /opt/zomro-tray /usr/bin/zomro-tray /usr/share/applications/zomro-tray.desktop \
            /usr/share/icons/hicolor/48x48/apps/zomro-tray.png; do
  if [ -e "$left" ]; then echo "left behind after removal: $left" >&2; exit 1; fi
done
echo "installed, used and removed cleanly"
