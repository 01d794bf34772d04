#!/usr/bin/env bash
# Set up and start 法援助手 on a fresh machine: venv, dependencies, SQLite database with
# the curated content under var/, then the web service (gunicorn workers) with the chat
# simulator and the outbox sender beside it: staff replies, status notices and reminders
# reach the simulator (or, with WECHAT_* set, the citizen's WeChat) with no other step.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
.venv/bin/python -m bot init-db
exec .venv/bin/python -m bot serve --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
