#!/usr/bin/env bash
# XFCE: xfce4-panel 4.18 (systray plugin: XEmbed + StatusNotifierItem, with its own SNI watcher)
# on Xvfb, in a private D-Bus session, no window manager. Starts the app, waits for its SNI item,
# finds the icon in the panel by diffing screenshots, right-clicks it (the panel's own GTK menu,
# built from the app's DBusMenu), then left-clicks it (SNI Activate). Screenshots in $OUT.
#
#   xfce-shot.sh APP [ARGS...]        e.g. xfce-shot.sh zomro-tray --demo
#   env: OUT=dir (default ${TMPDIR:-/tmp}/desktops-out/xfce-TIMESTAMP)  ID=regex of the item's Id
#        CLICK=regex: with the panel's menu open, click that entry over D-Bus and screenshot
#        the open menu WATCH seconds later (does the open menu follow the app?)
# Exit: 0 icon shown; 1 no SNI item or nothing drawn in the panel; 2 missing tools.
# Needs: apt-get install --no-install-recommends xfce4-panel xfconf dbus-x11 adwaita-icon-theme \
#        xvfb xdotool imagemagick python3-dbus-next bc
set -uo pipefail
RECIPES=$(cd "$(dirname "$0")" && pwd); export RECIPES
if [ -z "${SNI_INNER:-}" ]; then
  [ $# -gt 0 ] || { sed -n 2,14p "$0"; exit 2; }
  for tool in Xvfb xfce4-panel xdotool import convert dbus-run-session bc; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see Needs: in $0)" >&2; exit 2; }
  done
  /usr/bin/python3 -c 'import dbus_next' 2>/dev/null || { echo "missing python3-dbus-next" >&2; exit 2; }
  export OUT=${OUT:-${TMPDIR:-/tmp}/desktops-out/xfce-$(date +%Y%m%d-%H%M%S)}
  export SANDBOX=$OUT/sandbox
  mkdir -p "$SANDBOX/home/.config/xfce4/xfconf/xfce-perchannel-xml" "$SANDBOX/runtime" "$SANDBOX/tmp"
  chmod 700 "$SANDBOX/runtime"
  # No notification daemon belongs to this desktop here; without this, the session bus would
  # activate whatever one is installed (Plasma's helper waits ~30 s for a name, holding the run).
  mkdir -p "$SANDBOX/home/.local/share/dbus-1/services"
  printf '[D-BUS Service]\nName=org.freedesktop.Notifications\nExec=/bin/false\n' \
    >"$SANDBOX/home/.local/share/dbus-1/services/org.freedesktop.Notifications.service"
  cp "$RECIPES/xfce/xfce4-panel.xml" "$SANDBOX/home/.config/xfce4/xfconf/xfce-perchannel-xml/"
  # Exported before the bus starts: xfconfd is started by D-Bus activation, with the bus's
  # environment, and must read this panel layout, not the user's.
  export HOME=$SANDBOX/home XDG_CONFIG_HOME=$SANDBOX/home/.config XDG_RUNTIME_DIR=$SANDBOX/runtime
  export XDG_CACHE_HOME=$SANDBOX/home/.cache XDG_DATA_HOME=$SANDBOX/home/.local/share NO_AT_BRIDGE=1
  start=$(date +%s.%N)
  SNI_INNER=1 dbus-run-session -- "$0" "$@" 2>&1 | grep -v -E "Failed to set fd limit|dbus-daemon\[" | tee "$OUT/run.log"
  rc=${PIPESTATUS[0]}
  echo "run took $(source "$RECIPES/lib.sh"; elapsed "$start") s; output in $OUT" | tee -a "$OUT/run.log"
  exit "$rc"
fi

# --- inside the private D-Bus session ------------------------------------------------------
source "$RECIPES/lib.sh"
trap cleanup EXIT
start_xvfb 1024x768x24
dbus-update-activation-environment DISPLAY 2>/dev/null
xfce4-panel --disable-wm-check >"$OUT/panel.log" 2>&1 & pids+=($!)
wait_name org.kde.StatusNotifierWatcher 20 || { echo "FAIL: the panel's SNI watcher did not start"; exit 1; }
wait_name org.xfce.Panel 5
sleep 2  # the panel draws itself
import -window root "$OUT/before.png"

t0=$(date +%s.%N)
start_app "$OUT/app.log" "$@"
if ! item=$(probe wait --timeout 30); then
  echo "FAIL: no StatusNotifierItem within 30 s"; tail -5 "$OUT/app.log"; exit 1
fi
echo "SNI item $item after $(elapsed "$t0") s"
box=""
for _ in $(seq 30); do
  sleep 0.5; import -window root "$OUT/tray.png"
  box=$(changed_box "$OUT/before.png" "$OUT/tray.png" 1024x40+0+0) && break
done
[ -n "$box" ] || { echo "FAIL: the item registered but nothing appeared in the panel"; exit 1; }
read -r w h x y <<<"$box"; cx=$((x + w / 2)); cy=$((y + h / 2))
echo "icon drawn at ${w}x${h}+${x}+${y} after $(elapsed "$t0") s"
sleep "${SETTLE:-3}"; import -window root "$OUT/tray.png"
convert "$OUT/tray.png" -crop "$((w + 16))x$((h + 16))+$((x - 8))+$((y - 8))" +repage -scale 400% "$OUT/icon-zoom.png"
probe dump >"$OUT/properties.json"
probe menu --no-about-to-show >"$OUT/menu-before.txt"  # the first menu a host reads

echo "--- right-click: the panel's menu"
xdotool mousemove "$cx" "$cy" click 3; sleep 1.5
import -window root "$OUT/menu.png"
menu_box=$(changed_box "$OUT/tray.png" "$OUT/menu.png") && echo "menu drawn at $menu_box" || echo "no menu appeared"
if [ -n "${CLICK:-}" ]; then
  echo "--- with the menu open, click '$CLICK' over D-Bus; the open menu ${WATCH:-10} s later:"
  probe click "$CLICK" --watch "${WATCH:-10}" | grep -v -E "NewIcon|NewToolTip"
  import -window root "$OUT/menu-open-later.png"
fi
xdotool key Escape; sleep 0.5
echo "--- right-click again (the app has synced its menu by now)"
xdotool mousemove "$cx" "$cy" click 3; sleep 1.5
import -window root "$OUT/menu-again.png"
xdotool key Escape; sleep 0.5

echo "--- left-click (SNI Activate)"
xdotool mousemove "$cx" "$cy" click 1; sleep 1.5
import -window root "$OUT/left-click.png"
changed_box "$OUT/tray.png" "$OUT/left-click.png" 1024x728+0+40 >/dev/null \
  && echo "left-click opened something (see left-click.png)" || echo "left-click showed nothing"
xdotool key Escape
echo "--- app log"; tail -n 8 "$OUT/app.log"
echo "PASS: icon shown in xfce4-panel"
