#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian Chromium for the browser test, Debian nginx for
# the balancer test, Debian PostgreSQL for the registry's tests on a real server) and run them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
if ! command -v chromium >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "warning: could not install Debian chromium; the browser test will fail" >&2
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  (apt-get update -qq && apt-get install -y -qq nginx >/dev/null) \
    || echo "warning: could not install Debian nginx; the balancer test will fail" >&2
fi
# The registry's store tests run on SQLite and on PostgreSQL: a private cluster from Debian's packages.
if [ -z "${DPA_TEST_POSTGRES_URL:-}" ]; then
  if DPA_TEST_POSTGRES_URL="$(./scripts/postgres.sh)"; then
    export DPA_TEST_POSTGRES_URL DPA_REQUIRE_POSTGRES=1
  else
    echo "warning: could not start PostgreSQL; the registry's PostgreSQL tests will be skipped" >&2
  fi
fi
# pytest exits 5 when it collects no tests: that is a failure here too.
.venv/bin/python -m pytest "$@"
