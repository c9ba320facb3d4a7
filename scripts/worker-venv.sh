#!/usr/bin/env bash
# Build .venv-worker: a Python with torch >= 2.1 (CPU), transformers, peft and accelerate, so the
# worker's Hugging Face, LoRA and FSDP-on-CPU tests run too (Debian's torch 1.13 skips them), and
# ray[train] for the Ray launch target's tests (docs/launch.md).
# Installs only from local wheel directories, never the network: $ALIGN_WHEELS (colon-separated),
# else the wheel mirror some of our machines carry under /opt. Exit 0 with a note when there is
# none: `npm test` then runs the suite under Debian's torch alone.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-worker
IFS=: read -r -a dirs <<< "${ALIGN_WHEELS:-/opt/wheels:/opt/pypi/files:/opt/pypi-more/files}"
links=()
for d in "${dirs[@]}"; do [ -d "$d" ] && links+=(--find-links "$d"); done
if [ ${#links[@]} -eq 0 ]; then
  echo "worker-venv: no local wheel directory (set ALIGN_WHEELS); skipping the torch 2 suite"; exit 0
fi
pip_install() { "$VENV/bin/pip" install -q --no-index "${links[@]}" --disable-pip-version-check "$@"; }
optional_sinks() {
  # TensorBoard for the worker's tracking sink and its test; wandb where the wheels carry all of
  # its dependencies (the W&B test skips without it). wandb 0.30.0 needs
  # opentelemetry-semantic-conventions 0.66b0 even offline (`import wandb` reaches
  # opentelemetry.sdk.resources, which imports opentelemetry.semconv), so --no-deps is no way out.
  pip_install tensorboard >/dev/null 2>&1 ||
    echo "worker-venv: no tensorboard in the local wheels; the TensorBoard sink test checks the warning instead"
  pip_install wandb >/dev/null 2>&1 ||
    echo "worker-venv: wandb cannot be installed from the local wheels; the W&B offline test skips"
}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import torch, transformers, peft, pytest' 2>/dev/null; then
  # A venv made before the Ray target or the sinks: add them rather than rebuild it.
  "$VENV/bin/python" -c 'import ray.train.torch' 2>/dev/null || pip_install "ray[train]>=2.9,<3" \
    || echo "worker-venv: the local wheels do not provide ray[train]; the Ray launch tests will fail"
  "$VENV/bin/python" -c 'import tensorboard' 2>/dev/null || optional_sinks
  exit 0
fi
rm -rf "$VENV"
PY=/usr/bin/python3; command -v "$PY" >/dev/null || PY=python3
if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
  rm -rf "$VENV"; echo "worker-venv: $PY cannot make a virtualenv (python3-venv); skipping the torch 2 suite"; exit 0
fi
if ! pip_install "torch>=2.1,<3" "transformers>=4.45" "peft>=0.13" accelerate safetensors pytest "ray[train]>=2.9,<3"; then
  rm -rf "$VENV"
  echo "worker-venv: the local wheels do not provide torch >= 2.1 + transformers + peft + ray[train]; skipping the torch 2 suite"
  exit 0
fi
optional_sinks
