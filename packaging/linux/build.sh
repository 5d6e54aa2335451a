#!/usr/bin/env bash
# Build the Linux downloads from build.spec: the one-folder bundle, a .deb and a plain tarball.
#
#   packaging/linux/build.sh            ->  dist/zomro-tray_<version>_<arch>.deb
#                                           dist/zomro-tray-<version>-linux-<arch>.tar.xz
# The .deb installs the bundle under /opt/zomro-tray, a launcher /usr/bin/zomro-tray, a .desktop
# file and hicolor icons. Build on the oldest distribution you support (the bundle needs its glibc).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
version=$(python3 -c 'import re; print(re.search(r"__version__ = \"(.+)\"", open("zomro_tray/__init__.py").read())[1])')
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
started=$SECONDS

echo "== bundle (PyInstaller)"
rm -rf build/zomro-tray dist/zomro-tray
pyinstaller build.spec --noconfirm --log-level WARN
bundle_seconds=$((SECONDS - started))

echo "== .deb"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
         "$stage/usr/share/doc/zomro-tray"
cp -a dist/zomro-tray "$stage/opt/zomro-tray"
ln -s /opt/zomro-tray/zomro-tray "$stage/usr/bin/zomro-tray"
install -m 644 packaging/linux/zomro-tray.desktop "$stage/usr/share/applications/"
mkdir -p "$stage/usr/share/icons"
cp -r resources/icons/hicolor "$stage/usr/share/icons/"
install -m 644 README.md "$stage/usr/share/doc/zomro-tray/README.md"
size_kb=$(du -sk "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: zomro-tray
Version: $version
Architecture: $arch
Maintainer: zomro-tray developers <zomro-tray@users.noreply.github.com>
Installed-Size: $size_kb
Depends: libc6 (>= 2.36), libegl1, libgl1, libfontconfig1, fonts-dejavu-core | fonts-liberation2 | fonts-noto-core
Recommends: gnome-keyring | kwalletmanager
Section: net
Priority: optional
Homepage: https://github.com/zomro-tray/zomro-tray
Description: Zomro Cloud VPS servers in the system tray
 Shows every Cloud VPS of a Zomro account with a coloured status in the
 system tray, and starts or stops a server with one click. The sign-in is
 kept in the system keychain. Includes the zomro-tray command line.
CONTROL
for script in postinst postrm; do
  cat > "$stage/DEBIAN/$script" <<'HOOK'
#!/bin/sh
set -e
# Refresh the menus and the icon cache where the tools exist; never fail the package on them.
command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
exit 0
HOOK
  chmod 755 "$stage/DEBIAN/$script"
done
deb="dist/zomro-tray_${version}_${arch}.deb"
deb_started=$SECONDS
dpkg-deb --root-owner-group -Zxz -z6 --build "$stage" "$deb" >/dev/null
deb_seconds=$((SECONDS - deb_started))

echo "== tarball"
tarball="dist/zomro-tray-${version}-linux-${arch}.tar.xz"
tar -C dist -cf - zomro-tray | xz -6 -T0 > "$tarball"

echo "== sizes and times"
printf '%-44s %s\n' "one-folder bundle (dist/zomro-tray)" "$(du -sh dist/zomro-tray | cut -f1)"
printf '%-44s %s\n' "$deb" "$(du -h "$deb" | cut -f1)"
printf '%-44s %s\n' "$tarball" "$(du -h "$tarball" | cut -f1)"
echo "bundle ${bundle_seconds}s, .deb ${deb_seconds}s, total $((SECONDS - started))s"
cd "$root"
