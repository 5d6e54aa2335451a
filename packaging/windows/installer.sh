#!/usr/bin/env bash
# The Windows installer from a built bundle, with makensis on Linux:
#   packaging/windows/installer.sh [BUNDLE] [OUTDIR]     (defaults: dist/zomro-tray and dist)
# The installer is 64-bit (zomro-tray.nsi says why). Debian's nsis package ships the 64-bit
# stubs and the NSIS download for Windows does not, so every installer is made here: in .ci/run
# (packaging/windows/test-under-wine.sh) and in the GitHub workflow's Linux job after the
# Windows job has built the bundle.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=$(realpath "${1:-$root/dist/zomro-tray}")
outdir=$(realpath "${2:-$root/dist}")
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/zomro_tray/__init__.py")
for exe in zomro-tray.exe zomro-tray-cli.exe; do
  [ -f "$bundle/$exe" ] || { echo "installer.sh: no $exe in $bundle (build.spec on Windows)" >&2; exit 1; }
done
mkdir -p "$outdir"
installer="$outdir/zomro-tray-$version-windows-setup.exe"
makensis -WX -V2 -DVERSION="$version" -DSOURCE="$bundle" -DOUTFILE="$installer" \
  "$root/packaging/windows/zomro-tray.nsi"
echo "$installer ($(du -m "$installer" | cut -f1) MB)"
