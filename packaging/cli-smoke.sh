#!/usr/bin/env bash
# The frozen app's command line against its own emulator, on any system (Git Bash on Windows):
#   packaging/cli-smoke.sh PATH/TO/EXECUTABLE
# 1. `EXECUTABLE emulator` on a free loopback port; 2. `services --json` with ZOMRO_TOKEN lists
# the demo account's five servers; 3. `login` (token on stdin) keeps the sign-in in the system
# keychain, `services` works without ZOMRO_TOKEN, and so does the tray's keychain helper
# (`--read-keychain-for-the-tray`), `accounts` sees it, `logout` removes it.
set -euo pipefail
app=$1
log=$(mktemp)
python=$(command -v python3 || command -v python)
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port/"
"$app" emulator --port "$port" >"$log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 150); do grep -q "ZOMRO_TOKEN=" "$log" && break; sleep 0.2; done
token=$(grep -o 'ZOMRO_TOKEN=[0-9a-f]*' "$log" | cut -d= -f2)
[ -n "$token" ] || { echo "the emulator did not start:" >&2; cat "$log" >&2; exit 1; }

count=$(ZOMRO_TOKEN=$token "$app" --api-url "$url" services --json | grep -c '"status"')
echo "services --json: $count servers"
[ "$count" -eq 5 ]

unset ZOMRO_TOKEN
echo "$token" | "$app" --api-url "$url" login
"$app" --api-url "$url" services | grep -q "web-1"
echo "services from the keychain's sign-in: ok"
# The tray reads the keychain through this executable started once more (zomro_tray/store/keychain.py),
# every account's entry at once; the first account's is "credentials".
"$app" --read-keychain-for-the-tray credentials | grep -q '"credentials": "' || {
  echo "the tray's keychain helper read no sign-in" >&2; exit 1; }
echo "the tray's keychain helper: ok"
"$app" accounts --json | grep -q '"sign_in_stored": true' || {
  echo "accounts does not see the stored sign-in" >&2; exit 1; }
echo "accounts: ok"
"$app" logout
if "$app" --api-url "$url" services >/dev/null 2>&1; then
  echo "still signed in after logout" >&2; exit 1
fi
echo "CLI smoke test passed: $app"
