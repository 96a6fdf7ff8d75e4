#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suite (and benchmarks).
#   scripts/pg.sh start DIR PORT   -> initdb + start; prints the DATABASE_URL
#   scripts/pg.sh stop DIR         -> stop and remove
# PostgreSQL refuses to run as root: when we are root (CI), the server runs as an
# unprivileged system user (samen-pg, created if missing).
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop DIR [PORT]}
dir=${2:?usage: pg.sh start|stop DIR [PORT]}
port=${3:-54329}
user=samen-pg

bindir=""
for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/pg_ctl" ]; then bindir=$candidate; break; fi
done
if [ -z "$bindir" ]; then
  if command -v pg_ctl >/dev/null; then bindir=$(dirname "$(command -v pg_ctl)"); else
    echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 1
  fi
fi

as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    if [ "$(id -u)" = "0" ] && ! id "$user" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then chown "$user" "$dir"; fi
    as_owner "$bindir/initdb" -D "$dir/data" -U samen --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || as_owner "$bindir/initdb" -D "$dir/data" -U samen --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1
    # Fast and disposable: no fsync; listens on loopback only.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
      "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
    echo "postgres://samen@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" stop -m fast >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
