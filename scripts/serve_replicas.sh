#!/usr/bin/env bash
# Start N app replicas behind nginx on this machine (default 2, on http://127.0.0.1:8080); Ctrl-C stops all.
#   ./scripts/serve_replicas.sh --replicas 2 --port 8080
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q -e .
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt-get install -y -qq nginx >/dev/null
exec .venv/bin/python deploy/replicas.py "$@"
