#!/usr/bin/env bash
# Install the app and start it on the bundled data (opens on http://localhost:8501).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q -e .
exec .venv/bin/python -m streamlit run assistant/app.py "$@"
