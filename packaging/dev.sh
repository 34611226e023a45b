#!/usr/bin/env bash
# Set up a development machine (Debian-like) and either start Eke on a demo store or run
# the whole test suite. The README's two commands and .ci/run call this script.
#   bash packaging/dev.sh start   install what is needed, start the program on a demo store
#   bash packaging/dev.sh test    install what is needed, run every test
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3}

# Qt's runtime libraries, Chinese fonts, PDF tools for reading printed pages back, and
# PostgreSQL for the central server's production backend tests.
DEBIAN_PACKAGES=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0
  libdbus-1-3 libxcb-cursor0 fonts-noto-cjk poppler-utils)

need_debian_packages() {
  command -v dpkg-query >/dev/null || return 1
  local p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || return 0
  done
  return 1
}

install_system() {
  if need_debian_packages; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing Debian packages: ${DEBIAN_PACKAGES[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${DEBIAN_PACKAGES[@]}" >/dev/null
  fi
}

install_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.eke-installed"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[test,central]"
    touch "$stamp"
  fi
}

install_fonts() {
  # Noto Sans Mongolian 3.002 (OFL) comes from the npm registry package named in
  # shared/mongolian.md; Debian's copy is older. Fonts are fetched, never committed.
  "$VENV/bin/python" packaging/fetch_fonts.py >/dev/null || echo "Note: the Mongolian font could not be fetched; Mongolian text may fall back to system fonts."
}

cmd=${1:-}
case "$cmd" in
  start)
    install_system
    install_python
    install_fonts
    DATA_DIR=${EKE_DEMO_DIR:-"$ROOT/.eke-demo"}
    export EKE_PASSWORD=${EKE_DEMO_PASSWORD:-eke-demo-2026}
    if [ ! -f "$DATA_DIR/keyslots.json" ]; then
      echo "Creating a demo township in $DATA_DIR (first time only)…"
      "$VENV/bin/python" -m desktop demo --data-dir "$DATA_DIR" --persons "${EKE_DEMO_PERSONS:-3000}"
    fi
    echo "Log in as user 'admin' with password '$EKE_PASSWORD'."
    unset EKE_PASSWORD
    exec "$VENV/bin/python" -m desktop --data-dir "$DATA_DIR"
    ;;
  test)
    install_system
    install_python
    install_fonts
    export QT_QPA_PLATFORM=offscreen
    # A private PostgreSQL cluster for central's production backend (stopped on exit). If it
    # cannot start, its tests skip with the reason here and fail under CI=true.
    # shellcheck source=packaging/ci_postgres.sh
    source packaging/ci_postgres.sh
    shift
    set +e
    "$VENV/bin/python" -m pytest "$@"
    rc=$?
    set -e
    # pytest's 5 means no test ran: that is a failure for us, not a pass.
    exit $rc
    ;;
  *)
    echo "usage: bash packaging/dev.sh start|test [pytest args]" >&2
    exit 2
    ;;
esac
