#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the tests (installing Debian's package if missing)
# and prints its URL. Stop it with: scripts/ci/stop-postgres.sh <data dir printed on stderr>.
set -euo pipefail
port="${PG_PORT:-55432}"

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "installing postgresql with apt-get" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
data="$(mktemp -d /tmp/borde-pg.XXXXXX)"

# PostgreSQL refuses to run as root; run it as the postgres user the package created.
as_owner=()
if [ "$(id -u)" = "0" ]; then
  chown postgres "$data"
  as_owner=(runuser -u postgres --)
fi
"${as_owner[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
"${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >&2
"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "create database borde_test" >&2
echo "$data" >&2
echo "postgres://postgres@127.0.0.1:$port/borde_test"
