#!/usr/bin/env bash
# macOS download: the .app from build.spec (a menu-bar app: LSUIElement, no Dock icon) in a .dmg.
# Signing and notarisation run only when their credentials are in the environment:
#   MACOS_CERTIFICATE_P12_BASE64 + MACOS_CERTIFICATE_PASSWORD + MACOS_SIGN_IDENTITY   -> codesign
#   APPLE_ID + APPLE_TEAM_ID + APPLE_APP_PASSWORD (app-specific password)              -> notarytool
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(python3 -c 'import zomro_tray; print(zomro_tray.__version__)')
app=dist/zomro-tray.app
dmg="dist/zomro-tray-${version}-macos-$(uname -m).dmg"

pyinstaller build.spec --noconfirm --log-level WARN

signing=""
if [ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ] && [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  signing=yes
  keychain="$RUNNER_TEMP/zomro-signing.keychain-db"
  password=$(uuidgen)
  security create-keychain -p "$password" "$keychain"
  security set-keychain-settings -lut 3600 "$keychain"
  security unlock-keychain -p "$password" "$keychain"
  echo "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$RUNNER_TEMP/cert.p12"
  security import "$RUNNER_TEMP/cert.p12" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" \
    -T /usr/bin/codesign
  rm -f "$RUNNER_TEMP/cert.p12"
  security list-keychains -d user -s "$keychain"
  security set-key-partition-list -S apple-tool:,apple: -s -k "$password" "$keychain" >/dev/null
  codesign --force --deep --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --strict --verbose=2 "$app"
else
  echo "no signing credentials in the environment: the .app and .dmg stay unsigned"
fi

staging=$(mktemp -d)
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "zomro-tray" -srcfolder "$staging" -ov -format UDZO "$dmg"
rm -rf "$staging"

if [ -n "$signing" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
  if [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
      --password "$APPLE_APP_PASSWORD" --wait
    xcrun stapler staple "$dmg"
  else
    echo "no notarisation credentials: the .dmg is signed but not notarised"
  fi
fi
ls -l "$dmg"
