#!/usr/bin/env bash
# GNOME: gnome-shell 43 as the X11 compositor of an Xvfb display (--x11 --replace), with the
# AppIndicator/KStatusNotifierItem extension (gnome-shell-extension-appindicator) enabled in a
# private dconf, in a private D-Bus session plus a private stand-in "system bus" (the shell
# aborts at start-up without a system bus to connect to). xdotool drives the pointer, ImageMagick
# takes the screenshots. Finds the icon in the top bar by diffing screenshots, right-clicks it,
# then left-clicks it.
# MODE=wayland instead runs `gnome-shell --headless --virtual-monitor 1024x768 --wayland` (the
# default GNOME session today) with the app on QT_QPA_PLATFORM=wayland; screenshots through
# org.gnome.Shell.Screenshot and clicks through org.gnome.Mutter.RemoteDesktop (gnome_remote.py).
#
#   gnome-shot.sh APP [ARGS...]      e.g. gnome-shot.sh zomro-tray --demo
#   env: OUT=dir (default ${TMPDIR:-/tmp}/desktops-out/gnome-TIMESTAMP)  ID=regex of the item's Id
#        CLICK=regex: with the shell's menu open, click that entry over D-Bus; screenshot WATCH s later
#        MODE=x11 (default) | wayland
# Exit: 0 icon shown; 1 no SNI item or nothing drawn in the top bar; 2 missing tools.
# Needs: apt-get install --no-install-recommends gnome-shell gnome-shell-extension-appindicator \
#        libgl1-mesa-dri xvfb xdotool imagemagick python3-dbus-next dbus-x11 bc
set -uo pipefail
RECIPES=$(cd "$(dirname "$0")" && pwd); export RECIPES
EXT=ubuntu-appindicators@ubuntu.com
if [ -z "${SNI_INNER:-}" ]; then
  [ $# -gt 0 ] || { sed -n 2,15p "$0"; exit 2; }
  for tool in gnome-shell gsettings xdotool import convert dbus-run-session dbus-daemon bc; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see Needs: in $0)" >&2; exit 2; }
  done
  [ -d "/usr/share/gnome-shell/extensions/$EXT" ] || { echo "missing gnome-shell-extension-appindicator" >&2; exit 2; }
  /usr/bin/python3 -c 'import dbus_next' 2>/dev/null || { echo "missing python3-dbus-next" >&2; exit 2; }
  [ "${MODE:-x11}" = wayland ] || command -v Xvfb >/dev/null || { echo "missing Xvfb" >&2; exit 2; }
  export OUT=${OUT:-${TMPDIR:-/tmp}/desktops-out/gnome-${MODE:-x11}-$(date +%Y%m%d-%H%M%S)}
  export SANDBOX=$OUT/sandbox
  mkdir -p "$SANDBOX/home" "$SANDBOX/runtime" "$SANDBOX/tmp"; chmod 700 "$SANDBOX/runtime"
  # No notification daemon belongs to this desktop here; without this, the session bus would
  # activate whatever one is installed (Plasma's helper waits ~30 s for a name, holding the run).
  mkdir -p "$SANDBOX/home/.local/share/dbus-1/services"
  printf '[D-BUS Service]\nName=org.freedesktop.Notifications\nExec=/bin/false\n' \
    >"$SANDBOX/home/.local/share/dbus-1/services/org.freedesktop.Notifications.service"
  # Exported before the bus starts: dconf-service (where gsettings writes) and the shell's other
  # helpers are started by D-Bus activation, with the bus's environment.
  unset DISPLAY WAYLAND_DISPLAY
  export HOME=$SANDBOX/home XDG_CONFIG_HOME=$SANDBOX/home/.config XDG_CACHE_HOME=$SANDBOX/home/.cache
  export XDG_DATA_HOME=$SANDBOX/home/.local/share XDG_RUNTIME_DIR=$SANDBOX/runtime NO_AT_BRIDGE=1
  export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$SANDBOX/runtime/system_bus_socket
  start=$(date +%s.%N)
  SNI_INNER=1 dbus-run-session -- "$0" "$@" 2>&1 | grep -v -E "Failed to set fd limit|dbus-daemon\[" | tee "$OUT/run.log"
  rc=${PIPESTATUS[0]}
  echo "run took $(source "$RECIPES/lib.sh"; elapsed "$start") s; output in $OUT" | tee -a "$OUT/run.log"
  exit "$rc"
fi

# --- inside the private D-Bus session ------------------------------------------------------
source "$RECIPES/lib.sh"
trap cleanup EXIT
remote() { /usr/bin/python3 "$RECIPES/gnome_remote.py" send "$XDG_RUNTIME_DIR/remote.sock" "$@" >/dev/null; }
if [ "${MODE:-x11}" = wayland ]; then
  shot() { remote shot "$1"; }
  click() { remote click "$1" "$2" "$3"; }
  escape() { remote key 0xff1b; remote click 600 740 left; }  # Escape, then a click on empty space
  hover() { remote move "$1" "$2"; }
  platform=(env QT_QPA_PLATFORM=wayland WAYLAND_DISPLAY=wayland-0)
  shell=(gnome-shell --headless --virtual-monitor 1024x768 --wayland --no-x11)
else
  shot() { import -window root "$1"; }
  click() { xdotool mousemove "$1" "$2" click "$([ "$3" = right ] && echo 3 || echo 1)"; }
  escape() { xdotool key Escape; }
  hover() { xdotool mousemove "$1" "$2"; }
  platform=(env QT_QPA_PLATFORM=xcb)
  shell=(gnome-shell --x11 --replace --sm-disable)
fi
# leave_overview: the shell starts in its Overview, which swallows clicks on the top bar; its
# D-Bus property OverviewActive closes it (waits until the shell says it is closed)
overview_active() {
  dbus-send --session --print-reply --dest=org.gnome.Shell /org/gnome/Shell \
    org.freedesktop.DBus.Properties.Get string:org.gnome.Shell string:OverviewActive 2>/dev/null \
    | grep -q "boolean true"
}
leave_overview() {
  local i
  for ((i=0; i<50; i++)); do
    overview_active || return 0
    dbus-send --session --type=method_call --dest=org.gnome.Shell /org/gnome/Shell \
      org.freedesktop.DBus.Properties.Set string:org.gnome.Shell string:OverviewActive \
      variant:boolean:false 2>/dev/null
    sleep 0.2
  done
  echo "note: the Overview did not close"
}
# a private, empty "system bus": no logind, polkit, upower... the shell logs and carries on
dbus-daemon --session --nofork --address="$DBUS_SYSTEM_BUS_ADDRESS" >"$OUT/system-bus.log" 2>&1 & pids+=($!)
# the shell gives up at start if that bus is not there yet (seen on a loaded machine)
for _ in $(seq 100); do [ -S "${DBUS_SYSTEM_BUS_ADDRESS#unix:path=}" ] && break; sleep 0.1; done
[ "${MODE:-x11}" = wayland ] || start_xvfb 1024x768x24
dbus-update-activation-environment DISPLAY DBUS_SYSTEM_BUS_ADDRESS 2>/dev/null
# A test-only extension that leaves the Overview the shell starts in (Escape over the remote
# session does not always reach it); it lives in the sandbox's data folder only.
NOOV=no-overview@zomro-tray.test
mkdir -p "$XDG_DATA_HOME/gnome-shell/extensions/$NOOV"
cat >"$XDG_DATA_HOME/gnome-shell/extensions/$NOOV/metadata.json" <<JSON
{"uuid": "$NOOV", "name": "No overview at start-up (test)", "description": "test only",
 "shell-version": ["43", "44"]}
JSON
cat >"$XDG_DATA_HOME/gnome-shell/extensions/$NOOV/extension.js" <<'JS'
// The shell opens the Overview at the end of its start-up when the session mode has one:
// say it has none until start-up is complete.
const Main = imports.ui.main;
function init() {}
function enable() {
  if (!Main.layoutManager._startingUp) {
    Main.overview.hide();
    return;
  }
  const hadOverview = Main.sessionMode.hasOverview;
  Main.sessionMode.hasOverview = false;
  Main.layoutManager.connect('startup-complete', () => {
    Main.sessionMode.hasOverview = hadOverview;
  });
}
function disable() {}
JS
gsettings set org.gnome.shell enabled-extensions "['$EXT', '$NOOV']"
gsettings set org.gnome.shell disable-extension-version-validation true
gsettings set org.gnome.desktop.interface enable-animations false
# gnome_remote.py homes the pointer in the top-left corner before each move: GNOME's hot corner
# there opens the Overview, which then swallows the clicks on the top bar
gsettings set org.gnome.desktop.interface enable-hot-corners false
t0=$(date +%s.%N)
"${shell[@]}" >"$OUT/shell.log" 2>&1 & pids+=($!)
wait_name org.kde.StatusNotifierWatcher 60 || { echo "FAIL: the extension's SNI watcher did not start"; tail "$OUT/shell.log"; exit 1; }
echo "gnome-shell (${MODE:-x11}) + extension up after $(elapsed "$t0") s"
if [ "${MODE:-x11}" = wayland ]; then
  # one remote-desktop session for the whole run: its indicator moves the icons in the top bar
  /usr/bin/python3 "$RECIPES/gnome_remote.py" serve "$XDG_RUNTIME_DIR/remote.sock" >"$OUT/remote.log" 2>&1 & pids+=($!)
  for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/remote.sock" ] && break; sleep 0.1; done
fi
sleep 2; escape; leave_overview; sleep 1   # leave the overview the shell starts in
shot "$OUT/before.png"

t0=$(date +%s.%N)
start_app "$OUT/app.log" "${platform[@]}" "$@"
if ! item=$(probe wait --timeout 30); then
  echo "FAIL: no StatusNotifierItem within 30 s"; tail -5 "$OUT/app.log"; exit 1
fi
echo "SNI item $item after $(elapsed "$t0") s"
box=""
for _ in $(seq 30); do   # the right of the top bar only: the clock in the middle changes
  sleep 0.5; shot "$OUT/tray.png"
  box=$(changed_box "$OUT/before.png" "$OUT/tray.png" 384x32+640+0) && break
done
[ -n "$box" ] || { echo "FAIL: the item registered but nothing appeared in the top bar"; exit 1; }
read -r w h x y <<<"$box"; cx=$((x + w / 2)); cy=$((y + h / 2))
echo "icon drawn at ${w}x${h}+${x}+${y} after $(elapsed "$t0") s"
sleep "${SETTLE:-3}"; shot "$OUT/tray.png"
convert "$OUT/tray.png" -crop "$((w + 24))x32+$((x - 12))+0" +repage -scale 400% "$OUT/icon-zoom.png"
probe dump >"$OUT/properties.json"
probe menu --no-about-to-show >"$OUT/menu-before.txt"  # the first menu a host reads

echo "--- right-click: the shell's menu"
leave_overview
click "$cx" "$cy" right; sleep 1.5
shot "$OUT/menu.png"
if [ -n "${CLICK:-}" ]; then
  echo "--- with the menu open, click '$CLICK' over D-Bus; the open menu ${WATCH:-10} s later:"
  probe click "$CLICK" --watch "${WATCH:-10}" | grep -v -E "NewIcon|NewToolTip"
  shot "$OUT/menu-open-later.png"
fi
escape; sleep 0.8
echo "--- right-click again"
click "$cx" "$cy" right; sleep 1.5
shot "$OUT/menu-again.png"
escape; sleep 0.8
echo "--- left-click"
click "$cx" "$cy" left; sleep 1.5
shot "$OUT/left-click.png"
escape; sleep 0.5
echo "--- hover (tooltip)"
hover "$cx" "$((cy + 1))"; sleep 2.5
shot "$OUT/hover.png"
[ "${MODE:-x11}" = wayland ] && remote quit
echo "--- app log"; tail -n 8 "$OUT/app.log"
echo "PASS: icon shown in the GNOME Shell top bar"
