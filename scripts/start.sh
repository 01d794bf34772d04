#!/usr/bin/env bash
# Set up and start 法援助手 on a fresh machine: venv, dependencies, SQLite database with
# the curated content under var/, then the web service with the chat simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
.venv/bin/python -m bot init-db
exec .venv/bin/python -m bot serve --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
