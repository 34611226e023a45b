#!/usr/bin/env bash
# Build the Linux program folder and its archive on this machine:
#   bash packaging/build.sh        → dist/eke/ and dist/eke-<version>-linux-<arch>.tar.gz
# EKE_DIST_DIR=/elsewhere puts both (and PyInstaller's work files) there instead, so a test
# run never clobbers a build in dist/ nor meets another run's half-written one.
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
DIST=${EKE_DIST_DIR:-"$ROOT/dist"}
WORKDIR=${EKE_DIST_DIR:+"$EKE_DIST_DIR/work"}
WORKDIR=${WORKDIR:-"$ROOT/build/pyinstaller"}
start=$(date +%s)
# --clean: a stale cache of an older build must never leak into what we ship.
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORKDIR" packaging/eke.spec

cp packaging/linux/eke.desktop packaging/linux/install.sh "$DIST/eke/"
ARCHIVE="$DIST/eke-$VERSION-linux-$ARCH.tar.gz"
rm -f "$ARCHIVE"
tar -C "$DIST" -czf "$ARCHIVE" eke
echo "built $DIST/eke/ and $ARCHIVE in $(( $(date +%s) - start )) s"
