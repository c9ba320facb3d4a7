#!/usr/bin/env bash
# The worker runs on PyTorch. Here that is Debian's python3-torch under /usr/bin/python3
# (no Python package index is reachable); elsewhere any python3 with torch and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${ALIGN_PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in /usr/bin/python3 python3; do
    if "$cand" -c 'import torch, pytest' >/dev/null 2>&1; then PY="$cand"; break; fi
  done
fi
if [ -z "$PY" ]; then
  echo "test-worker: no python3 with torch and pytest found (apt-get install -y python3-torch python3-pytest)" >&2
  exit 1
fi
if [ ! -d runtime/worker/tests ]; then
  echo "test-worker: no worker tests yet"; exit 0
fi
cd runtime/worker
exec "$PY" -m pytest -q tests
