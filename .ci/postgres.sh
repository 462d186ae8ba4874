#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server for gdprkit's tests.
#
# Usage: bash .ci/postgres.sh COMMAND [ARGS...]
#
# * Finds initdb/pg_ctl (PATH, then /usr/lib/postgresql/*/bin, newest first); when there
#   are none and apt-get is available as root, installs Debian's `postgresql` package.
# * Creates a cluster in a temporary directory owned by a non-root user (PostgreSQL
#   refuses to run as root): the current user, or when running as root the existing
#   `postgres` user, else a system user `gdprkit-pg` made with useradd.
# * Starts it listening only on a unix socket inside that directory (no TCP port, so it
#   cannot clash with another server), with durability switched off for speed: the data
#   is thrown away anyway.
# * Runs COMMAND with GDPRKIT_TEST_POSTGRES_DSN pointing at it and
#   GDPRKIT_REQUIRE_POSTGRES=1 (so the PostgreSQL tests fail instead of skipping), then
#   stops the server and removes the directory, also when COMMAND fails or is interrupted.
#   The exit status is COMMAND's.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: bash .ci/postgres.sh COMMAND [ARGS...]" >&2
  exit 2
fi

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local initdb_path dir
  if initdb_path="$(command -v initdb 2>/dev/null)" && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$initdb_path")"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -n -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

if ! bindir="$(find_bindir)"; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "no PostgreSQL server binaries found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bindir="$(find_bindir)" || { log "initdb still not found after installing"; exit 1; }
  else
    log "no PostgreSQL server binaries (initdb, pg_ctl) found and cannot install them"
    log "install PostgreSQL (e.g. apt-get install postgresql) or run as root"
    exit 1
  fi
fi
log "using $("$bindir/postgres" --version) from $bindir"

# PostgreSQL will not run as root: pick or make an unprivileged owner.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  if ! id -u "$owner" >/dev/null 2>&1; then
    owner=gdprkit-pg
    if ! id -u "$owner" >/dev/null 2>&1; then
      log "creating system user $owner"
      useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    fi
  fi
  as_owner=(runuser -u "$owner" --)
else
  owner="$(id -un)"
fi

# /tmp: reachable by the server's user, and short enough for a unix socket path.
dir="$(mktemp -d /tmp/gdprkit-pg.XXXXXX)"
data="$dir/data"
if [ "$(id -u)" -eq 0 ]; then
  chown "$owner" "$dir"
fi

# Run as the owner from inside the cluster's directory (the caller's working directory
# may be closed to that user).
as_owner_run() { (cd "$dir" && "${as_owner[@]}" "$@"); }

stop_server() {
  local status=$?
  if [ -f "$data/postmaster.pid" ]; then
    as_owner_run "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  return "$status"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_owner_run "$bindir/initdb" -D "$data" -U gdprkit --auth=trust --encoding=UTF8 \
  --no-locale --no-sync >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}

port=5432
if ! as_owner_run "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port \
      -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
      -c max_connections=200 -c shared_buffers=128MB" >/dev/null; then
  log "the server did not start; its log follows"
  cat "$dir/server.log" >&2 || true
  exit 1
fi

export GDPRKIT_TEST_POSTGRES_DSN="host=$dir port=$port user=gdprkit dbname=postgres"
export GDPRKIT_REQUIRE_POSTGRES=1
log "server up: GDPRKIT_TEST_POSTGRES_DSN=\"$GDPRKIT_TEST_POSTGRES_DSN\""

set +e
"$@"
status=$?
set -e
exit "$status"
