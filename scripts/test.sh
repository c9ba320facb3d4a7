#!/usr/bin/env bash
# The one test command (README, CI): TypeScript suites, then the Python worker suite.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
npx vitest run
bash scripts/test-worker.sh
