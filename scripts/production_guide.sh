#!/usr/bin/env bash
# Follows docs/productie.md start to finish on a clean directory, without Docker and without
# systemd: the steps are the guide's, the services run as background processes of this script.
#
#   scripts/production_guide.sh DIR [PGPORT]
#
# DIR must be empty or absent. PGPORT (default 55472) is the port of the disposable PostgreSQL
# cluster (scripts/pg.sh) that stands in for the server's PostgreSQL. Everything the script starts
# is stopped and DIR is emptied at the end (KEEP=1 keeps it); it exits non-zero on any failure.
# Environment: SAMEN_REPO (repository to clone; default: this script's repository),
# PYTHON (default python3.11). It installs what `git clone` gives: the committed HEAD of the
# current branch, as a release would be; uncommitted changes in the working tree are not used.
set -euo pipefail

usage() { echo "usage: $0 DIR [PGPORT]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
dir=$1
pgport=${2:-55472}
repo=${SAMEN_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
python=${PYTHON:-python3.11}
site=samen.example.test # the public host name; curl sends it as the reverse proxy would
t0=$(date +%s)

step() { printf '\n== [%4ss] %s\n' "$(($(date +%s) - t0))" "$*"; }
fail() { echo "production_guide: FAILED: $*" >&2; exit 1; }

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
[ -z "$(ls -A "$dir")" ] || fail "$dir is not empty"

# As root, scripts/pg.sh runs the server as the unprivileged user samen-pg: it must be able to
# reach its data directory under DIR.
if [ "$(id -u)" = "0" ]; then
  chmod 755 "$dir"
  p=$dir
  while [ "$p" != "/" ]; do
    p=$(dirname "$p")
    mode=$(stat -c %A "$p")
    case ${mode:9:1} in x | t) ;; *) fail "$p is not searchable by others; PostgreSQL (user samen-pg) cannot reach $dir" ;; esac
  done
fi

bindir=""
for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/pg_dump" ]; then bindir=$candidate; break; fi
done
[ -n "$bindir" ] || bindir=$(dirname "$(command -v pg_dump)")

src=$dir/samen        # /opt/samen/src in the guide
venv=$dir/venv        # /opt/samen/venv
var=$dir/var          # /var/lib/samen (SAMEN_VAR_DIR, the services' working directory)
envfile=$dir/etc/samen.env # /etc/samen/samen.env
backups=$dir/backup   # /var/backups/samen
logs=$dir/log
pgdir=$dir/pg
samen=$venv/bin/samen
web_pid=""
worker_pid=""

stop_services() {
  for pid in $worker_pid $web_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $worker_pid $web_pid; do
    wait "$pid" 2>/dev/null || true
  done
  worker_pid=""
  web_pid=""
}

cleanup() {
  rc=$?
  set +e
  stop_services
  echo "[$(($(date +%s) - t0))s] services stopped"
  if [ "$rc" != "0" ]; then
    for log in "$logs"/*.log "$pgdir/server.log"; do
      [ -f "$log" ] && { echo "--- tail of $log" >&2; tail -n 30 "$log" >&2; }
    done
  fi
  "$repo/scripts/pg.sh" stop "$pgdir" >/dev/null 2>&1
  echo "[$(($(date +%s) - t0))s] PostgreSQL stopped"
  if [ "${KEEP:-0}" != "1" ]; then
    find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  fi
  if [ "$rc" = "0" ]; then
    echo "production_guide: OK in $(($(date +%s) - t0)) s"
  else
    echo "production_guide: FAILED (exit $rc) after $(($(date +%s) - t0)) s" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$var" "$backups" "$logs" "$(dirname "$envfile")"

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- 1. code and virtual environment (guide: "Installeren") ----------------------------------
step "1. git clone $repo"
git -c safe.directory="$repo" clone --quiet "$repo" "$src"
echo "revision $(git -C "$src" rev-parse --short HEAD)"

step "2. venv + pip install"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet "$src" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
"$samen" --version >/dev/null

# --- 2. PostgreSQL (guide: "PostgreSQL") ------------------------------------------------------
step "3. PostgreSQL: role and database"
admin_url=$("$repo/scripts/pg.sh" start "$pgdir" "$pgport") # superuser 'samen', trust, 127.0.0.1
dbpass=$("$python" -c 'import secrets; print(secrets.token_hex(16))')
"$bindir/psql" "$admin_url" -X -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE samen_app LOGIN PASSWORD '$dbpass'" \
  -c "CREATE DATABASE samen OWNER samen_app ENCODING 'UTF8' TEMPLATE template0"
db_base="postgres://samen_app:$dbpass@127.0.0.1:$pgport"

# --- 3. configuration (guide: "Configuratie") -------------------------------------------------
step "4. environment file"
umask 077
cat >"$envfile" <<EOF
SAMEN_VAR_DIR=$var
SAMEN_STATIC_ROOT=$var/static
SAMEN_SECRET_KEY=$("$python" -c 'import secrets; print(secrets.token_urlsafe(50))')
SAMEN_DEBUG=false
SAMEN_ALLOWED_HOSTS=$site
SAMEN_HTTPS=true
SAMEN_CSRF_TRUSTED_ORIGINS=https://$site
SAMEN_TRUSTED_PROXIES=1
DATABASE_URL=$db_base/samen
SAMEN_DB_CONN_MAX_AGE=60
SAMEN_TASK_BACKEND=django_tasks_db.DatabaseBackend
SAMEN_LOG_LEVEL=INFO
EOF
umask 022
set -a
# shellcheck source=/dev/null
. "$envfile"
set +a
cd "$var"

# --- 4. database, static files, register, first administrator ---------------------------------
step "5. samen migrate"
"$samen" migrate --no-input -v0
step "6. samen collectstatic"
"$samen" collectstatic --no-input -v0
test -f "$SAMEN_STATIC_ROOT/samen/samen.css" || fail "collectstatic did not write samen.css"
step "7. samen load-register"
"$samen" load-register
step "8. samen check --deploy"
"$samen" check --deploy --fail-level ERROR
step "9. first administrator (createsuperuser --no-input)"
admin_password=$("$python" -c 'import secrets; print(secrets.token_urlsafe(24))')
DJANGO_SUPERUSER_USERNAME=beheer DJANGO_SUPERUSER_EMAIL=beheer@example.test \
  DJANGO_SUPERUSER_PASSWORD=$admin_password "$samen" createsuperuser --no-input
SAMEN_CHECK_PASSWORD=$admin_password "$samen" shell --no-imports -c "
import os
from django.contrib.auth import get_user_model
user = get_user_model().objects.get(username='beheer')
assert user.check_password(os.environ['SAMEN_CHECK_PASSWORD']), 'password not set'
assert user.is_active and user.is_superuser and user.is_staff, user
print('beheer exists with the chosen password')"

# --- 5. gunicorn and the job worker (guide: "Diensten") ---------------------------------------
webport=$(free_port)
base=http://127.0.0.1:$webport
# gunicorn >= 27 opens a control socket, by default in ~/.gunicorn/ (shared by every instance).
control=()
if "$venv/bin/gunicorn" --help | grep -q -- --no-control-socket; then control=(--no-control-socket); fi

start_services() {
  "$venv/bin/gunicorn" samen.wsgi:application --bind "127.0.0.1:$webport" --workers 2 \
    --access-logfile - "${control[@]}" >>"$logs/gunicorn.log" 2>&1 &
  web_pid=$!
  "$samen" db_worker --interval 1 >>"$logs/worker.log" 2>&1 &
  worker_pid=$!
  for _ in $(seq 1 150); do
    if curl -fs -o /dev/null -H "Host: $site" "$base/api/v1" 2>/dev/null; then return 0; fi
    kill -0 "$web_pid" 2>/dev/null || fail "gunicorn exited"
    sleep 0.2
  done
  fail "gunicorn did not answer within 30 s"
}

# request PATH [curl options]: status, headers and body of one request as the proxy sends it
request() {
  local path=$1
  shift
  curl -sS -o "$logs/body" -D "$logs/headers" -w '%{http_code}' \
    -H "Host: $site" -H "X-Forwarded-Proto: https" -H "X-Forwarded-For: 192.0.2.10" "$@" "$base$path"
}

expect() { # expect STATUS PATH [curl options]
  local want=$1 path=$2
  shift 2
  local got
  got=$(request "$path" "$@")
  [ "$got" = "$want" ] || fail "GET $path answered $got, expected $want"
  echo "GET $path -> $got"
}

header() { grep -i "^$1:" "$logs/headers" | head -n1 | cut -d: -f2- | tr -d '\r' | sed 's/^ //'; }

check_site() {
  expect 200 /
  [ -n "$(header Strict-Transport-Security)" ] || fail "no HSTS header behind the HTTPS proxy"
  css=$(grep -o '/static/[^"]*\.css' "$logs/body" | head -n1)
  [ -n "$css" ] || fail "the home page links no stylesheet"
  expect 200 /api/v1
  case $(header Content-Type) in application/json*) ;; *) fail "/api/v1 is not JSON" ;; esac
  expect 200 "/api/v1/gemeenten"
  expect 200 "/api/v1/bevolking?jaar=2020"
  expect 200 "$css"
  case $(header Content-Type) in text/css*) ;; *) fail "$css is not served as CSS" ;; esac
  cmp -s "$logs/body" "$SAMEN_STATIC_ROOT${css#/static}" || fail "$css differs from the collected file"
  expect 200 "$css" -H "Accept-Encoding: gzip"
  [ "$(header Content-Encoding)" = "gzip" ] || fail "$css is not served compressed to a client that accepts gzip"
  grep -qi "^cache-control:.*max-age" "$logs/headers" || fail "$css has no Cache-Control max-age"
  echo "GET $css (gzip) -> 200, Content-Encoding: gzip"
  expect 200 /admin/login/
  # A host name that is not in SAMEN_ALLOWED_HOSTS is refused.
  got=$(curl -sS -o /dev/null -w '%{http_code}' -H "Host: evil.example.test" "$base/")
  [ "$got" = "400" ] || fail "an unknown Host header answered $got, expected 400"
  echo "GET / with Host: evil.example.test -> 400"
}

step "10. gunicorn on 127.0.0.1:$webport and samen db_worker"
start_services
step "11. pages, API and static files answer"
check_site

# Expected contents after load-register, from the shipped files themselves.
read -r want_gemeenten want_inwonertallen want_som < <("$venv/bin/python" - "$src" <<'EOF'
import csv, sys
from pathlib import Path
rows = list(csv.DictReader(open(Path(sys.argv[1]) / "src/samen/gemeenten/data/gemeenten_inwoners_1jan_2012_2024.csv", encoding="utf-8")))
print(len({r["gemeentecode"] for r in rows}), len(rows), sum(int(r["inwoners_1jan"]) for r in rows))
EOF
)

counts() { # counts DATABASE_URL -> "gemeenten inwonertallen som"
  "$bindir/psql" "$1" -X -q -A -t -v ON_ERROR_STOP=1 -F ' ' -c \
    "SELECT (SELECT count(*) FROM gemeenten_gemeente), count(*), sum(aantal) FROM gemeenten_inwonertal"
}
[ "$(counts "$DATABASE_URL")" = "$want_gemeenten $want_inwonertallen $want_som" ] \
  || fail "register in the database: $(counts "$DATABASE_URL"), expected $want_gemeenten $want_inwonertallen $want_som"
echo "register: $want_gemeenten gemeenten, $want_inwonertallen inwonertallen"

# --- 6. backup (guide: "Back-up") -------------------------------------------------------------
step "12. back-up with pg_dump (custom format)"
backup=$backups/samen-$(date +%Y%m%d-%H%M%S).dump
"$bindir/pg_dump" --format=custom --file="$backup" --dbname="$DATABASE_URL"
"$bindir/pg_restore" --list "$backup" >/dev/null
echo "$backup ($(stat -c %s "$backup") bytes)"

step "13. change data after the backup: a background import through the worker"
printf '%s\n' "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron" \
  "2025,GM0363,Amsterdam,Noord-Holland,PV27,940000,test" \
  "2025,GM0599,Rotterdam,Zuid-Holland,PV28,680000,test" \
  "2025,GM0518,'s-Gravenhage,Zuid-Holland,PV28,570000,test" >"$var/inwoners_2025.csv"
"$samen" shell --no-imports -c "
from samen.core.jobs import start_job
taak = start_job('gemeenten.import-cbs', 'productiegids', pad='$var/inwoners_2025.csv')
print(taak.uuid)" >"$logs/taak"
status=""
for _ in $(seq 1 60); do
  status=$("$samen" shell --no-imports -c "
from samen.core.models import Taak
print(Taak.objects.get(uuid='$(cat "$logs/taak")').status)")
  case $status in gereed) break ;; mislukt) fail "the worker ran the job and it failed" ;; esac
  sleep 0.5
done
[ "$status" = "gereed" ] || fail "the worker did not finish the job within 30 s (status $status)"
echo "the worker imported 3 inwonertallen for 2025"
[ "$(counts "$DATABASE_URL" | cut -d' ' -f2)" = "$((want_inwonertallen + 3))" ] \
  || fail "live database does not hold the 3 new inwonertallen"

# --- 7. restore into a new database (guide: "Herstel") ----------------------------------------
step "14. restore the backup into a new database with pg_restore"
"$bindir/psql" "$admin_url" -X -q -v ON_ERROR_STOP=1 \
  -c "CREATE DATABASE samen_herstel OWNER samen_app ENCODING 'UTF8' TEMPLATE template0"
"$bindir/pg_restore" --exit-on-error --no-owner --dbname="$db_base/samen_herstel" "$backup"
got=$(counts "$db_base/samen_herstel")
[ "$got" = "$want_gemeenten $want_inwonertallen $want_som" ] \
  || fail "restored database: $got, expected $want_gemeenten $want_inwonertallen $want_som"
echo "restored: $got (the 3 rows made after the backup are absent)"
DATABASE_URL=$db_base/samen_herstel "$samen" migrate --check -v0 \
  || fail "the restored database misses migrations"
DATABASE_URL=$db_base/samen_herstel "$samen" load-register | grep -q "al geladen" \
  || fail "the restored database does not know its register is loaded"

# --- 8. upgrade procedure (guide: "Bijwerken") ------------------------------------------------
step "15. upgrade: stop worker, back-up, pull, install, migrate, collectstatic, restart"
kill -TERM "$worker_pid"
wait "$worker_pid" || true
worker_pid=""
"$bindir/pg_dump" --format=custom --file="$backups/voor-upgrade.dump" --dbname="$DATABASE_URL"
git -c safe.directory="$repo" -C "$src" pull --quiet --ff-only
"$venv/bin/pip" install --quiet "$src" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
"$samen" migrate --no-input -v0
"$samen" collectstatic --no-input -v0
"$samen" load-register
stop_services
start_services
check_site

step "16. stop everything"
stop_services
