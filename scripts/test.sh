#!/usr/bin/env bash
# The whole test suite, on SQLite and on a real PostgreSQL server started here.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
if [ -z "${TEST_PG_URL:-}" ]; then source scripts/start_pg.sh; fi
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
