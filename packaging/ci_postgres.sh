#!/usr/bin/env bash
# A private PostgreSQL cluster for the central server's tests and benchmarks.
#
#   source packaging/ci_postgres.sh      start it, export EKE_TEST_POSTGRES_URL, stop it on exit
#   bash packaging/ci_postgres.sh start  start it, print EKE_TEST_POSTGRES_URL=… and EKE_PG_DIR=…
#   bash packaging/ci_postgres.sh stop DIR
#
# Installs Debian's postgresql package when no server binaries are found (as root, or via
# sudo). The cluster lives in a fresh temporary folder, listens on 127.0.0.1 on a free port
# only, trusts local connections (it holds nothing but test data) and is owned by the
# `postgres` system user when we run as root (PostgreSQL refuses to run as root).
# When it cannot be started, EKE_TEST_POSTGRES_URL stays unset and EKE_TEST_POSTGRES_SKIP
# says why: the tests then skip locally and fail under CI=true. Never exits the caller.

_eke_pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

_eke_pg_install() {
  _eke_pg_bindir >/dev/null && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || return 1
    sudo="sudo -n"
  fi
  command -v apt-get >/dev/null || return 1
  echo "Installing PostgreSQL from Debian's packages…" >&2
  $sudo apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null 2>&1 || return 1
  _eke_pg_bindir >/dev/null
}

_eke_pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Start a cluster; on success sets EKE_PG_DIR and EKE_TEST_POSTGRES_URL, else EKE_TEST_POSTGRES_SKIP.
eke_pg_start() {
  unset EKE_TEST_POSTGRES_URL EKE_TEST_POSTGRES_SKIP EKE_PG_DIR
  if ! _eke_pg_install; then
    export EKE_TEST_POSTGRES_SKIP="PostgreSQL is not installed and could not be installed (needs root or sudo, and apt-get)"
    return 1
  fi
  local bin dir port as=()
  bin=$(_eke_pg_bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/eke-pg.XXXXXX")
  port=$(_eke_pg_free_port)
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      export EKE_TEST_POSTGRES_SKIP="running as root and there is no postgres user to own the cluster"
      return 1
    fi
    chown postgres: "$dir"
    as=(runuser -u postgres --)
  fi
  if ! "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1; then
    export EKE_TEST_POSTGRES_SKIP="initdb failed (see $dir/initdb.log)"
    return 1
  fi
  if ! "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300" \
      start >/dev/null 2>&1; then
    export EKE_TEST_POSTGRES_SKIP="the PostgreSQL server did not start (see $dir/server.log)"
    return 1
  fi
  "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres eke_test >/dev/null 2>&1 || true
  export EKE_PG_DIR="$dir"
  export EKE_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/eke_test"
  return 0
}

eke_pg_stop() {
  local dir=${1:-${EKE_PG_DIR:-}} bin as=()
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  bin=$(_eke_pg_bindir) || return 0
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # sourced: start now and stop when the calling shell exits
  if eke_pg_start; then
    trap 'eke_pg_stop "$EKE_PG_DIR"' EXIT
    echo "PostgreSQL for the tests: $EKE_TEST_POSTGRES_URL" >&2
  else
    echo "Note: PostgreSQL tests cannot run: $EKE_TEST_POSTGRES_SKIP" >&2
  fi
else
  case "${1:-}" in
    start)
      if eke_pg_start; then
        echo "EKE_TEST_POSTGRES_URL=$EKE_TEST_POSTGRES_URL"
        echo "EKE_PG_DIR=$EKE_PG_DIR"
      else
        echo "error: $EKE_TEST_POSTGRES_SKIP" >&2
        exit 1
      fi
      ;;
    stop) eke_pg_stop "${2:-}" ;;
    *) echo "usage: source packaging/ci_postgres.sh | bash packaging/ci_postgres.sh start|stop DIR" >&2; exit 2 ;;
  esac
fi
