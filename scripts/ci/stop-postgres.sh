#!/usr/bin/env bash
# Stops the server that start-postgres.sh started in the data directory given as $1, and removes it.
set -euo pipefail
data="$1"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_owner=()
[ "$(id -u)" = "0" ] && as_owner=(runuser -u postgres --)
"${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
rm -rf "$data"
