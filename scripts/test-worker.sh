#!/usr/bin/env bash
# The worker runs on PyTorch. Here that is Debian's python3-torch under /usr/bin/python3
# (no Python package index is reachable); elsewhere any python3 with torch and pytest.
# When .venv-worker exists (scripts/worker-venv.sh: torch >= 2.1, transformers, peft), the suite
# runs a second time under it, where the Hugging Face, LoRA and FSDP-on-CPU tests run too.
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
pythons=("$PY")
if [ -z "${ALIGN_PYTHON:-}" ] && [ -x .venv-worker/bin/python ]; then pythons+=("$PWD/.venv-worker/bin/python"); fi
cd runtime/worker
for py in "${pythons[@]}"; do
  echo "test-worker: $("$py" -c 'import sys, torch; print(sys.executable, "torch", torch.__version__)')"
  "$py" -W "ignore::FutureWarning" -m pytest -q tests
done
