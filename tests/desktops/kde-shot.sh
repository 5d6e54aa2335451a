#!/usr/bin/env bash
# KDE: plasmashell 5.27 or 6 (Debian 12 or 13 plasma-workspace + plasma-desktop-data for the
# desktop shell package and its default panel) on Xvfb, no window manager, in a private D-Bus
# session, with kded5 or kded6, whichever the Plasma has (its statusnotifierwatcher module is
# the SNI watcher; the panel's system tray is the
# host and draws SNI menus as Qt menus imported over DBusMenu). Starts the app, waits for its SNI
# item, finds the icon in the bottom panel by diffing screenshots, right-clicks it (Plasma's
# menu), then left-clicks it (SNI Activate). Screenshots in $OUT.
#
#   kde-shot.sh APP [ARGS...]        e.g. kde-shot.sh zomro-tray --demo
#   env: OUT=dir (default ${TMPDIR:-/tmp}/desktops-out/kde-TIMESTAMP)  ID=regex of the item's Id
#        CLICK=regex: with Plasma's menu open, click that entry over D-Bus and screenshot
#        the open menu WATCH seconds later (does the open menu follow the app?)
# Exit: 0 icon shown; 1 no SNI item or nothing drawn in the panel; 2 missing tools.
# Needs: apt-get install --no-install-recommends plasma-workspace plasma-desktop-data \
#        libgl1-mesa-dri xvfb xdotool imagemagick python3-dbus-next bc
# Gotchas: plasma-workspace alone has no shell package (plasmashell loads nothing): add
# plasma-desktop-data. kded5 autoloads statusnotifierwatcher only with KDE_FULL_SESSION=true AND
# KDE_SESSION_VERSION=5 (else: loadModule over D-Bus, done below as a fallback). The default
# panel's kickoff/pager/task manager show placeholders (their QML plugins are in plasma-desktop):
# harmless. A new tray item pushes the items to its right and the clock along, so the icon is
# the left end of what changed. xwininfo -root -children lists windows top-most first.
set -uo pipefail
RECIPES=$(cd "$(dirname "$0")" && pwd); export RECIPES
if [ -z "${SNI_INNER:-}" ]; then
  [ $# -gt 0 ] || { sed -n 2,15p "$0"; exit 2; }
  KDED=$(command -v kded6 || command -v kded5) || { echo "missing kded6 or kded5 (see Needs: in $0)" >&2; exit 2; }
  for tool in Xvfb plasmashell xdotool import convert dbus-run-session dbus-send bc; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see Needs: in $0)" >&2; exit 2; }
  done
  [ -d /usr/share/plasma/shells/org.kde.plasma.desktop ] || { echo "missing plasma-desktop-data (the desktop shell package)" >&2; exit 2; }
  /usr/bin/python3 -c 'import dbus_next' 2>/dev/null || { echo "missing python3-dbus-next" >&2; exit 2; }
  export OUT=${OUT:-${TMPDIR:-/tmp}/desktops-out/kde-$(date +%Y%m%d-%H%M%S)}
  export SANDBOX=$OUT/sandbox
  mkdir -p "$SANDBOX/home" "$SANDBOX/runtime" "$SANDBOX/tmp"; chmod 700 "$SANDBOX/runtime"
  # Exported before the bus starts: kactivitymanagerd, kscreen, kglobalaccel... are started by
  # D-Bus activation with the bus's environment. KDE_FULL_SESSION + KDE_SESSION_VERSION=5 make
  # kded5 autoload its phase-1 modules, statusnotifierwatcher among them.
  unset DISPLAY WAYLAND_DISPLAY
  export HOME=$SANDBOX/home XDG_CONFIG_HOME=$SANDBOX/home/.config XDG_CACHE_HOME=$SANDBOX/home/.cache
  export XDG_DATA_HOME=$SANDBOX/home/.local/share XDG_RUNTIME_DIR=$SANDBOX/runtime NO_AT_BRIDGE=1
  export QT_QPA_PLATFORM=xcb LIBGL_ALWAYS_SOFTWARE=1 XDG_CURRENT_DESKTOP=KDE XDG_SESSION_TYPE=x11
  KDE_SESSION_VERSION=${KDED##*kded}  # 5 or 6: the Plasma this kded belongs to
  export KDE_FULL_SESSION=true KDE_SESSION_VERSION KDED
  start=$(date +%s.%N)
  SNI_INNER=1 dbus-run-session -- "$0" "$@" 2>&1 | grep -v -E "Failed to set fd limit|dbus-daemon\[|X11 connection broke|X connection to|XIO: +fatal|^ +after [0-9]+ requests|^kscreen\." | tee "$OUT/run.log"
  rc=${PIPESTATUS[0]}
  echo "run took $(source "$RECIPES/lib.sh"; elapsed "$start") s; output in $OUT" | tee -a "$OUT/run.log"
  exit "$rc"
fi

# --- inside the private D-Bus session ------------------------------------------------------
source "$RECIPES/lib.sh"
trap cleanup EXIT
# window_at X Y: "GEOMETRY PID COMM" of the topmost viewable top-level window at X,Y
# (xwininfo lists the root's children top-most first; PID from _NET_WM_PID)
window_at() {
  local id geo w h x y pid
  while read -r id geo; do
    IFS='x+' read -r w h x y <<<"$geo"
    [ "$1" -ge "$x" ] && [ "$1" -lt $((x + w)) ] && [ "$2" -ge "$y" ] && [ "$2" -lt $((y + h)) ] || continue
    xwininfo -id "$id" 2>/dev/null | grep -q IsViewable || continue
    pid=$(xprop -id "$id" _NET_WM_PID 2>/dev/null | grep -o '[0-9]*$')
    echo "$geo ${pid:-?} $( [ -n "$pid" ] && ps -o comm= -p "$pid")"
    [ $((y + h)) -gt 768 ] && echo "   (the window runs $((y + h - 768)) px below the screen's bottom edge)"
    return
  done < <(xwininfo -root -children 2>/dev/null | sed -n -E 's/^ +(0x[0-9a-f]+) .* ([0-9]+x[0-9]+\+-?[0-9]+\+-?[0-9]+) +\+.*/\1 \2/p')
  echo "none"
}
# windows: every viewable top-level window but the full-screen desktop: "GEOMETRY PID COMM"
windows() {
  local id geo pid
  while read -r id geo; do
    [ "${geo%%+*}" = 1024x768 ] && continue
    xwininfo -id "$id" 2>/dev/null | grep -q IsViewable || continue
    pid=$(xprop -id "$id" _NET_WM_PID 2>/dev/null | grep -o '[0-9]*$')
    echo "   $geo ${pid:-?} $( [ -n "$pid" ] && ps -o comm= -p "$pid")"
  done < <(xwininfo -root -children 2>/dev/null | sed -n -E 's/^ +(0x[0-9a-f]+) .* ([0-9]+x[0-9]+\+-?[0-9]+\+-?[0-9]+) +\+.*/\1 \2/p')
}
host_registered() {
  dbus-send --session --print-reply --dest=org.kde.StatusNotifierWatcher /StatusNotifierWatcher \
    org.freedesktop.DBus.Properties.Get string:org.kde.StatusNotifierWatcher \
    string:IsStatusNotifierHostRegistered 2>/dev/null | grep -q "boolean true"
}
start_xvfb 1024x768x24
dbus-update-activation-environment DISPLAY 2>/dev/null
t0=$(date +%s.%N)
KDED_NAME=org.kde.$(basename "$KDED")  # org.kde.kded5 or org.kde.kded6: its bus name and interface
"$KDED" >"$OUT/kded.log" 2>&1 & pids+=($!)
plasmashell --no-respawn >"$OUT/plasma.log" 2>&1 & pids+=($!)
wait_name "$KDED_NAME" 20 && ! wait_name org.kde.StatusNotifierWatcher 5 && \
  dbus-send --session --dest="$KDED_NAME" /kded "$KDED_NAME.loadModule" string:statusnotifierwatcher
wait_name org.kde.StatusNotifierWatcher 20 || { echo "FAIL: $(basename "$KDED")'s SNI watcher did not start"; tail "$OUT/kded.log"; exit 1; }
for _ in $(seq 900); do host_registered && break; sleep 0.1; done
host_registered || { echo "FAIL: Plasma's system tray did not register as an SNI host"; tail "$OUT/plasma.log"; exit 1; }
echo "watcher + Plasma's tray (SNI host) up after $(elapsed "$t0") s"
# the panel (bottom, 44 px by default) is drawn when two shots 1 s apart agree
PANEL=1024x48+0+720
prev=""
for _ in $(seq 60); do
  sleep 1; import -window root "$OUT/before.png"
  sum=$(convert "$OUT/before.png" -crop "$PANEL" +repage -format '%#' info:)
  [ "$sum" = "$prev" ] && [ "$(convert "$OUT/before.png" -crop "$PANEL" +repage -format '%[fx:mean>0.1]' info:)" = 1 ] && break
  prev=$sum
done
echo "panel drawn after $(elapsed "$t0") s"

t0=$(date +%s.%N)
start_app "$OUT/app.log" "$@"
if ! item=$(probe wait --timeout 30); then
  echo "FAIL: no StatusNotifierItem within 30 s"; tail -5 "$OUT/app.log"; exit 1
fi
echo "SNI item $item after $(elapsed "$t0") s"
box=""
for _ in $(seq 30); do
  sleep 0.5; import -window root "$OUT/tray.png"
  box=$(changed_box "$OUT/before.png" "$OUT/tray.png" "$PANEL") && break
done
[ -n "$box" ] || { echo "FAIL: the item registered but nothing appeared in the panel"; exit 1; }
# A new tray item pushes the items to its right (and the clock) along: the icon is at the
# left edge of what changed, an icon-sized square.
read -r w h x y <<<"$box"
echo "panel changed at ${w}x${h}+${x}+${y} after $(elapsed "$t0") s"
sleep "${SETTLE:-3}"; import -window root "$OUT/tray.png"
read -r w h x y <<<"$(changed_box "$OUT/before.png" "$OUT/tray.png" "$PANEL")"
cx=$((x + h / 2)); cy=$((y + h / 2))
echo "icon at about ${h}x${h}+${x}+${y} (centre $cx,$cy)"
convert "$OUT/tray.png" -crop "$((h + 16))x$((h + 16))+$((x - 8))+$((y - 8))" +repage -scale 400% "$OUT/icon-zoom.png"
convert "$OUT/tray.png" -crop "$PANEL" +repage "$OUT/panel.png"
probe dump >"$OUT/properties.json"
probe menu --no-about-to-show >"$OUT/menu-before.txt"  # the first menu a host reads

echo "--- right-click: Plasma's menu"
xdotool mousemove "$cx" "$cy" click 3; sleep 1.5
import -window root "$OUT/menu.png"
if menu_box=$(changed_box "$OUT/tray.png" "$OUT/menu.png" 1024x720+0+0); then
  read -r mw mh mx my <<<"$menu_box"
  echo "menu drawn at ${mw}x${mh}+${mx}+${my}, window: $(window_at $((mx + mw / 2)) $((my + mh / 2)))"
else echo "no menu appeared"; fi
if [ -n "${CLICK:-}" ]; then
  echo "--- with the menu open, click '$CLICK' over D-Bus; the open menu ${WATCH:-10} s later:"
  probe click "$CLICK" --watch "${WATCH:-10}" | grep -v -E "NewIcon|NewToolTip"
  import -window root "$OUT/menu-open-later.png"
  echo "windows on screen now (top-most first):"; windows
fi
xdotool key Escape; sleep 0.5
echo "--- right-click again (the app has synced its menu by now)"
xdotool mousemove "$cx" "$cy" click 3; sleep 1.5
import -window root "$OUT/menu-again.png"
if menu_box=$(changed_box "$OUT/tray.png" "$OUT/menu-again.png" 1024x720+0+0); then
  read -r mw mh mx my <<<"$menu_box"
  echo "menu drawn at ${mw}x${mh}+${mx}+${my}, window: $(window_at $((mx + mw / 2)) $((my + mh / 2)))"
else echo "no menu appeared"; fi
xdotool key Escape; sleep 0.5

echo "--- left-click (SNI Activate)"
xdotool mousemove "$cx" "$cy" click 1; sleep 1.5
import -window root "$OUT/left-click.png"
if lbox=$(changed_box "$OUT/tray.png" "$OUT/left-click.png" 1024x720+0+0); then
  read -r mw mh mx my <<<"$lbox"
  echo "left-click opened something at ${mw}x${mh}+${mx}+${my} (left-click.png), window: $(window_at $((mx + mw / 2)) $((my + mh / 2)))"
else echo "left-click showed nothing"; fi
xdotool key Escape; sleep 0.5
echo "--- hover (Plasma's tooltip)"
xdotool mousemove 600 300 sleep 0.3 mousemove "$cx" "$cy"; sleep 2.5
import -window root "$OUT/hover.png"
if tbox=$(changed_box "$OUT/tray.png" "$OUT/hover.png" 1024x720+0+0); then
  read -r mw mh mx my <<<"$tbox"
  echo "a tooltip appeared at ${mw}x${mh}+${mx}+${my} (hover.png), window: $(window_at $((mx + mw / 2)) $((my + mh / 2)))"
else echo "no tooltip appeared"; fi
echo "app PID $APP_PID, plasmashell PID ${pids[2]}"
echo "--- app log"; tail -n 8 "$OUT/app.log"
echo "PASS: icon shown in Plasma's system tray"
