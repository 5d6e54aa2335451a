#!/usr/bin/env bash
# Wayland: headless sway (wlroots headless backend, pixman renderer) + waybar's tray module (an
# SNI host/watcher; menus via libdbusmenu-gtk3) + wayvnc, whose virtual pointer gives the seat a
# pointer that rfb_pointer.py drives. The app runs with QT_QPA_PLATFORM=wayland. Finds the icon
# by diffing grim screenshots, right-clicks it (waybar's menu), left-clicks it (SNI Activate).
#
#   sway-shot.sh APP [ARGS...]      e.g. sway-shot.sh /opt/venv/bin/zomro-tray --demo
#   env: OUT=dir (default ${TMPDIR:-/tmp}/desktops-out/sway-TIMESTAMP)  ID=regex of the item's Id
#        CLICK=regex: with waybar's menu open, click that entry over D-Bus; screenshot WATCH s later
#        RUN_AS=uid (default 65534 when run as root: sway refuses to run as root)
# The app must be runnable by that user (a venv made from /usr/bin/python3, not from /root).
# Exit: 0 icon shown; 1 no SNI item or nothing drawn in the bar; 2 missing tools.
# Needs: apt-get install --no-install-recommends sway waybar grim wayvnc imagemagick \
#        python3-dbus-next dbus bc
set -uo pipefail
RECIPES=$(cd "$(dirname "$0")" && pwd); export RECIPES
if [ -z "${SNI_INNER:-}" ]; then
  [ $# -gt 0 ] || { sed -n 2,15p "$0"; exit 2; }
  for tool in sway waybar grim wayvnc convert dbus-run-session bc; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see Needs: in $0)" >&2; exit 2; }
  done
  /usr/bin/python3 -c 'import dbus_next' 2>/dev/null || { echo "missing python3-dbus-next" >&2; exit 2; }
  export OUT=${OUT:-${TMPDIR:-/tmp}/desktops-out/sway-$(date +%Y%m%d-%H%M%S)}
  export SANDBOX=$OUT/sandbox
  mkdir -p "$SANDBOX/home" "$SANDBOX/runtime" "$SANDBOX/tmp"; chmod 700 "$SANDBOX/runtime"
  # No notification daemon belongs to this desktop here; without this, the session bus would
  # activate whatever one is installed (Plasma's helper waits ~30 s for a name, holding the run).
  mkdir -p "$SANDBOX/home/.local/share/dbus-1/services"
  printf '[D-BUS Service]\nName=org.freedesktop.Notifications\nExec=/bin/false\n' \
    >"$SANDBOX/home/.local/share/dbus-1/services/org.freedesktop.Notifications.service"
  runas=()
  if [ "$(id -u)" = 0 ]; then
    uid=${RUN_AS:-65534}; chown -R "$uid" "$OUT"
    runas=(setpriv --reuid="$uid" --regid="$(id -g "$uid" 2>/dev/null || echo 65534)" --clear-groups)
  fi
  # Exported before the bus starts: D-Bus-activated helpers (a11y bus) inherit the bus's env.
  unset DISPLAY WAYLAND_DISPLAY SWAYSOCK
  export HOME=$SANDBOX/home XDG_CONFIG_HOME=$SANDBOX/home/.config XDG_CACHE_HOME=$SANDBOX/home/.cache
  export XDG_DATA_HOME=$SANDBOX/home/.local/share  # where the bus looks for the override above
  export XDG_RUNTIME_DIR=$SANDBOX/runtime NO_AT_BRIDGE=1
  export WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman
  script=$0
  if [ ${#runas[@]} -gt 0 ] && ! "${runas[@]}" test -r "$0"; then
    # A checkout in root's own home (/root is 0700): that user cannot read these scripts, so
    # it runs a copy of them in its own output folder.
    cp -r "$RECIPES" "$OUT/desktops" && chown -R "$uid" "$OUT/desktops"
    script=$OUT/desktops/$(basename "$0")
  fi
  start=$(date +%s.%N)
  "${runas[@]}" env SNI_INNER=1 dbus-run-session -- "$script" "$@" 2>&1 \
    | grep -v -E "Failed to set fd limit|dbus-daemon\[" | tee "$OUT/run.log"
  rc=${PIPESTATUS[0]}
  echo "run took $(source "$RECIPES/lib.sh"; elapsed "$start") s; output in $OUT" | tee -a "$OUT/run.log"
  exit "$rc"
fi

# --- inside the private D-Bus session, as the unprivileged user -----------------------------
source "$RECIPES/lib.sh"
trap cleanup EXIT
cd "$OUT"
pointer() { /usr/bin/python3 "$RECIPES/rfb_pointer.py" "$XDG_RUNTIME_DIR/vnc.sock" "$@"; }
sway -c "$RECIPES/sway/config" >"$OUT/sway.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do compgen -G "$XDG_RUNTIME_DIR/sway-ipc.*" >/dev/null && break; sleep 0.1; done
compgen -G "$XDG_RUNTIME_DIR/sway-ipc.*" >/dev/null || { echo "FAIL: sway did not start"; tail "$OUT/sway.log"; exit 1; }
SWAYSOCK=$(compgen -G "$XDG_RUNTIME_DIR/sway-ipc.*" | head -1)
WAYLAND_DISPLAY=$(basename "$(compgen -G "$XDG_RUNTIME_DIR/wayland-*" | grep -v lock | head -1)")
export SWAYSOCK WAYLAND_DISPLAY
waybar -c "$RECIPES/sway/waybar.json" -s "$RECIPES/sway/waybar.css" >"$OUT/waybar.log" 2>&1 & pids+=($!)
wayvnc -u "$XDG_RUNTIME_DIR/vnc.sock" >"$OUT/wayvnc.log" 2>&1 & pids+=($!)
wait_name org.kde.StatusNotifierWatcher 20 || { echo "FAIL: waybar's tray (SNI watcher) did not start"; tail "$OUT/waybar.log"; exit 1; }
for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/vnc.sock" ] && break; sleep 0.1; done
sleep 1.5
grim "$OUT/before.png"

t0=$(date +%s.%N)
start_app "$OUT/app.log" env QT_QPA_PLATFORM=wayland "$@"
if ! item=$(probe wait --timeout 30); then
  echo "FAIL: no StatusNotifierItem within 30 s"; tail -5 "$OUT/app.log"; exit 1
fi
echo "SNI item $item after $(elapsed "$t0") s"
box=""
for _ in $(seq 30); do
  sleep 0.5; grim "$OUT/tray.png"
  box=$(changed_box "$OUT/before.png" "$OUT/tray.png" 1024x30+0+0) && break
done
[ -n "$box" ] || { echo "FAIL: the item registered but nothing appeared in waybar"; exit 1; }
read -r w h x y <<<"$box"; cx=$((x + w / 2)); cy=$((y + h / 2))
echo "icon drawn at ${w}x${h}+${x}+${y} after $(elapsed "$t0") s"
sleep "${SETTLE:-3}"; grim "$OUT/tray.png"
convert "$OUT/tray.png" -crop "$((w + 16))x$((h + 16))+$((x - 8))+0" +repage -scale 400% "$OUT/icon-zoom.png"
probe dump >"$OUT/properties.json"
probe menu --no-about-to-show >"$OUT/menu-before.txt"  # the first menu a host reads

echo "--- right-click: waybar's menu"
pointer click "$cx" "$cy" right; sleep 1.5
grim "$OUT/menu.png"
if [ -n "${CLICK:-}" ]; then
  echo "--- with the menu open, click '$CLICK' over D-Bus; the open menu ${WATCH:-10} s later:"
  probe click "$CLICK" --watch "${WATCH:-10}" | grep -v -E "NewIcon|NewToolTip"
  grim "$OUT/menu-open-later.png"
fi
pointer click 600 700 left; sleep 0.8   # a click outside closes the menu
echo "--- right-click again (the app has synced its menu by now)"
pointer click "$cx" "$cy" right; sleep 1.5
grim "$OUT/menu-again.png"
pointer click 600 700 left; sleep 0.8
echo "--- left-click (SNI Activate)"
pointer click "$cx" "$cy" left; sleep 1.5
grim "$OUT/left-click.png"
pointer move 600 700; sleep 0.5
grep -q "Failed to create grabbing popup" "$OUT/app.log" \
  && echo "left-click: the app's popup menu failed (qt.qpa.wayland: Failed to create grabbing popup)"
echo "--- app log"; tail -n 8 "$OUT/app.log"
echo "PASS: icon shown in waybar"
