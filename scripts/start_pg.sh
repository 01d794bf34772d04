# Sourced by scripts/test.sh: start a throwaway PostgreSQL cluster for the test suite
# and export TEST_PG_URL. Uses Debian's PostgreSQL binaries (installed by .ci/run).
pg_bin=""
for cand in "$(command -v initdb 2>/dev/null)" $(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V -r); do
  if [ -n "$cand" ] && [ -x "$cand" ]; then pg_bin=$(dirname "$(readlink -f "$cand")"); break; fi
done
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL not found: the PostgreSQL half of the suite will be skipped (install postgresql, or run .ci/run)." >&2
  return 0 2>/dev/null || exit 0
fi
PG_PORT=${PG_PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")}
PG_DIR=$(mktemp -d /tmp/fayuan-pg.XXXXXX)
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
run_pg "$pg_bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
  || run_pg "$pg_bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1
run_pg "$pg_bin/pg_ctl" -D "$PG_DIR/data" -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" \
  -l "$PG_DIR/server.log" -w start >/dev/null
export TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
trap 'run_pg "$pg_bin/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
echo "PostgreSQL test server on port $PG_PORT ($PG_DIR)"
