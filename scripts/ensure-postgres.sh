#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl, postgres) are on this machine: Koe's
# embedded database and its tests start a private cluster from them. On Debian/Ubuntu as root it
# installs them with apt-get; elsewhere it says how.
set -euo pipefail

have_server() {
  local d
  for d in "${KOE_PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin \
           /opt/homebrew/opt/postgresql@*/bin /usr/local/opt/postgresql@*/bin; do
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && return 0
  done
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}

have_server && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL server binaries not found: installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  have_server && exit 0
fi

cat >&2 <<'MSG'
PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Install them:
  Debian/Ubuntu:  sudo apt-get install postgresql
  macOS:          brew install postgresql@16
or point KOE_PG_BINDIR at their directory, or set DATABASE_URL (and KOE_TEST_DATABASE_URL for tests)
to an existing PostgreSQL 15+.
MSG
exit 1
