#!/usr/bin/env bash
# Build the Linux program folder and its archive on this machine:
#   bash packaging/build.sh        → dist/eke/ and dist/eke-<version>-linux-<arch>.tar.gz
# Needs the development set-up (bash packaging/dev.sh start|test made .venv/); installs
# PyInstaller into .venv through the `packaging` extra of pyproject.toml and fetches the
# Mongolian font if it is missing. The Windows installer is built on Windows:
# packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
[ -x "$PY" ] || { echo "no .venv: run bash packaging/dev.sh test (or start) first" >&2; exit 2; }

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  "$PY" -m pip install -q -e ".[packaging]"
fi
"$PY" packaging/fetch_fonts.py >/dev/null

VERSION=$("$PY" -c "import desktop; print(desktop.__version__)")
ARCH=$(uname -m)
start=$(date +%s)
# --clean: a stale cache of an older build must never leak into what we ship.
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/eke.spec

cp packaging/linux/eke.desktop packaging/linux/install.sh dist/eke/
ARCHIVE="dist/eke-$VERSION-linux-$ARCH.tar.gz"
rm -f "$ARCHIVE"
tar -C dist -czf "$ARCHIVE" eke
echo "built dist/eke/ and $ARCHIVE in $(( $(date +%s) - start )) s"
