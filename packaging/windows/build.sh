#!/usr/bin/env bash
# Windows downloads (run in Git Bash on a Windows runner): the bundle from build.spec, then the
# NSIS installer. zomro-tray.exe is the tray (no console window); zomro-tray-cli.exe is the CLI.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(python -c 'import zomro_tray; print(zomro_tray.__version__)')
pyinstaller build.spec --noconfirm --log-level WARN
makensis -WX -DVERSION="$version" packaging/windows/zomro-tray.nsi
ls -l dist/*.exe
